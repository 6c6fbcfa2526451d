/* process.capabilities. The bounding set is dropped before the user switch
 * (PR_CAPBSET_DROP needs CAP_SETPCAP); the permitted, effective and
 * inheritable sets and the ambient set after it (proc_apply_user keeps the
 * permitted set across setresuid with PR_SET_KEEPCAPS).
 *
 * As runc does and config.md asks: a missing capabilities object means no
 * capabilities at all; a well-formed name libcap does not know, or one this
 * kernel or rt's own sets cannot grant, is a warning and is left out, never
 * an error (a malformed name was refused by the parser). libcap only
 * supplies names; the sets are set with capset(2). */
#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/process.h"
#include "util/log.h"

#define FIELD "config.json: .process.capabilities"

typedef uint64_t capmask;

#define BIT(c) ((capmask)1 << (c))

static int max_cap(void) {
  int m = (int)cap_max_bits();
  return m > 64 ? 64 : m;
}

/* One set of names as a mask of the capabilities this kernel has. */
static capmask to_mask(char **names, size_t n, const char *set) {
  capmask m = 0;
  int max = max_cap();
  for (size_t i = 0; i < n; i++) {
    cap_value_t c;
    if (!names[i] || strncasecmp(names[i], "CAP_", 4) != 0 || cap_from_name(names[i], &c) < 0) {
      log_warn(FIELD ".%s[%zu]: \"%s\" is not a known capability; ignored", set, i,
               names[i] ? names[i] : "");
      continue;
    }
    if (c >= max) {
      log_warn(FIELD ".%s[%zu]: %s is not supported by this kernel; ignored", set, i, names[i]);
      continue;
    }
    m |= BIT(c);
  }
  return m;
}

static const char *cap_name(int c) {
  static char buf[32];
  char *s = cap_to_name(c);
  if (!s)
    return "?";
  /* libcap spells them cap_chown; the config CAP_CHOWN. */
  size_t i = 0;
  for (; s[i] && i < sizeof buf - 1; i++)
    buf[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
  buf[i] = '\0';
  cap_free(s);
  return buf;
}

/* The capabilities in `want` but not in `have` cannot be granted: warn. */
static void warn_missing(capmask want, capmask have, const char *set, const char *why) {
  capmask miss = want & ~have;
  for (int c = 0; c < 64; c++)
    if (miss & BIT(c))
      log_warn(FIELD ".%s: %s cannot be granted (%s); ignored", set, cap_name(c), why);
}

struct capsets {
  capmask effective, permitted, inheritable;
};

static int get_caps(struct capsets *s, rt_error *err) {
  struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct d[2];
  if (syscall(SYS_capget, &h, d) < 0)
    return rt_error_set(err, errno, "capget");
  s->effective = d[0].effective | (capmask)d[1].effective << 32;
  s->permitted = d[0].permitted | (capmask)d[1].permitted << 32;
  s->inheritable = d[0].inheritable | (capmask)d[1].inheritable << 32;
  return 0;
}

static int set_caps(const struct capsets *s) {
  struct __user_cap_header_struct h = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  struct __user_cap_data_struct d[2] = {
      {(uint32_t)s->effective, (uint32_t)s->permitted, (uint32_t)s->inheritable},
      {(uint32_t)(s->effective >> 32), (uint32_t)(s->permitted >> 32),
       (uint32_t)(s->inheritable >> 32)},
  };
  return (int)syscall(SYS_capset, &h, d);
}

/* The bounding set as apply_bounding left it, so that apply_sets, in the
 * same process right after, need not read it again (one prctl per
 * capability: 41 here). Only ever set in the container's process. */
static capmask bounding_after;
static bool bounding_known;

static capmask read_bounding(void) {
  if (bounding_known)
    return bounding_after;
  capmask m = 0;
  for (int c = 0; c < max_cap(); c++)
    if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
      m |= BIT(c);
  return m;
}

static int apply_bounding(const oci_capabilities *c, rt_error *err) {
  capmask keep = c ? to_mask(c->bounding, c->n_bounding, "bounding") : 0;
  capmask have = read_bounding();
  warn_missing(keep, have, "bounding", "not in rt's bounding set");
  for (int cap = 0; cap < max_cap(); cap++) {
    if (!(have & BIT(cap)) || (keep & BIT(cap)))
      continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
      return rt_error_set(err, errno, FIELD ".bounding: drop %s", cap_name(cap));
  }
  bounding_after = have & keep;
  bounding_known = true;
  return 0;
}

/* Ambient capabilities must be permitted and inheritable; others are
 * skipped (logged with --debug). */
static int apply_ambient(const oci_capabilities *c, const struct capsets *s, rt_error *err) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return rt_error_set(err, errno, FIELD ".ambient: clear the ambient set");
  capmask want = c ? to_mask(c->ambient, c->n_ambient, "ambient") : 0;
  for (int cap = 0; cap < 64; cap++) {
    if (!(want & BIT(cap)))
      continue;
    if (!(s->permitted & s->inheritable & BIT(cap))) {
      /* Not a warning: runc's default spec asks for this, and the process's
       * stderr belongs to the container. */
      log_debug(FIELD ".ambient: can't raise ambient capability %s: it must also be permitted and "
                     "inheritable; ignored",
               cap_name(cap));
      continue;
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      log_debug(FIELD ".ambient: can't raise ambient capability %s: %s; ignored", cap_name(cap),
               strerror(errno));
  }
  return 0;
}

/* The sets of apply_sets while CAP_SYS_ADMIN is held on for the seccomp
 * filter (stage 3), put in place by stage 2. */
static struct capsets held_final;
static bool held;

static int apply_sets(const oci_capabilities *c, bool hold_admin, rt_error *err) {
  struct capsets cur = {0};
  if (get_caps(&cur, err) < 0)
    return -1;
  struct capsets want = {0};
  if (c) {
    want.permitted = to_mask(c->permitted, c->n_permitted, "permitted");
    want.effective = to_mask(c->effective, c->n_effective, "effective");
    want.inheritable = to_mask(c->inheritable, c->n_inheritable, "inheritable");
  }
  capmask bset = read_bounding();
  struct capsets s;
  s.permitted = want.permitted & cur.permitted;
  warn_missing(want.permitted, s.permitted, "permitted", "rt does not hold it");
  s.effective = want.effective & s.permitted;
  warn_missing(want.effective, s.effective, "effective", "not permitted");
  s.inheritable = want.inheritable & (cur.inheritable | bset);
  warn_missing(want.inheritable, s.inheritable, "inheritable", "not in the bounding set");

  /* After setresuid to a non-root user the effective set is empty; raising
   * an inheritable capability outside the permitted set needs CAP_SETPCAP
   * to be effective, so make the whole permitted set effective first. */
  if (cur.effective != cur.permitted) {
    struct capsets raised = {cur.permitted, cur.permitted, cur.inheritable};
    if (set_caps(&raised) < 0)
      return rt_error_set(err, errno, FIELD ": capset (raise the effective set)");
  }
  struct capsets now = s;
  if (hold_admin && !(s.effective & BIT(CAP_SYS_ADMIN)) && (cur.permitted & BIT(CAP_SYS_ADMIN))) {
    now.permitted |= BIT(CAP_SYS_ADMIN);
    now.effective |= BIT(CAP_SYS_ADMIN);
    held_final = s;
    held = true;
  }
  if (set_caps(&now) < 0)
    return rt_error_set(err, errno, FIELD ": capset");
  return apply_ambient(c, &s, err);
}

/* Dropping CAP_SYS_ADMIN from the permitted set also takes it out of the
 * ambient set, which apply_ambient never raised it in (s had it not). */
static int drop_held(rt_error *err) {
  if (!held)
    return 0;
  held = false;
  if (set_caps(&held_final) < 0)
    return rt_error_set(err, errno, FIELD ": capset (drop the CAP_SYS_ADMIN held for the seccomp "
                                   "filter; the profile must allow capset)");
  return 0;
}

int proc_apply_caps(const oci_process *p, int stage, rt_error *err) {
  const oci_capabilities *c = p->capabilities;
  switch (stage) {
  case 0: return apply_bounding(c, err);
  case 1: return apply_sets(c, false, err);
  case 3: return apply_sets(c, true, err);
  default: return drop_held(err);
  }
}
