/* The reader layer of the parser: JSON paths, typed readers over yajl's
 * tree, and turning text into a tree with positioned errors. */
#include "config.h"

#include "libocispec/json_read.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>

#include "util/cleanup.h"

/* ---- paths and errors ---------------------------------------------------- */

void jr_init(jr *r, const char *name, rt_error *err) {
  r->name = name;
  r->err = err;
  r->len = 0;
  r->path[0] = '\0';
}

static void path_append(jr *r, const char *s, size_t n) {
  size_t room = sizeof r->path - 1 - r->len;
  if (n > room)
    n = room;
  memcpy(r->path + r->len, s, n);
  r->len += n;
  r->path[r->len] = '\0';
}

static bool is_identifier(const char *s) {
  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
    return false;
  for (s++; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
          *s == '_'))
      return false;
  return true;
}

size_t jr_push_key(jr *r, const char *key) {
  size_t mark = r->len;
  if (is_identifier(key)) {
    path_append(r, ".", 1);
    path_append(r, key, strlen(key));
    return mark;
  }
  path_append(r, "[\"", 2);
  for (const char *p = key; *p; p++) {
    if (*p == '"' || *p == '\\')
      path_append(r, "\\", 1);
    char c = (unsigned char)*p < 0x20 ? '?' : *p;
    path_append(r, &c, 1);
  }
  path_append(r, "\"]", 2);
  return mark;
}

size_t jr_push_index(jr *r, size_t i) {
  size_t mark = r->len;
  char buf[32];
  int n = snprintf(buf, sizeof buf, "[%zu]", i);
  path_append(r, buf, (size_t)n);
  return mark;
}

void jr_pop(jr *r, size_t mark) {
  if (mark <= r->len) {
    r->len = mark;
    r->path[mark] = '\0';
  }
}

static int failv(jr *r, const char *fmt, va_list ap) {
  /* Whole, so that rt_error_set cuts a hostile value and keeps what follows. */
  char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    return rt_error_set(r->err, ENOMEM, "%s", r->name);
  int rc = r->len == 0 ? rt_error_set(r->err, 0, "%s: %s", r->name, msg)
                       : rt_error_set(r->err, 0, "%s: %s: %s", r->name, r->path, msg);
  free(msg);
  return rc;
}

int jr_fail(jr *r, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int rc = failv(r, fmt, ap);
  va_end(ap);
  return rc;
}

int jr_fail_at(jr *r, const char *key, const char *fmt, ...) {
  size_t mark = key ? jr_push_key(r, key) : r->len;
  va_list ap;
  va_start(ap, fmt);
  int rc = failv(r, fmt, ap);
  va_end(ap);
  jr_pop(r, mark);
  return rc;
}

int jr_oom(jr *r) { return rt_error_set(r->err, ENOMEM, "%s", r->name); }

static int missing(jr *r, const char *key) { return jr_fail_at(r, key, "missing required field"); }

/* ---- lookups and types ---------------------------------------------------- */

yajl_val jr_field(yajl_val obj, const char *key) {
  if (!obj || !YAJL_IS_OBJECT(obj))
    return NULL;
  /* Repeated keys: the last one wins, as in most JSON decoders. */
  for (size_t i = obj->u.object.len; i-- > 0;)
    if (strcmp(obj->u.object.keys[i], key) == 0) {
      yajl_val v = obj->u.object.values[i];
      return v && !YAJL_IS_NULL(v) ? v : NULL;
    }
  return NULL;
}

static bool is_integer_text(const char *raw) { return raw && !strpbrk(raw, ".eE"); }

const char *jr_type_name(yajl_val v) {
  if (!v || YAJL_IS_NULL(v))
    return "null";
  if (YAJL_IS_STRING(v))
    return "a string";
  if (YAJL_IS_NUMBER(v))
    return is_integer_text(v->u.number.r) ? "an integer" : "a number";
  if (YAJL_IS_OBJECT(v))
    return "an object";
  if (YAJL_IS_ARRAY(v))
    return "an array";
  return "a boolean";
}

int jr_expect_object(jr *r, yajl_val v) {
  if (v && YAJL_IS_OBJECT(v))
    return 0;
  return jr_fail(r, "expected an object, got %s", jr_type_name(v));
}

int jr_expect_array(jr *r, yajl_val v) {
  if (v && YAJL_IS_ARRAY(v))
    return 0;
  return jr_fail(r, "expected an array, got %s", jr_type_name(v));
}

/* ---- scalars -------------------------------------------------------------- */

static int dup_string(jr *r, const char *s, char **out) {
  char *copy = strdup(s);
  if (!copy)
    return jr_oom(r);
  free(*out);
  *out = copy;
  return 0;
}

int jr_string(jr *r, yajl_val obj, const char *key, jr_need need, char **out) {
  yajl_val v = jr_field(obj, key);
  if (!v)
    return need == JR_REQUIRED ? missing(r, key) : 0;
  if (!YAJL_IS_STRING(v))
    return jr_fail_at(r, key, "expected a string, got %s", jr_type_name(v));
  return dup_string(r, v->u.string, out);
}

int jr_bool(jr *r, yajl_val obj, const char *key, jr_need need, bool *out, bool *has) {
  yajl_val v = jr_field(obj, key);
  if (has)
    *has = false;
  if (!v)
    return need == JR_REQUIRED ? missing(r, key) : 0;
  if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
    return jr_fail_at(r, key, "expected a boolean, got %s", jr_type_name(v));
  *out = YAJL_IS_TRUE(v);
  if (has)
    *has = true;
  return 0;
}

/* Split the raw text of a JSON integer into sign and magnitude; *overflow
 * when the magnitude does not fit 64 bits. JSON guarantees the syntax. */
static int integer_parts(jr *r, yajl_val v, bool *neg, uint64_t *mag, bool *overflow) {
  const char *raw = YAJL_IS_NUMBER(v) ? v->u.number.r : NULL;
  if (!raw)
    return jr_fail(r, "expected an integer, got %s", jr_type_name(v));
  if (!is_integer_text(raw))
    return jr_fail(r, "expected an integer, got a number (%s)", raw);
  const char *p = raw;
  *neg = *p == '-';
  if (*neg)
    p++;
  *mag = 0;
  *overflow = false;
  for (; *p >= '0' && *p <= '9'; p++) {
    unsigned d = (unsigned)(*p - '0');
    if (*mag > (UINT64_MAX - d) / 10)
      *overflow = true;
    else
      *mag = *mag * 10 + d;
  }
  if (*p != '\0' || p == raw + *neg)
    return jr_fail(r, "expected an integer, got \"%s\"", raw);
  return 0;
}

static int int_at(jr *r, yajl_val v, int64_t min, int64_t max, int64_t *out) {
  bool neg, overflow;
  uint64_t mag;
  if (integer_parts(r, v, &neg, &mag, &overflow) < 0)
    return -1;
  /* Largest magnitudes that fit: 2^63 for negative, 2^63-1 for positive. */
  bool fits = !overflow && (neg ? mag <= (uint64_t)INT64_MAX + 1 : mag <= (uint64_t)INT64_MAX);
  int64_t x = 0;
  if (fits)
    x = neg ? (int64_t)(0 - mag) : (int64_t)mag;
  if (!fits || x < min || x > max)
    return jr_fail(r, "%s is out of range (%" PRId64 " to %" PRId64 ")", v->u.number.r, min, max);
  *out = x;
  return 0;
}

static int uint_at(jr *r, yajl_val v, uint64_t min, uint64_t max, uint64_t *out) {
  bool neg, overflow;
  uint64_t mag;
  if (integer_parts(r, v, &neg, &mag, &overflow) < 0)
    return -1;
  if (overflow || (neg && mag != 0) || mag < min || mag > max)
    return jr_fail(r, "%s is out of range (%" PRIu64 " to %" PRIu64 ")", v->u.number.r, min, max);
  *out = mag;
  return 0;
}

int jr_int(jr *r, yajl_val obj, const char *key, jr_need need, int64_t min, int64_t max,
           int64_t *out, bool *has) {
  yajl_val v = jr_field(obj, key);
  if (has)
    *has = false;
  if (!v)
    return need == JR_REQUIRED ? missing(r, key) : 0;
  size_t mark = jr_push_key(r, key);
  int rc = int_at(r, v, min, max, out);
  jr_pop(r, mark);
  if (rc == 0 && has)
    *has = true;
  return rc;
}

int jr_uint(jr *r, yajl_val obj, const char *key, jr_need need, uint64_t min, uint64_t max,
            uint64_t *out, bool *has) {
  yajl_val v = jr_field(obj, key);
  if (has)
    *has = false;
  if (!v)
    return need == JR_REQUIRED ? missing(r, key) : 0;
  size_t mark = jr_push_key(r, key);
  int rc = uint_at(r, v, min, max, out);
  jr_pop(r, mark);
  if (rc == 0 && has)
    *has = true;
  return rc;
}

int jr_i32(jr *r, yajl_val obj, const char *key, jr_need need, int32_t *out, bool *has) {
  int64_t x;
  bool h = false;
  int rc = jr_int(r, obj, key, need, INT32_MIN, INT32_MAX, &x, &h);
  if (rc == 0 && h)
    *out = (int32_t)x;
  if (has)
    *has = h;
  return rc;
}

int jr_i64(jr *r, yajl_val obj, const char *key, jr_need need, int64_t *out, bool *has) {
  return jr_int(r, obj, key, need, INT64_MIN, INT64_MAX, out, has);
}

int jr_u16(jr *r, yajl_val obj, const char *key, jr_need need, uint16_t *out, bool *has) {
  uint64_t x;
  bool h = false;
  int rc = jr_uint(r, obj, key, need, 0, UINT16_MAX, &x, &h);
  if (rc == 0 && h)
    *out = (uint16_t)x;
  if (has)
    *has = h;
  return rc;
}

int jr_u32(jr *r, yajl_val obj, const char *key, jr_need need, uint32_t *out, bool *has) {
  uint64_t x;
  bool h = false;
  int rc = jr_uint(r, obj, key, need, 0, UINT32_MAX, &x, &h);
  if (rc == 0 && h)
    *out = (uint32_t)x;
  if (has)
    *has = h;
  return rc;
}

int jr_u64(jr *r, yajl_val obj, const char *key, jr_need need, uint64_t *out, bool *has) {
  return jr_uint(r, obj, key, need, 0, UINT64_MAX, out, has);
}

/* ---- arrays and maps of scalars -------------------------------------------- */

void jr_strv_free(char **v, size_t n) {
  if (!v)
    return;
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

static int strings_at(jr *r, yajl_val v, char ***out, size_t *n) {
  if (jr_expect_array(r, v) < 0)
    return -1;
  size_t len = v->u.array.len;
  char **arr = calloc(len + 1, sizeof *arr);
  if (!arr)
    return jr_oom(r);
  for (size_t i = 0; i < len; i++) {
    yajl_val e = v->u.array.values[i];
    int rc = 0;
    if (!e || !YAJL_IS_STRING(e)) {
      size_t mark = jr_push_index(r, i);
      rc = jr_fail(r, "expected a string, got %s", jr_type_name(e));
      jr_pop(r, mark);
    } else if (!(arr[i] = strdup(e->u.string))) {
      rc = jr_oom(r);
    }
    if (rc < 0) {
      jr_strv_free(arr, i);
      return rc;
    }
  }
  jr_strv_free(*out, *n);
  *out = arr;
  *n = len;
  return 0;
}

int jr_strings(jr *r, yajl_val obj, const char *key, char ***out, size_t *n, bool *has) {
  yajl_val v = jr_field(obj, key);
  if (has)
    *has = false;
  if (!v)
    return 0;
  size_t mark = jr_push_key(r, key);
  int rc = strings_at(r, v, out, n);
  jr_pop(r, mark);
  if (rc == 0 && has)
    *has = true;
  return rc;
}

static int u32_array_at(jr *r, yajl_val v, uint32_t **out, size_t *n) {
  if (jr_expect_array(r, v) < 0)
    return -1;
  size_t len = v->u.array.len;
  uint32_t *arr = calloc(len + 1, sizeof *arr);
  if (!arr)
    return jr_oom(r);
  for (size_t i = 0; i < len; i++) {
    uint64_t x;
    size_t mark = jr_push_index(r, i);
    int rc = uint_at(r, v->u.array.values[i], 0, UINT32_MAX, &x);
    jr_pop(r, mark);
    if (rc < 0) {
      free(arr);
      return rc;
    }
    arr[i] = (uint32_t)x;
  }
  free(*out);
  *out = arr;
  *n = len;
  return 0;
}

int jr_u32_array(jr *r, yajl_val obj, const char *key, uint32_t **out, size_t *n) {
  yajl_val v = jr_field(obj, key);
  if (!v)
    return 0;
  size_t mark = jr_push_key(r, key);
  int rc = u32_array_at(r, v, out, n);
  jr_pop(r, mark);
  return rc;
}

/* Whether member i of obj is overridden by a later member with its key. */
static bool key_repeated_later(yajl_val obj, size_t i) {
  for (size_t k = i + 1; k < obj->u.object.len; k++)
    if (strcmp(obj->u.object.keys[k], obj->u.object.keys[i]) == 0)
      return true;
  return false;
}

/* Indices of the members to keep: the last of each key, in order. Small
 * objects are checked pairwise; large ones through a sorted index. */
static int cmp_member(const void *a, const void *b, void *obj_) {
  yajl_val obj = obj_;
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  int c = strcmp(obj->u.object.keys[x], obj->u.object.keys[y]);
  return c ? c : (x > y) - (x < y);
}

static int unique_members(jr *r, yajl_val obj, size_t **keep, size_t *n_keep) {
  size_t len = obj->u.object.len;
  _cleanup_free_ size_t *idx = calloc(len + 1, sizeof *idx);
  _cleanup_free_ bool *drop = calloc(len + 1, sizeof *drop);
  if (!idx || !drop)
    return jr_oom(r);
  if (len <= 64) {
    for (size_t i = 0; i < len; i++)
      drop[i] = key_repeated_later(obj, i);
  } else {
    for (size_t i = 0; i < len; i++)
      idx[i] = i;
    qsort_r(idx, len, sizeof *idx, cmp_member, obj);
    for (size_t i = 0; i + 1 < len; i++)
      drop[idx[i]] = strcmp(obj->u.object.keys[idx[i]], obj->u.object.keys[idx[i + 1]]) == 0;
  }
  size_t n = 0;
  for (size_t i = 0; i < len; i++)
    if (!drop[i])
      idx[n++] = i;
  *keep = TAKE_PTR(idx);
  *n_keep = n;
  return 0;
}

void jr_map_free(oci_map *m) {
  if (!m)
    return;
  for (size_t i = 0; i < m->n; i++) {
    free(m->keys[i]);
    free(m->values[i]);
  }
  free(m->keys);
  free(m->values);
  memset(m, 0, sizeof *m);
}

static int map_entry(jr *r, const char *key, yajl_val v, oci_map *m) {
  if (!*key)
    return jr_fail(r, "empty key");
  if (!v || !YAJL_IS_STRING(v))
    return jr_fail_at(r, key, "expected a string, got %s", jr_type_name(v));
  m->keys[m->n] = strdup(key);
  m->values[m->n] = strdup(v->u.string);
  m->n++;
  return m->keys[m->n - 1] && m->values[m->n - 1] ? 0 : jr_oom(r);
}

static int string_map_at(jr *r, yajl_val v, oci_map *out) {
  if (!YAJL_IS_OBJECT(v))
    return jr_fail(r, "expected an object of strings, got %s", jr_type_name(v));
  _cleanup_free_ size_t *keep = NULL;
  size_t n_keep = 0;
  if (unique_members(r, v, &keep, &n_keep) < 0)
    return -1;
  jr_map_free(out);
  out->keys = calloc(n_keep + 1, sizeof(char *));
  out->values = calloc(n_keep + 1, sizeof(char *));
  if (!out->keys || !out->values)
    return jr_oom(r);
  for (size_t i = 0; i < n_keep; i++)
    if (map_entry(r, v->u.object.keys[keep[i]], v->u.object.values[keep[i]], out) < 0)
      return -1;
  return 0;
}

int jr_string_map(jr *r, yajl_val obj, const char *key, oci_map *out) {
  yajl_val v = jr_field(obj, key);
  if (!v)
    return 0;
  size_t mark = jr_push_key(r, key);
  int rc = string_map_at(r, v, out);
  jr_pop(r, mark);
  return rc;
}

/* ---- value checks ----------------------------------------------------------- */

int jr_enum_index(const char *value, const char *const *allowed) {
  for (int i = 0; allowed[i]; i++)
    if (strcmp(allowed[i], value) == 0)
      return i;
  return -1;
}

static bool in_list(const char *value, const char *const *allowed) {
  return jr_enum_index(value, allowed) >= 0;
}

int jr_check_enum(jr *r, const char *key, const char *value, const char *const *allowed,
                  const char *what) {
  if (in_list(value, allowed))
    return 0;
  char list[1024] = "";
  size_t used = 0;
  for (const char *const *a = allowed; *a && used < sizeof list; a++) {
    int n = snprintf(list + used, sizeof list - used, "%s%s", a == allowed ? "" : ", ", *a);
    if (n < 0)
      break;
    used += (size_t)n;
  }
  return jr_fail_at(r, key, "unknown %s \"%s\" (expected one of %s)", what, value, list);
}

int jr_check_enum_list(jr *r, const char *key, char *const *values, size_t n,
                       const char *const *allowed, const char *what) {
  for (size_t i = 0; i < n; i++) {
    if (in_list(values[i], allowed))
      continue;
    size_t mark = jr_push_key(r, key);
    jr_push_index(r, i);
    int rc = jr_check_enum(r, NULL, values[i], allowed, what);
    jr_pop(r, mark);
    return rc;
  }
  return 0;
}

int jr_check_absolute(jr *r, const char *key, const char *value) {
  if (value[0] == '/')
    return 0;
  return jr_fail_at(r, key, "must be an absolute path, got \"%s\"", value);
}

/* ---- containers of objects -------------------------------------------------- */

static int object_array_at(jr *r, yajl_val v, size_t size, jr_item_fn fn, void *ctx, void **items,
                           size_t *n) {
  if (jr_expect_array(r, v) < 0)
    return -1;
  size_t len = v->u.array.len;
  char *arr = calloc(len + 1, size);
  if (!arr)
    return jr_oom(r);
  *items = arr;
  *n = len;
  for (size_t i = 0; i < len; i++) {
    yajl_val e = v->u.array.values[i];
    size_t mark = jr_push_index(r, i);
    int rc = jr_expect_object(r, e);
    if (rc == 0)
      rc = fn(r, e, arr + i * size, ctx);
    jr_pop(r, mark);
    if (rc < 0)
      return rc;
  }
  return 0;
}

int jr_object_array(jr *r, yajl_val obj, const char *key, size_t size, jr_item_fn fn, void *ctx,
                    void **items, size_t *n) {
  yajl_val v = jr_field(obj, key);
  if (!v)
    return 0;
  size_t mark = jr_push_key(r, key);
  int rc = object_array_at(r, v, size, fn, ctx, items, n);
  jr_pop(r, mark);
  return rc;
}

static int object_map_at(jr *r, yajl_val v, size_t size, jr_entry_fn fn, void *ctx, void **items,
                         size_t *n) {
  if (jr_expect_object(r, v) < 0)
    return -1;
  _cleanup_free_ size_t *keep = NULL;
  size_t n_keep = 0;
  if (unique_members(r, v, &keep, &n_keep) < 0)
    return -1;
  char *arr = calloc(n_keep + 1, size);
  if (!arr)
    return jr_oom(r);
  *items = arr;
  *n = n_keep;
  for (size_t i = 0; i < n_keep; i++) {
    const char *key = v->u.object.keys[keep[i]];
    yajl_val e = v->u.object.values[keep[i]];
    size_t mark = jr_push_key(r, key);
    int rc = *key ? jr_expect_object(r, e) : jr_fail(r, "empty key");
    if (rc == 0)
      rc = fn(r, key, e, arr + i * size, ctx);
    jr_pop(r, mark);
    if (rc < 0)
      return rc;
  }
  return 0;
}

int jr_object_map(jr *r, yajl_val obj, const char *key, size_t size, jr_entry_fn fn, void *ctx,
                  void **items, size_t *n) {
  yajl_val v = jr_field(obj, key);
  if (!v)
    return 0;
  size_t mark = jr_push_key(r, key);
  int rc = object_map_at(r, v, size, fn, ctx, items, n);
  jr_pop(r, mark);
  return rc;
}

int jr_sub_object(jr *r, yajl_val obj, const char *key, size_t size, jr_item_fn fn, void *ctx,
                  void **out) {
  yajl_val v = jr_field(obj, key);
  if (!v)
    return 0;
  size_t mark = jr_push_key(r, key);
  int rc = jr_expect_object(r, v);
  if (rc == 0) {
    *out = calloc(1, size);
    rc = *out ? fn(r, v, *out, ctx) : jr_oom(r);
  }
  jr_pop(r, mark);
  return rc;
}

int jr_embedded_object(jr *r, yajl_val obj, const char *key, jr_item_fn fn, void *item, void *ctx) {
  yajl_val v = jr_field(obj, key);
  if (!v)
    return 0;
  size_t mark = jr_push_key(r, key);
  int rc = jr_expect_object(r, v);
  if (rc == 0)
    rc = fn(r, v, item, ctx);
  jr_pop(r, mark);
  return rc;
}

/* ---- text and files ----------------------------------------------------------- */

/* yajl keeps no nesting limit, and frees its tree recursively. */
#define JR_MAX_DEPTH 512
#define JR_STR_(x) #x
#define JR_STR(x) JR_STR_(x)

struct text_scan {
  size_t max_depth_at;  /* offset where the depth limit is crossed, or SIZE_MAX */
  size_t nul_escape_at; /* offset of a "\u0000" escape, or SIZE_MAX */
};

static size_t skip_comment(const char *s, size_t len, size_t i) {
  if (i + 1 >= len)
    return i;
  if (s[i + 1] == '/') {
    while (i < len && s[i] != '\n')
      i++;
    return i;
  }
  if (s[i + 1] == '*') {
    for (i += 2; i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'); i++)
      ;
    return i + 1;
  }
  return i;
}

/* One pass over the text for what yajl does not check: nesting depth, and
 * \u0000 escapes, which yajl's tree would silently cut strings at. */
static void scan_text(const char *s, size_t len, struct text_scan *out) {
  out->max_depth_at = out->nul_escape_at = SIZE_MAX;
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (in_string) {
      if (c == '"') {
        in_string = false;
      } else if (c == '\\' && i + 1 < len) {
        if (s[i + 1] == 'u' && i + 5 < len && memcmp(s + i + 2, "0000", 4) == 0 &&
            out->nul_escape_at == SIZE_MAX)
          out->nul_escape_at = i;
        i++;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '/') {
      i = skip_comment(s, len, i);
    } else if (c == '[' || c == '{') {
      if (++depth > JR_MAX_DEPTH && out->max_depth_at == SIZE_MAX)
        out->max_depth_at = i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
}

static void position(const char *s, size_t off, unsigned *line, unsigned *col) {
  *line = 1;
  size_t start = 0;
  for (size_t i = 0; i < off; i++)
    if (s[i] == '\n') {
      (*line)++;
      start = i + 1;
    }
  *col = (unsigned)(off - start + 1);
}

static int fail_at_offset(const char *s, size_t off, const char *name, rt_error *err,
                          const char *what) {
  unsigned line, col;
  position(s, off, &line, &col);
  return rt_error_set(err, 0, "%s: invalid JSON: %s at line %u, column %u", name, what, line, col);
}

static int accept_number(void *ctx, const char *s, size_t len) {
  (void)ctx;
  (void)s;
  (void)len;
  return 1;
}

/* yajl's tree parser gives no position; parse again with a plain handle to
 * find where it stopped. */
static int explain_parse_error(const char *s, size_t len, const char *name, rt_error *err) {
  yajl_callbacks cb = {.yajl_number = accept_number};
  yajl_handle h = yajl_alloc(&cb, NULL, NULL);
  if (!h)
    return rt_error_set(err, ENOMEM, "%s", name);
  yajl_config(h, yajl_allow_comments, 1);
  size_t off = len;
  yajl_status st = yajl_parse(h, (const unsigned char *)s, len);
  if (st != yajl_status_ok) {
    off = yajl_get_bytes_consumed(h);
    off = off > 0 ? off - 1 : 0;
  } else {
    st = yajl_complete_parse(h);
  }
  char msg[256] = "parse error";
  if (st != yajl_status_ok) {
    unsigned char *e = yajl_get_error(h, 0, NULL, 0);
    if (e) {
      snprintf(msg, sizeof msg, "%s", (const char *)e);
      yajl_free_error(h, e);
    }
  }
  yajl_free(h);
  size_t n = strlen(msg);
  while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '.' || msg[n - 1] == ' '))
    msg[--n] = '\0';
  return fail_at_offset(s, off, name, err, msg);
}

yajl_val jr_parse_text(const char *data, size_t len, const char *name, rt_error *err) {
  const char *nul = memchr(data, '\0', len);
  if (nul) {
    fail_at_offset(data, (size_t)(nul - data), name, err, "NUL byte in the text");
    return NULL;
  }
  struct text_scan scan;
  scan_text(data, len, &scan);
  if (scan.max_depth_at != SIZE_MAX) {
    fail_at_offset(data, scan.max_depth_at, name, err,
                   "nested deeper than " JR_STR(JR_MAX_DEPTH) " levels");
    return NULL;
  }
  /* yajl_tree_parse wants a NUL-terminated string. */
  _cleanup_free_ char *copy = malloc(len + 1);
  if (!copy) {
    rt_error_set(err, ENOMEM, "%s", name);
    return NULL;
  }
  memcpy(copy, data, len);
  copy[len] = '\0';
  yajl_val root = yajl_tree_parse(copy, NULL, 0);
  if (!root) {
    explain_parse_error(copy, len, name, err);
    return NULL;
  }
  if (scan.nul_escape_at != SIZE_MAX) {
    yajl_tree_free(root);
    fail_at_offset(data, scan.nul_escape_at, name, err, "a string contains \\u0000");
    return NULL;
  }
  return root;
}

#define JR_FILE_MAX (64u << 20)

int jr_read_file(const char *path, char **data, size_t *len, rt_error *err) {
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return rt_error_set(err, errno, "open %s", path);
  size_t cap = 16384, n = 0;
  _cleanup_free_ char *buf = malloc(cap + 1);
  if (!buf)
    return rt_error_set(err, ENOMEM, "read %s", path);
  for (;;) {
    if (n == cap) {
      if (cap >= JR_FILE_MAX)
        return rt_error_set(err, EFBIG, "read %s", path);
      char *bigger = realloc(buf, cap * 2 + 1);
      if (!bigger)
        return rt_error_set(err, ENOMEM, "read %s", path);
      buf = bigger;
      cap *= 2;
    }
    ssize_t got = read(fd, buf + n, cap - n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return rt_error_set(err, errno, "read %s", path);
    if (got == 0)
      break;
    n += (size_t)got;
  }
  buf[n] = '\0';
  *data = TAKE_PTR(buf);
  *len = n;
  return 0;
}
