/* config.md: the top of config.json (version, root, mounts, hooks,
 * hostname, annotations), and the parser's entry points. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libocispec/json_read.h"
#include "libocispec/parse_internal.h"
#include "util/cleanup.h"

/* ---- ociVersion ----------------------------------------------------------- */

static const char *skip_digits(const char *s) {
  const char *p = s;
  while (*p >= '0' && *p <= '9')
    p++;
  return p > s ? p : NULL;
}

/* SemVer MAJOR.MINOR.PATCH with an optional -pre-release or +build suffix;
 * this runtime honours any 1.x (the spec keeps compatibility within a
 * major version). */
static bool version_supported(const char *v) {
  if (strncmp(v, "1.", 2) != 0)
    return false;
  const char *p = skip_digits(v + 2);
  if (!p || *p != '.')
    return false;
  p = skip_digits(p + 1);
  if (!p)
    return false;
  return *p == '\0' || ((*p == '-' || *p == '+') && p[1] != '\0');
}

static int parse_version(jr *r, yajl_val v, oci_config *c) {
  if (jr_string(r, v, "ociVersion", JR_REQUIRED, &c->oci_version) < 0)
    return -1;
  if (!version_supported(c->oci_version))
    return jr_fail_at(r, "ociVersion", "unsupported version \"%s\" (this runtime implements 1.x)",
                      c->oci_version);
  return 0;
}

/* ---- root and mounts ------------------------------------------------------- */

static int parse_root(jr *r, yajl_val v, void *item, void *ctx) {
  oci_root *root = item;
  (void)ctx;
  if (jr_string(r, v, "path", JR_REQUIRED, &root->path) < 0 ||
      jr_bool(r, v, "readonly", JR_OPTIONAL, &root->readonly, NULL) < 0)
    return -1;
  return 0;
}

static int parse_mount(jr *r, yajl_val v, void *item, void *ctx) {
  oci_mount *m = item;
  (void)ctx;
  /* A relative destination is deprecated but allowed on Linux: it is
   * relative to "/". */
  if (jr_string(r, v, "destination", JR_REQUIRED, &m->destination) < 0 ||
      jr_string(r, v, "source", JR_OPTIONAL, &m->source) < 0 ||
      jr_string(r, v, "type", JR_OPTIONAL, &m->type) < 0 ||
      jr_strings(r, v, "options", &m->options, &m->n_options, NULL) < 0 ||
      parse_id_mappings(r, v, "uidMappings", &m->uid_mappings, &m->n_uid_mappings) < 0 ||
      parse_id_mappings(r, v, "gidMappings", &m->gid_mappings, &m->n_gid_mappings) < 0)
    return -1;
  bool has_uid = jr_field(v, "uidMappings") != NULL, has_gid = jr_field(v, "gidMappings") != NULL;
  if (has_uid != has_gid)
    return jr_fail_at(r, has_uid ? "gidMappings" : "uidMappings",
                      "missing required field (uidMappings and gidMappings go together)");
  return 0;
}

/* ---- hooks ----------------------------------------------------------------- */

static int parse_hook(jr *r, yajl_val v, void *item, void *ctx) {
  oci_hook *h = item;
  int64_t timeout = 0;
  (void)ctx;
  if (jr_string(r, v, "path", JR_REQUIRED, &h->path) < 0 ||
      jr_check_absolute(r, "path", h->path) < 0 ||
      jr_strings(r, v, "args", &h->args, &h->n_args, NULL) < 0 ||
      jr_strings(r, v, "env", &h->env, &h->n_env, NULL) < 0 ||
      jr_int(r, v, "timeout", JR_OPTIONAL, 1, INT32_MAX, &timeout, &h->has_timeout) < 0)
    return -1;
  h->timeout = (int)timeout;
  return 0;
}

static int parse_hook_list(jr *r, yajl_val hooks, const char *key, oci_hook_list *list) {
  return JR_OBJECT_ARRAY(r, hooks, key, parse_hook, NULL, list->hooks, list->n);
}

static int parse_hooks(jr *r, yajl_val v, oci_hooks *h) {
  yajl_val hooks = jr_field(v, "hooks");
  if (!hooks)
    return 0;
  size_t mark = jr_push_key(r, "hooks");
  int rc = jr_expect_object(r, hooks);
  if (rc == 0)
    rc = parse_hook_list(r, hooks, "prestart", &h->prestart);
  if (rc == 0)
    rc = parse_hook_list(r, hooks, "createRuntime", &h->create_runtime);
  if (rc == 0)
    rc = parse_hook_list(r, hooks, "createContainer", &h->create_container);
  if (rc == 0)
    rc = parse_hook_list(r, hooks, "startContainer", &h->start_container);
  if (rc == 0)
    rc = parse_hook_list(r, hooks, "poststart", &h->poststart);
  if (rc == 0)
    rc = parse_hook_list(r, hooks, "poststop", &h->poststop);
  jr_pop(r, mark);
  return rc;
}

/* ---- the document ------------------------------------------------------------ */

static int parse_process_item(jr *r, yajl_val v, void *item, void *ctx) {
  (void)ctx;
  return parse_process_object(r, v, item);
}

/* Other platforms' sections (windows, solaris, vm, zos, freebsd) and unknown
 * members are ignored, as config.md "Extensibility" asks. */
static int parse_config_object(jr *r, yajl_val v, oci_config *c) {
  if (jr_expect_object(r, v) < 0 || parse_version(r, v, c) < 0 ||
      JR_SUB_OBJECT(r, v, "root", parse_root, NULL, c->root) < 0 ||
      JR_OBJECT_ARRAY(r, v, "mounts", parse_mount, NULL, c->mounts, c->n_mounts) < 0 ||
      JR_SUB_OBJECT(r, v, "process", parse_process_item, NULL, c->process) < 0 ||
      jr_string(r, v, "hostname", JR_OPTIONAL, &c->hostname) < 0 ||
      jr_string(r, v, "domainname", JR_OPTIONAL, &c->domainname) < 0 ||
      parse_hooks(r, v, &c->hooks) < 0 || jr_string_map(r, v, "annotations", &c->annotations) < 0 ||
      JR_SUB_OBJECT(r, v, "linux", parse_linux_object, NULL, c->linux_) < 0)
    return -1;
  return 0;
}

static void hook_list_free(oci_hook_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->hooks[i].path);
    jr_strv_free(l->hooks[i].args, l->hooks[i].n_args);
    jr_strv_free(l->hooks[i].env, l->hooks[i].n_env);
  }
  free(l->hooks);
}

static void mount_free(oci_mount *m) {
  free(m->destination);
  free(m->source);
  free(m->type);
  jr_strv_free(m->options, m->n_options);
  free(m->uid_mappings);
  free(m->gid_mappings);
}

void oci_config_free(oci_config *c) {
  if (!c)
    return;
  free(c->oci_version);
  if (c->root) {
    free(c->root->path);
    free(c->root);
  }
  for (size_t i = 0; i < c->n_mounts; i++)
    mount_free(&c->mounts[i]);
  free(c->mounts);
  oci_process_free(c->process);
  free(c->hostname);
  free(c->domainname);
  hook_list_free(&c->hooks.prestart);
  hook_list_free(&c->hooks.create_runtime);
  hook_list_free(&c->hooks.create_container);
  hook_list_free(&c->hooks.start_container);
  hook_list_free(&c->hooks.poststart);
  hook_list_free(&c->hooks.poststop);
  jr_map_free(&c->annotations);
  linux_free(c->linux_);
  free(c);
}

/* ---- entry points -------------------------------------------------------------- */

typedef int (*parse_fn)(jr *r, yajl_val v, void *out);
typedef void (*free_fn)(void *p);

/* Parse `data` into a zeroed struct of `size` bytes with `fn`; NULL with
 * err filled on failure. */
static void *parse_document(const char *data, size_t len, const char *name, rt_error *err,
                            size_t size, parse_fn fn, free_fn release) {
  if (!name)
    name = "(input)";
  yajl_val root = jr_parse_text(data, len, name, err);
  if (!root)
    return NULL;
  void *out = calloc(1, size);
  jr r;
  jr_init(&r, name, err);
  if (!out) {
    jr_oom(&r);
  } else if (fn(&r, root, out) < 0) {
    release(out);
    out = NULL;
  }
  yajl_tree_free(root);
  return out;
}

static void *parse_file(const char *path, rt_error *err,
                        void *(*parse)(const char *, size_t, const char *, rt_error *)) {
  _cleanup_free_ char *data = NULL;
  size_t len = 0;
  if (jr_read_file(path, &data, &len, err) < 0)
    return NULL;
  return parse(data, len, path, err);
}

static int config_fn(jr *r, yajl_val v, void *out) { return parse_config_object(r, v, out); }
static void config_release(void *p) { oci_config_free(p); }

oci_config *oci_config_parse_data(const char *data, size_t len, const char *name, rt_error *err) {
  return parse_document(data, len, name, err, sizeof(oci_config), config_fn, config_release);
}

static void *config_parse_any(const char *data, size_t len, const char *name, rt_error *err) {
  return oci_config_parse_data(data, len, name, err);
}

oci_config *oci_config_parse_file(const char *path, rt_error *err) {
  return parse_file(path, err, config_parse_any);
}

static int process_fn(jr *r, yajl_val v, void *out) { return parse_process_object(r, v, out); }
static void process_release(void *p) { oci_process_free(p); }

oci_process *oci_process_parse_data(const char *data, size_t len, const char *name, rt_error *err) {
  return parse_document(data, len, name, err, sizeof(oci_process), process_fn, process_release);
}

static void *process_parse_any(const char *data, size_t len, const char *name, rt_error *err) {
  return oci_process_parse_data(data, len, name, err);
}

oci_process *oci_process_parse_file(const char *path, rt_error *err) {
  return parse_file(path, err, process_parse_any);
}

void oci_process_free(oci_process *p) {
  if (!p)
    return;
  process_fields_free(p);
  free(p);
}

static int resources_fn(jr *r, yajl_val v, void *out) { return parse_resources_object(r, v, out); }
static void resources_release(void *p) { oci_resources_free(p); }

oci_resources *oci_resources_parse_data(const char *data, size_t len, const char *name,
                                        rt_error *err) {
  return parse_document(data, len, name, err, sizeof(oci_resources), resources_fn,
                        resources_release);
}

const char *oci_map_get(const oci_map *m, const char *key) {
  for (size_t i = 0; m && i < m->n; i++)
    if (strcmp(m->keys[i], key) == 0)
      return m->values[i];
  return NULL;
}
