/* config.md: the top of config.json, and the entry points of the parser. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libocispec/json_read.h"
#include "libocispec/parse_internal.h"
#include "util/cleanup.h"

#define JSON_MAX (64 << 20)

int read_whole_file(const char *path, char **data, size_t *len, rt_error *err) {
  _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set(err, errno, "open %s", path);
  size_t cap = 65536, n = 0;
  char *buf = malloc(cap + 1);
  for (;;) {
    if (!buf)
      return rt_error_set(err, ENOMEM, "read %s", path);
    if (n == cap) {
      if (cap >= JSON_MAX) {
        free(buf);
        return rt_error_set(err, EFBIG, "read %s", path);
      }
      cap *= 2;
      char *nb = realloc(buf, cap + 1);
      if (!nb)
        free(buf);
      buf = nb;
      continue;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int e = errno;
      free(buf);
      return rt_error_set(err, e, "read %s", path);
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  buf[n] = '\0';
  *data = buf;
  *len = n;
  return 0;
}

yajl_val parse_json_text(const char *data, size_t len, const char *name, rt_error *err) {
  /* yajl_tree_parse wants a NUL-terminated string. */
  char *copy = malloc(len + 1);
  if (!copy) {
    rt_error_set(err, ENOMEM, "%s", name);
    return NULL;
  }
  memcpy(copy, data, len);
  copy[len] = '\0';
  if (strlen(copy) != len) {
    free(copy);
    rt_error_set(err, 0, "%s: invalid JSON: a NUL byte in the text", name);
    return NULL;
  }
  char ebuf[512] = "";
  yajl_val root = yajl_tree_parse(copy, ebuf, sizeof ebuf);
  free(copy);
  if (!root) {
    /* yajl's message spans lines; keep the first, it has the position. */
    char *nl = strchr(ebuf, '\n');
    if (nl)
      *nl = '\0';
    rt_error_set(err, 0, "%s: invalid JSON: %s", name, *ebuf ? ebuf : "parse error");
  }
  return root;
}

static int check_version(jr *r, const char *v) {
  /* This runtime implements 1.x: any 1.MINOR.PATCH (and pre-release suffixes). */
  unsigned major, minor, patch;
  char rest;
  int n = sscanf(v, "%u.%u.%u%c", &major, &minor, &patch, &rest);
  if (n < 3 || major != 1 || (n == 4 && rest != '-' && rest != '+')) {
    size_t old = jr_push_key(r, "ociVersion");
    jr_fail(r, "unsupported version \"%s\" (this runtime implements 1.x)", v);
    jr_pop(r, old);
    return -1;
  }
  return 0;
}

static int parse_mounts(jr *r, yajl_val v, oci_config *c) {
  yajl_val arr = jr_get(v, "mounts");
  if (!arr)
    return 0;
  size_t old = jr_push_key(r, "mounts");
  if (!YAJL_IS_ARRAY(arr))
    return jr_fail(r, "expected an array, got %s", jr_type_name(arr));
  c->mounts = calloc(arr->u.array.len + 1, sizeof *c->mounts);
  for (size_t i = 0; i < arr->u.array.len; i++) {
    yajl_val e = arr->u.array.values[i];
    size_t o2 = jr_push_index(r, i);
    oci_mount *m = &c->mounts[i];
    c->n_mounts = i + 1;
    if (jr_object(r, e) < 0 || jr_str(r, e, "destination", true, &m->destination) < 0 ||
        jr_str(r, e, "source", false, &m->source) < 0 || jr_str(r, e, "type", false, &m->type) < 0 ||
        jr_strv(r, e, "options", &m->options, &m->n_options, NULL) < 0 ||
        jr_idmaps(r, e, "uidMappings", &m->uid_mappings, &m->n_uid_mappings) < 0 ||
        jr_idmaps(r, e, "gidMappings", &m->gid_mappings, &m->n_gid_mappings) < 0)
      return -1;
    if (m->destination[0] != '/') {
      jr_push_key(r, "destination");
      return jr_fail(r, "must be an absolute path, got \"%s\"", m->destination);
    }
    jr_pop(r, o2);
  }
  jr_pop(r, old);
  return 0;
}

static int parse_hook_list(jr *r, yajl_val hooks, const char *key, oci_hook_list *list) {
  yajl_val arr = jr_get(hooks, key);
  if (!arr)
    return 0;
  size_t old = jr_push_key(r, key);
  if (!YAJL_IS_ARRAY(arr))
    return jr_fail(r, "expected an array, got %s", jr_type_name(arr));
  list->hooks = calloc(arr->u.array.len + 1, sizeof *list->hooks);
  for (size_t i = 0; i < arr->u.array.len; i++) {
    yajl_val e = arr->u.array.values[i];
    size_t o2 = jr_push_index(r, i);
    oci_hook *h = &list->hooks[i];
    list->n = i + 1;
    int64_t t = 0;
    if (jr_object(r, e) < 0 || jr_str(r, e, "path", true, &h->path) < 0 ||
        jr_strv(r, e, "args", &h->args, &h->n_args, NULL) < 0 ||
        jr_strv(r, e, "env", &h->env, &h->n_env, NULL) < 0 ||
        jr_i64(r, e, "timeout", false, 1, INT32_MAX, &t, &h->has_timeout) < 0)
      return -1;
    h->timeout = (int)t;
    if (h->path[0] != '/') {
      jr_push_key(r, "path");
      return jr_fail(r, "must be an absolute path, got \"%s\"", h->path);
    }
    jr_pop(r, o2);
  }
  jr_pop(r, old);
  return 0;
}

static int parse_hooks(jr *r, yajl_val v, oci_hooks *h) {
  yajl_val hooks = jr_get(v, "hooks");
  if (!hooks)
    return 0;
  size_t old = jr_push_key(r, "hooks");
  if (jr_object(r, hooks) < 0 || parse_hook_list(r, hooks, "prestart", &h->prestart) < 0 ||
      parse_hook_list(r, hooks, "createRuntime", &h->create_runtime) < 0 ||
      parse_hook_list(r, hooks, "createContainer", &h->create_container) < 0 ||
      parse_hook_list(r, hooks, "startContainer", &h->start_container) < 0 ||
      parse_hook_list(r, hooks, "poststart", &h->poststart) < 0 ||
      parse_hook_list(r, hooks, "poststop", &h->poststop) < 0)
    return -1;
  jr_pop(r, old);
  return 0;
}

static int parse_config_tree(jr *r, yajl_val v, oci_config *c) {
  if (jr_object(r, v) < 0 || jr_str(r, v, "ociVersion", true, &c->oci_version) < 0 ||
      check_version(r, c->oci_version) < 0 || jr_str(r, v, "hostname", false, &c->hostname) < 0 ||
      jr_str(r, v, "domainname", false, &c->domainname) < 0 || parse_mounts(r, v, c) < 0 ||
      parse_hooks(r, v, &c->hooks) < 0 || jr_map(r, v, "annotations", &c->annotations) < 0)
    return -1;
  yajl_val x;
  if ((x = jr_get(v, "root"))) {
    size_t old = jr_push_key(r, "root");
    c->root = calloc(1, sizeof *c->root);
    if (jr_object(r, x) < 0 || jr_str(r, x, "path", true, &c->root->path) < 0 ||
        jr_bool(r, x, "readonly", &c->root->readonly, NULL) < 0)
      return -1;
    jr_pop(r, old);
  }
  if ((x = jr_get(v, "process"))) {
    size_t old = jr_push_key(r, "process");
    c->process = calloc(1, sizeof *c->process);
    if (parse_process_object(r, x, c->process) < 0)
      return -1;
    jr_pop(r, old);
  }
  if ((x = jr_get(v, "linux"))) {
    size_t old = jr_push_key(r, "linux");
    c->linux_ = calloc(1, sizeof *c->linux_);
    if (parse_linux_object(r, x, c->linux_) < 0)
      return -1;
    jr_pop(r, old);
  }
  return 0;
}

oci_config *oci_config_parse_data(const char *data, size_t len, const char *name, rt_error *err) {
  yajl_val root = parse_json_text(data, len, name, err);
  if (!root)
    return NULL;
  oci_config *c = calloc(1, sizeof *c);
  jr r = {.name = name, .err = err};
  if (!c || parse_config_tree(&r, root, c) < 0) {
    if (!c)
      rt_error_set(err, ENOMEM, "%s", name);
    oci_config_free(c);
    c = NULL;
  }
  yajl_tree_free(root);
  return c;
}

oci_config *oci_config_parse_file(const char *path, rt_error *err) {
  char *data;
  size_t len;
  if (read_whole_file(path, &data, &len, err) < 0)
    return NULL;
  oci_config *c = oci_config_parse_data(data, len, path, err);
  free(data);
  return c;
}

static void hook_list_free(oci_hook_list *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->hooks[i].path);
    jr_strv_free(l->hooks[i].args, l->hooks[i].n_args);
    jr_strv_free(l->hooks[i].env, l->hooks[i].n_env);
  }
  free(l->hooks);
}

void oci_config_free(oci_config *c) {
  if (!c)
    return;
  free(c->oci_version);
  if (c->root) {
    free(c->root->path);
    free(c->root);
  }
  for (size_t i = 0; i < c->n_mounts; i++) {
    oci_mount *m = &c->mounts[i];
    free(m->destination);
    free(m->source);
    free(m->type);
    jr_strv_free(m->options, m->n_options);
    free(m->uid_mappings);
    free(m->gid_mappings);
  }
  free(c->mounts);
  if (c->process) {
    process_fields_free(c->process);
    free(c->process);
  }
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

oci_process *oci_process_parse_data(const char *data, size_t len, const char *name, rt_error *err) {
  yajl_val root = parse_json_text(data, len, name, err);
  if (!root)
    return NULL;
  oci_process *p = calloc(1, sizeof *p);
  jr r = {.name = name, .err = err};
  if (!p || parse_process_object(&r, root, p) < 0) {
    if (!p)
      rt_error_set(err, ENOMEM, "%s", name);
    oci_process_free(p);
    p = NULL;
  }
  yajl_tree_free(root);
  return p;
}

oci_process *oci_process_parse_file(const char *path, rt_error *err) {
  char *data;
  size_t len;
  if (read_whole_file(path, &data, &len, err) < 0)
    return NULL;
  oci_process *p = oci_process_parse_data(data, len, path, err);
  free(data);
  return p;
}

void oci_process_free(oci_process *p) {
  if (!p)
    return;
  process_fields_free(p);
  free(p);
}

oci_resources *oci_resources_parse_data(const char *data, size_t len, const char *name,
                                        rt_error *err) {
  yajl_val root = parse_json_text(data, len, name, err);
  if (!root)
    return NULL;
  oci_resources *res = calloc(1, sizeof *res);
  jr r = {.name = name, .err = err};
  if (!res || parse_resources_object(&r, root, res) < 0) {
    if (!res)
      rt_error_set(err, ENOMEM, "%s", name);
    oci_resources_free(res);
    res = NULL;
  }
  yajl_tree_free(root);
  return res;
}

void oci_resources_free(oci_resources *r) {
  if (!r)
    return;
  resources_fields_free(r);
  free(r);
}

const char *oci_map_get(const oci_map *m, const char *key) {
  for (size_t i = 0; m && i < m->n; i++)
    if (strcmp(m->keys[i], key) == 0)
      return m->values[i];
  return NULL;
}
