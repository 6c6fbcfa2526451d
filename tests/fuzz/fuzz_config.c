/* libFuzzer target: config.json, process.json and resources.json parsers.
 * Any input must give either a struct that frees cleanly or an error that
 * names the document; sanitizers catch the rest. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libocispec/oci_config.h"

/* A failed parse always explains itself, prefixed with the document name. */
static void check_error(const void *parsed, const rt_error *err, const char *name) {
  if (parsed)
    return;
  size_t n = strlen(name);
  if (err->errnum == 0 && (strncmp(err->msg, name, n) != 0 || err->msg[n] != ':'))
    __builtin_trap();
}

static void check_strv(char *const *v, size_t n) {
  if (v && v[n] != NULL)
    __builtin_trap();
}

static void check_config(const oci_config *c) {
  if (!c)
    return;
  if (!c->oci_version || strncmp(c->oci_version, "1.", 2) != 0)
    __builtin_trap();
  if (c->process) {
    if (!c->process->cwd || c->process->cwd[0] != '/' || c->process->n_args == 0)
      __builtin_trap();
    check_strv(c->process->args, c->process->n_args);
    check_strv(c->process->env, c->process->n_env);
  }
  for (size_t i = 0; i < c->annotations.n; i++)
    if (oci_map_get(&c->annotations, c->annotations.keys[i]) != c->annotations.values[i])
      __builtin_trap(); /* keys are unique */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *text = (const char *)data;
  rt_error err = {0};

  oci_config *c = oci_config_parse_data(text, size, "config.json", &err);
  check_error(c, &err, "config.json");
  check_config(c);
  oci_config_free(c);

  rt_error_clear(&err);
  oci_process *p = oci_process_parse_data(text, size, "process.json", &err);
  check_error(p, &err, "process.json");
  if (p)
    check_strv(p->args, p->n_args);
  oci_process_free(p);

  rt_error_clear(&err);
  oci_resources *r = oci_resources_parse_data(text, size, "resources.json", &err);
  check_error(r, &err, "resources.json");
  oci_resources_free(r);
  return 0;
}
