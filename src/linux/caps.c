/* process.capabilities with libcap: the bounding set is dropped before the
 * user switch (it needs CAP_SETPCAP), the other four sets after it. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "linux/process.h"
#include "util/log.h"

/* Resolve names to capability numbers. A name libcap does not know is an
 * error; a capability this kernel lacks is a warning and skipped. */
static int resolve(char **names, size_t n, const char *set, cap_value_t **out, size_t *nout,
                   rt_error *err) {
  cap_value_t *v = calloc(n ? n : 1, sizeof *v);
  if (!v)
    return rt_error_set(err, ENOMEM, "capabilities");
  size_t k = 0;
  int max = (int)cap_max_bits();
  for (size_t i = 0; i < n; i++) {
    cap_value_t c;
    if (cap_from_name(names[i], &c) < 0 || strncasecmp(names[i], "CAP_", 4) != 0) {
      free(v);
      return rt_error_set(err, 0, "config.json: .process.capabilities.%s[%zu]: \"%s\" is not a capability",
                          set, i, names[i]);
    }
    if (c >= max) {
      log_warn("config.json: .process.capabilities.%s[%zu]: %s is not supported by this kernel; ignored",
               set, i, names[i]);
      continue;
    }
    v[k++] = c;
  }
  *out = v;
  *nout = k;
  return 0;
}

int proc_apply_caps(const oci_process *p, int stage, rt_error *err) {
  const oci_capabilities *c = p->capabilities;
  if (!c)
    return 0;
  if (stage == 0) {
    if (!c->has_bounding)
      return 0;
    cap_value_t *b;
    size_t nb;
    if (resolve(c->bounding, c->n_bounding, "bounding", &b, &nb, err) < 0)
      return -1;
    int max = (int)cap_max_bits();
    for (int cap = 0; cap < max; cap++) {
      bool keep = false;
      for (size_t i = 0; i < nb; i++)
        keep |= b[i] == cap;
      if (!keep && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL) {
        free(b);
        return rt_error_set(err, errno, "config.json: .process.capabilities.bounding: drop %s",
                            cap_to_name(cap));
      }
    }
    free(b);
    return 0;
  }

  struct {
    const char *name;
    char **names;
    size_t n;
    bool given;
    cap_flag_t flag;
  } sets[] = {
      {"effective", c->effective, c->n_effective, c->has_effective, CAP_EFFECTIVE},
      {"permitted", c->permitted, c->n_permitted, c->has_permitted, CAP_PERMITTED},
      {"inheritable", c->inheritable, c->n_inheritable, c->has_inheritable, CAP_INHERITABLE},
  };
  cap_t caps = cap_init();
  if (!caps)
    return rt_error_set(err, errno, "cap_init");
  for (size_t s = 0; s < 3; s++) {
    cap_value_t *v;
    size_t n;
    if (resolve(sets[s].names, sets[s].n, sets[s].name, &v, &n, err) < 0) {
      cap_free(caps);
      return -1;
    }
    if (n && cap_set_flag(caps, sets[s].flag, (int)n, v, CAP_SET) < 0) {
      free(v);
      cap_free(caps);
      return rt_error_set(err, errno, "cap_set_flag %s", sets[s].name);
    }
    free(v);
  }
  if (cap_set_proc(caps) < 0) {
    int e = errno;
    cap_free(caps);
    return rt_error_set(err, e, "config.json: .process.capabilities: capset");
  }
  cap_free(caps);

  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return rt_error_set(err, errno, "clear the ambient capabilities");
  cap_value_t *a;
  size_t na;
  if (resolve(c->ambient, c->n_ambient, "ambient", &a, &na, err) < 0)
    return -1;
  for (size_t i = 0; i < na; i++) {
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, a[i], 0, 0) < 0) {
      int e = errno;
      const char *nm = cap_to_name(a[i]);
      free(a);
      return rt_error_set(err, e,
                          "config.json: .process.capabilities.ambient: raise %s (it must also be "
                          "permitted and inheritable)",
                          nm);
    }
  }
  free(a);
  return 0;
}
