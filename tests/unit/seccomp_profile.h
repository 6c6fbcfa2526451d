/* Test helpers: build oci_seccomp profiles in C, or read the seccomp object
 * of a config.json fixture with yajl (independent of src/libocispec so the
 * seccomp tests do not depend on the parser). */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "libocispec/oci_config.h"

#define PROF_MAX_RULES 64
#define PROF_MAX_NAMES 512
#define PROF_MAX_ARGS 8

struct prof {
  oci_seccomp s;
  oci_seccomp_syscall sc[PROF_MAX_RULES];
  char *names[PROF_MAX_RULES][PROF_MAX_NAMES];
  oci_seccomp_arg args[PROF_MAX_RULES][PROF_MAX_ARGS];
  char *archs[32];
  char *flags[8];
};

static inline void prof_init(struct prof *p, const char *def) {
  memset(p, 0, sizeof *p);
  p->s.default_action = (char *)def;
  p->s.syscalls = p->sc;
  p->s.architectures = p->archs;
  p->s.flags = p->flags;
}

static inline void prof_default_errno(struct prof *p, unsigned e) {
  p->s.has_default_errno_ret = true;
  p->s.default_errno_ret = e;
}

static inline void prof_arch(struct prof *p, const char *a) {
  p->archs[p->s.n_architectures++] = (char *)a;
}

static inline void prof_flag(struct prof *p, const char *f) {
  p->flags[p->s.n_flags++] = (char *)f;
}

/* A rule: action, errnoRet (< 0: none), then syscall names up to NULL. */
static inline oci_seccomp_syscall *prof_rule(struct prof *p, const char *action, int errno_ret,
                                             ...) {
  size_t i = p->s.n_syscalls++;
  oci_seccomp_syscall *r = &p->sc[i];
  r->action = (char *)action;
  if (errno_ret >= 0) {
    r->has_errno_ret = true;
    r->errno_ret = (uint32_t)errno_ret;
  }
  r->names = p->names[i];
  r->args = p->args[i];
  va_list ap;
  va_start(ap, errno_ret);
  for (const char *n; (n = va_arg(ap, const char *));)
    r->names[r->n_names++] = (char *)n;
  va_end(ap);
  return r;
}

static inline void prof_arg(oci_seccomp_syscall *r, unsigned idx, const char *op, uint64_t v,
                            uint64_t v2) {
  r->args[r->n_args++] =
      (oci_seccomp_arg){.index = idx, .value = v, .value_two = v2, .op = (char *)op};
}

/* --- the fixture reader --- */

static inline char *fixture_str(yajl_val v) {
  const char *s = YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
  return s ? strdup(s) : NULL;
}

static inline uint64_t fixture_u64(yajl_val v) {
  return YAJL_IS_NUMBER(v) ? strtoull(YAJL_GET_NUMBER(v), NULL, 10) : 0;
}

static inline yajl_val fixture_key(yajl_val o, const char *k) {
  const char *path[] = {k, NULL};
  return yajl_tree_get(o, path, yajl_t_any);
}

static inline char **fixture_strv(yajl_val a, size_t *n) {
  *n = 0;
  if (!YAJL_IS_ARRAY(a))
    return NULL;
  char **v = calloc(a->u.array.len + 1, sizeof *v);
  for (size_t i = 0; i < a->u.array.len; i++)
    v[(*n)++] = fixture_str(a->u.array.values[i]);
  return v;
}

static inline void fixture_rule(yajl_val o, oci_seccomp_syscall *r) {
  r->names = fixture_strv(fixture_key(o, "names"), &r->n_names);
  r->action = fixture_str(fixture_key(o, "action"));
  yajl_val e = fixture_key(o, "errnoRet");
  if (e) {
    r->has_errno_ret = true;
    r->errno_ret = (uint32_t)fixture_u64(e);
  }
  yajl_val a = fixture_key(o, "args");
  if (!YAJL_IS_ARRAY(a))
    return;
  r->args = calloc(a->u.array.len, sizeof *r->args);
  for (size_t k = 0; k < a->u.array.len; k++) {
    yajl_val x = a->u.array.values[k];
    r->args[k].index = (uint32_t)fixture_u64(fixture_key(x, "index"));
    r->args[k].value = fixture_u64(fixture_key(x, "value"));
    r->args[k].value_two = fixture_u64(fixture_key(x, "valueTwo"));
    r->args[k].op = fixture_str(fixture_key(x, "op"));
  }
  r->n_args = a->u.array.len;
}

/* .linux.seccomp of a config.json; free with fixture_free. */
static inline oci_seccomp *fixture_load(const char *path) {
  FILE *f = fopen(path, "re");
  if (!f)
    return NULL;
  static char buf[1 << 20];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char ebuf[256];
  yajl_val root = yajl_tree_parse(buf, ebuf, sizeof ebuf);
  const char *path_s[] = {"linux", "seccomp", NULL};
  yajl_val s = root ? yajl_tree_get(root, path_s, yajl_t_object) : NULL;
  if (!s) {
    yajl_tree_free(root);
    return NULL;
  }
  oci_seccomp *o = calloc(1, sizeof *o);
  o->default_action = fixture_str(fixture_key(s, "defaultAction"));
  yajl_val de = fixture_key(s, "defaultErrnoRet");
  if (de) {
    o->has_default_errno_ret = true;
    o->default_errno_ret = (uint32_t)fixture_u64(de);
  }
  o->architectures = fixture_strv(fixture_key(s, "architectures"), &o->n_architectures);
  o->flags = fixture_strv(fixture_key(s, "flags"), &o->n_flags);
  yajl_val sc = fixture_key(s, "syscalls");
  if (YAJL_IS_ARRAY(sc)) {
    o->syscalls = calloc(sc->u.array.len, sizeof *o->syscalls);
    for (size_t i = 0; i < sc->u.array.len; i++)
      fixture_rule(sc->u.array.values[i], &o->syscalls[i]);
    o->n_syscalls = sc->u.array.len;
  }
  yajl_tree_free(root);
  return o;
}

static inline void fixture_strv_free(char **v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

static inline void fixture_free(oci_seccomp *o) {
  if (!o)
    return;
  for (size_t i = 0; i < o->n_syscalls; i++) {
    oci_seccomp_syscall *r = &o->syscalls[i];
    fixture_strv_free(r->names, r->n_names);
    free(r->action);
    for (size_t k = 0; k < r->n_args; k++)
      free(r->args[k].op);
    free(r->args);
  }
  free(o->syscalls);
  fixture_strv_free(o->architectures, o->n_architectures);
  fixture_strv_free(o->flags, o->n_flags);
  free(o->default_action);
  free(o);
}
