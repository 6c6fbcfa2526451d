/* Shared between the parser's files: one parse function per spec object
 * (the object's path already pushed, the value known to be an object
 * unless said otherwise) and the matching free functions, which accept
 * partially filled structs. */
#pragma once
#include <yajl/yajl_tree.h>

#include "libocispec/json_read.h"
#include "libocispec/oci_config.h"

/* parse_config.c: an array of config-linux.md "User namespace mappings"
 * (also used by mounts). */
int parse_id_mappings(jr *r, yajl_val obj, const char *key, oci_id_mapping **out, size_t *n);

/* parse_process.c: config.md "Process"; v may be any JSON value. */
int parse_process_object(jr *r, yajl_val v, oci_process *p);
void process_fields_free(oci_process *p);

/* parse_linux.c: config-linux.md. */
int parse_linux_object(jr *r, yajl_val v, void *linux_, void *ctx);
void linux_free(oci_linux *l);

/* parse_seccomp.c: config-linux.md "Seccomp". */
int parse_seccomp_object(jr *r, yajl_val v, void *seccomp, void *ctx);
void seccomp_free(oci_seccomp *s);

/* parse_resources.c: config-linux.md "Control groups"; v may be any JSON
 * value. */
int parse_resources_object(jr *r, yajl_val v, oci_resources *res);
void resources_fields_free(oci_resources *res);
