/* A small reader over yajl's tree that keeps the JSON path of what it reads,
 * so that every error names the field: "config.json: .process.cwd: ...". */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

typedef struct jr {
  const char *name; /* file name for messages */
  rt_error *err;
  char path[1024];
  size_t len;
} jr;

/* Path handling: push returns the old length to restore with jr_pop. */
size_t jr_push_key(jr *r, const char *key);
size_t jr_push_index(jr *r, size_t i);
void jr_pop(jr *r, size_t old);

/* Report an error at the current path; returns -1. */
int jr_fail(jr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The member `key` of obj, or NULL when absent or null. */
yajl_val jr_get(yajl_val obj, const char *key);
const char *jr_type_name(yajl_val v);

/* Readers: absent members leave *out alone and set *has (when given) to
 * false; `required` makes absence an error. All return 0 or -1. */
int jr_object(jr *r, yajl_val v);
int jr_str(jr *r, yajl_val obj, const char *key, bool required, char **out);
int jr_bool(jr *r, yajl_val obj, const char *key, bool *out, bool *has);
int jr_i64(jr *r, yajl_val obj, const char *key, bool required, int64_t min, int64_t max,
           int64_t *out, bool *has);
int jr_u64(jr *r, yajl_val obj, const char *key, bool required, uint64_t max, uint64_t *out,
           bool *has);
int jr_strv(jr *r, yajl_val obj, const char *key, char ***out, size_t *n, bool *has);
int jr_map(jr *r, yajl_val obj, const char *key, oci_map *out);
int jr_idmaps(jr *r, yajl_val obj, const char *key, oci_id_mapping **out, size_t *n);
/* The value must be one of the NULL-terminated list. */
int jr_enum(jr *r, const char *value, const char *const *allowed, const char *what);

void jr_strv_free(char **v, size_t n);
void jr_map_free(oci_map *m);

/* Convenience for typed integers. */
#define JR_U32(r, o, k, req, out, has)                                   \
  ({                                                                     \
    uint64_t v_ = 0;                                                     \
    bool h_ = false;                                                     \
    int rc_ = jr_u64(r, o, k, req, UINT32_MAX, &v_, &h_);                \
    if (rc_ == 0 && h_)                                                  \
      *(out) = (uint32_t)v_;                                             \
    if ((has) != NULL)                                                   \
      *(bool *)(has) = h_;                                               \
    rc_;                                                                 \
  })
