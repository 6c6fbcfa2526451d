#include "config.h"
#include "libocispec/json_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t jr_push_key(jr *r, const char *key) {
  size_t old = r->len;
  int n = snprintf(r->path + r->len, sizeof r->path - r->len, ".%s", key);
  if (n > 0 && r->len + (size_t)n < sizeof r->path)
    r->len += (size_t)n;
  return old;
}

size_t jr_push_index(jr *r, size_t i) {
  size_t old = r->len;
  int n = snprintf(r->path + r->len, sizeof r->path - r->len, "[%zu]", i);
  if (n > 0 && r->len + (size_t)n < sizeof r->path)
    r->len += (size_t)n;
  return old;
}

void jr_pop(jr *r, size_t old) {
  r->len = old;
  r->path[old] = '\0';
}

int jr_fail(jr *r, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return rt_error_set(r->err, 0, "%s: %s: %s", r->name, r->len ? r->path : ".", msg);
}

yajl_val jr_get(yajl_val obj, const char *key) {
  if (!obj || !YAJL_IS_OBJECT(obj))
    return NULL;
  for (size_t i = 0; i < obj->u.object.len; i++)
    if (strcmp(obj->u.object.keys[i], key) == 0) {
      yajl_val v = obj->u.object.values[i];
      return v && !YAJL_IS_NULL(v) ? v : NULL;
    }
  return NULL;
}

const char *jr_type_name(yajl_val v) {
  if (!v || YAJL_IS_NULL(v))
    return "null";
  if (YAJL_IS_STRING(v))
    return "a string";
  if (YAJL_IS_NUMBER(v)) {
    const char *raw = v->u.number.r;
    return raw && strpbrk(raw, ".eE") ? "a number with a fraction" : "an integer";
  }
  if (YAJL_IS_OBJECT(v))
    return "an object";
  if (YAJL_IS_ARRAY(v))
    return "an array";
  return "a boolean";
}

int jr_object(jr *r, yajl_val v) {
  if (!YAJL_IS_OBJECT(v))
    return jr_fail(r, "expected an object, got %s", jr_type_name(v));
  return 0;
}

static int missing(jr *r, const char *key) {
  size_t old = jr_push_key(r, key);
  jr_fail(r, "missing required field");
  jr_pop(r, old);
  return -1;
}

int jr_str(jr *r, yajl_val obj, const char *key, bool required, char **out) {
  yajl_val v = jr_get(obj, key);
  if (!v)
    return required ? missing(r, key) : 0;
  size_t old = jr_push_key(r, key);
  if (!YAJL_IS_STRING(v)) {
    jr_fail(r, "expected a string, got %s", jr_type_name(v));
    jr_pop(r, old);
    return -1;
  }
  jr_pop(r, old);
  free(*out);
  *out = strdup(v->u.string);
  return *out ? 0 : rt_error_set(r->err, ENOMEM, "%s", r->name);
}

int jr_bool(jr *r, yajl_val obj, const char *key, bool *out, bool *has) {
  yajl_val v = jr_get(obj, key);
  if (has)
    *has = v != NULL;
  if (!v)
    return 0;
  if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v)) {
    size_t old = jr_push_key(r, key);
    jr_fail(r, "expected a boolean, got %s", jr_type_name(v));
    jr_pop(r, old);
    return -1;
  }
  *out = YAJL_IS_TRUE(v);
  return 0;
}

static int integer_text(jr *r, yajl_val v, const char **raw) {
  if (!YAJL_IS_NUMBER(v) || !v->u.number.r || strpbrk(v->u.number.r, ".eE"))
    return jr_fail(r, "expected an integer, got %s", jr_type_name(v));
  *raw = v->u.number.r;
  return 0;
}

int jr_i64(jr *r, yajl_val obj, const char *key, bool required, int64_t min, int64_t max,
           int64_t *out, bool *has) {
  yajl_val v = jr_get(obj, key);
  if (has)
    *has = v != NULL;
  if (!v)
    return required ? missing(r, key) : 0;
  size_t old = jr_push_key(r, key);
  const char *raw;
  int rc = integer_text(r, v, &raw);
  if (rc == 0) {
    errno = 0;
    char *end;
    long long x = strtoll(raw, &end, 10);
    if (errno || *end || x < min || x > max)
      rc = jr_fail(r, "%s is out of range (%lld to %lld)", raw, (long long)min, (long long)max);
    else
      *out = x;
  }
  jr_pop(r, old);
  return rc;
}

int jr_u64(jr *r, yajl_val obj, const char *key, bool required, uint64_t max, uint64_t *out,
           bool *has) {
  yajl_val v = jr_get(obj, key);
  if (has)
    *has = v != NULL;
  if (!v)
    return required ? missing(r, key) : 0;
  size_t old = jr_push_key(r, key);
  const char *raw;
  int rc = integer_text(r, v, &raw);
  if (rc == 0) {
    errno = 0;
    char *end;
    unsigned long long x = strtoull(raw, &end, 10);
    if (raw[0] == '-' || errno || *end || x > max)
      rc = jr_fail(r, "%s is out of range (0 to %llu)", raw, (unsigned long long)max);
    else
      *out = x;
  }
  jr_pop(r, old);
  return rc;
}

int jr_strv(jr *r, yajl_val obj, const char *key, char ***out, size_t *n, bool *has) {
  yajl_val v = jr_get(obj, key);
  if (has)
    *has = v != NULL;
  if (!v)
    return 0;
  size_t old = jr_push_key(r, key);
  if (!YAJL_IS_ARRAY(v)) {
    jr_fail(r, "expected an array of strings, got %s", jr_type_name(v));
    jr_pop(r, old);
    return -1;
  }
  size_t len = v->u.array.len;
  char **arr = calloc(len + 1, sizeof *arr);
  if (!arr) {
    jr_pop(r, old);
    return rt_error_set(r->err, ENOMEM, "%s", r->name);
  }
  for (size_t i = 0; i < len; i++) {
    yajl_val e = v->u.array.values[i];
    if (!YAJL_IS_STRING(e)) {
      jr_push_index(r, i);
      jr_fail(r, "expected a string, got %s", jr_type_name(e));
      jr_strv_free(arr, i);
      jr_pop(r, old);
      return -1;
    }
    arr[i] = strdup(e->u.string);
  }
  jr_pop(r, old);
  jr_strv_free(*out, *n);
  *out = arr;
  *n = len;
  return 0;
}

int jr_map(jr *r, yajl_val obj, const char *key, oci_map *out) {
  yajl_val v = jr_get(obj, key);
  if (!v)
    return 0;
  size_t old = jr_push_key(r, key);
  if (!YAJL_IS_OBJECT(v)) {
    jr_fail(r, "expected an object of strings, got %s", jr_type_name(v));
    jr_pop(r, old);
    return -1;
  }
  size_t len = v->u.object.len;
  out->keys = calloc(len + 1, sizeof(char *));
  out->values = calloc(len + 1, sizeof(char *));
  if (!out->keys || !out->values) {
    jr_pop(r, old);
    return rt_error_set(r->err, ENOMEM, "%s", r->name);
  }
  for (size_t i = 0; i < len; i++) {
    yajl_val e = v->u.object.values[i];
    if (!YAJL_IS_STRING(e)) {
      size_t o2 = jr_push_key(r, v->u.object.keys[i]);
      jr_fail(r, "expected a string, got %s", jr_type_name(e));
      jr_pop(r, o2);
      jr_pop(r, old);
      return -1;
    }
    out->keys[out->n] = strdup(v->u.object.keys[i]);
    out->values[out->n] = strdup(e->u.string);
    out->n++;
  }
  jr_pop(r, old);
  return 0;
}

int jr_idmaps(jr *r, yajl_val obj, const char *key, oci_id_mapping **out, size_t *n) {
  yajl_val v = jr_get(obj, key);
  if (!v)
    return 0;
  size_t old = jr_push_key(r, key);
  int rc = 0;
  if (!YAJL_IS_ARRAY(v)) {
    rc = jr_fail(r, "expected an array, got %s", jr_type_name(v));
    goto done;
  }
  *out = calloc(v->u.array.len + 1, sizeof **out);
  if (!*out) {
    rc = rt_error_set(r->err, ENOMEM, "%s", r->name);
    goto done;
  }
  for (size_t i = 0; i < v->u.array.len && rc == 0; i++) {
    yajl_val e = v->u.array.values[i];
    size_t o2 = jr_push_index(r, i);
    oci_id_mapping *m = &(*out)[i];
    rc = jr_object(r, e);
    if (rc == 0)
      rc = JR_U32(r, e, "containerID", true, &m->container_id, NULL);
    if (rc == 0)
      rc = JR_U32(r, e, "hostID", true, &m->host_id, NULL);
    if (rc == 0)
      rc = JR_U32(r, e, "size", true, &m->size, NULL);
    jr_pop(r, o2);
    *n = i + 1;
  }
done:
  jr_pop(r, old);
  return rc;
}

int jr_enum(jr *r, const char *value, const char *const *allowed, const char *what) {
  for (const char *const *a = allowed; *a; a++)
    if (strcmp(*a, value) == 0)
      return 0;
  char list[1024] = "";
  for (const char *const *a = allowed; *a; a++) {
    if (*list)
      strncat(list, ", ", sizeof list - strlen(list) - 1);
    strncat(list, *a, sizeof list - strlen(list) - 1);
  }
  return jr_fail(r, "unknown %s \"%s\" (expected one of %s)", what, value, list);
}

void jr_strv_free(char **v, size_t n) {
  if (!v)
    return;
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

void jr_map_free(oci_map *m) {
  for (size_t i = 0; i < m->n; i++) {
    free(m->keys[i]);
    free(m->values[i]);
  }
  free(m->keys);
  free(m->values);
  memset(m, 0, sizeof *m);
}
