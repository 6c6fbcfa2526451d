/* Shared between the parser's files. */
#pragma once
#include <yajl/yajl_tree.h>

#include "libocispec/json_read.h"
#include "libocispec/oci_config.h"

int parse_process_object(jr *r, yajl_val v, oci_process *p);
void process_fields_free(oci_process *p);
int parse_linux_object(jr *r, yajl_val v, oci_linux *l);
void linux_free(oci_linux *l);
int parse_resources_object(jr *r, yajl_val v, oci_resources *res);
void resources_fields_free(oci_resources *res);
/* Read a whole file; *data malloc'd. */
int read_whole_file(const char *path, char **data, size_t *len, rt_error *err);
/* Parse JSON text into a tree; NULL with "NAME: invalid JSON: ..." on error. */
yajl_val parse_json_text(const char *data, size_t len, const char *name, rt_error *err);
