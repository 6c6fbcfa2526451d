/* A small reader over yajl's tree that keeps the JSON path of what it reads,
 * so that every error names the field: "config.json: .process.cwd: ...".
 *
 * Readers take the containing object and a key. An absent member and a
 * member whose value is null are the same: optional ones leave the output
 * alone (and set *has to false when given), required ones are an error
 * "missing required field" at the member's path. All return 0 on success
 * and a negative number with r->err filled on failure. The path is restored
 * on return either way, so callers never unwind it. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

#define JR_PATH_MAX 1024

typedef struct jr {
  const char *name; /* file name that prefixes messages */
  rt_error *err;
  size_t len;
  char path[JR_PATH_MAX]; /* ".linux.namespaces[1].type" */
} jr;

typedef enum { JR_OPTIONAL, JR_REQUIRED } jr_need;

void jr_init(jr *r, const char *name, rt_error *err);

/* Path handling: a push returns a mark for jr_pop. Keys that are not plain
 * identifiers are written as ["key"]. */
size_t jr_push_key(jr *r, const char *key);
size_t jr_push_index(jr *r, size_t i);
void jr_pop(jr *r, size_t mark);

/* Errors at the current path, or at the current path plus `key`. */
int jr_fail(jr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int jr_fail_at(jr *r, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int jr_oom(jr *r);

/* The member `key` of obj (the last one if repeated), NULL when absent or
 * null or when obj is not an object. */
yajl_val jr_field(yajl_val obj, const char *key);
/* "a string", "an integer", "a number", "an object", ... for messages. */
const char *jr_type_name(yajl_val v);
int jr_expect_object(jr *r, yajl_val v);
int jr_expect_array(jr *r, yajl_val v);

/* Scalars. */
int jr_string(jr *r, yajl_val obj, const char *key, jr_need need, char **out);
int jr_bool(jr *r, yajl_val obj, const char *key, jr_need need, bool *out, bool *has);
int jr_int(jr *r, yajl_val obj, const char *key, jr_need need, int64_t min, int64_t max,
           int64_t *out, bool *has);
int jr_uint(jr *r, yajl_val obj, const char *key, jr_need need, uint64_t min, uint64_t max,
            uint64_t *out, bool *has);
int jr_i32(jr *r, yajl_val obj, const char *key, jr_need need, int32_t *out, bool *has);
int jr_i64(jr *r, yajl_val obj, const char *key, jr_need need, int64_t *out, bool *has);
int jr_u16(jr *r, yajl_val obj, const char *key, jr_need need, uint16_t *out, bool *has);
int jr_u32(jr *r, yajl_val obj, const char *key, jr_need need, uint32_t *out, bool *has);
int jr_u64(jr *r, yajl_val obj, const char *key, jr_need need, uint64_t *out, bool *has);

/* Arrays of scalars. String arrays are NULL-terminated as well as counted
 * (non-NULL, possibly empty, when given). */
int jr_strings(jr *r, yajl_val obj, const char *key, char ***out, size_t *n, bool *has);
int jr_u32_array(jr *r, yajl_val obj, const char *key, uint32_t **out, size_t *n);
/* An object of strings (annotations, sysctl, unified). Keys must be
 * non-empty; a repeated key keeps its last value. */
int jr_string_map(jr *r, yajl_val obj, const char *key, oci_map *out);

/* Value checks reported at the current path plus `key` (NULL: at the
 * current path). */
int jr_check_enum(jr *r, const char *key, const char *value, const char *const *allowed,
                  const char *what);
/* Each element of a string array, reported at key[i]. */
int jr_check_enum_list(jr *r, const char *key, char *const *values, size_t n,
                       const char *const *allowed, const char *what);
int jr_check_absolute(jr *r, const char *key, const char *value);
/* The position of value in a NULL-terminated list, or -1. */
int jr_enum_index(const char *value, const char *const *allowed);

/* Containers of objects. The callback runs with the element's path pushed
 * and the element known to be an object; `item` points at zeroed storage of
 * `size` bytes. The item array is handed out even on failure so that the
 * caller's free function releases what was parsed. */
typedef int (*jr_item_fn)(jr *r, yajl_val v, void *item, void *ctx);
typedef int (*jr_entry_fn)(jr *r, const char *key, yajl_val v, void *item, void *ctx);
int jr_object_array(jr *r, yajl_val obj, const char *key, size_t size, jr_item_fn fn, void *ctx,
                    void **items, size_t *n);
/* An object whose values are objects; a repeated key keeps its last value. */
int jr_object_map(jr *r, yajl_val obj, const char *key, size_t size, jr_entry_fn fn, void *ctx,
                  void **items, size_t *n);
/* One optional sub-object, allocated when present. */
int jr_sub_object(jr *r, yajl_val obj, const char *key, size_t size, jr_item_fn fn, void *ctx,
                  void **out);

/* An optional object whose fields live in a struct the caller already has;
 * fn gets `item` as its target. */
int jr_embedded_object(jr *r, yajl_val obj, const char *key, jr_item_fn fn, void *item, void *ctx);

/* Typed front ends that assign the void pointers back to typed fields. */
#define JR_OBJECT_ARRAY(r, obj, key, fn, ctx, arr, count)                                          \
  ({                                                                                               \
    void *items_ = NULL;                                                                           \
    size_t n_ = 0;                                                                                 \
    int rc_ = jr_object_array(r, obj, key, sizeof *(arr), fn, ctx, &items_, &n_);                  \
    (arr) = items_;                                                                                \
    (count) = n_;                                                                                  \
    rc_;                                                                                           \
  })
#define JR_OBJECT_MAP(r, obj, key, fn, ctx, arr, count)                                            \
  ({                                                                                               \
    void *items_ = NULL;                                                                           \
    size_t n_ = 0;                                                                                 \
    int rc_ = jr_object_map(r, obj, key, sizeof *(arr), fn, ctx, &items_, &n_);                    \
    (arr) = items_;                                                                                \
    (count) = n_;                                                                                  \
    rc_;                                                                                           \
  })
#define JR_SUB_OBJECT(r, obj, key, fn, ctx, ptr)                                                   \
  ({                                                                                               \
    void *p_ = NULL;                                                                               \
    int rc_ = jr_sub_object(r, obj, key, sizeof *(ptr), fn, ctx, &p_);                             \
    (ptr) = p_;                                                                                    \
    rc_;                                                                                           \
  })

void jr_strv_free(char **v, size_t n);
void jr_map_free(oci_map *m);

/* Parse JSON text into a tree. Errors: "NAME: invalid JSON: <yajl's
 * message> at line L, column C". */
yajl_val jr_parse_text(const char *data, size_t len, const char *name, rt_error *err);
/* Read a whole file into a NUL-terminated malloc'd buffer. */
int jr_read_file(const char *path, char **data, size_t *len, rt_error *err);
