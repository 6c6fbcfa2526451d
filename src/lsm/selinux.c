/* SELinux through libselinux, loaded with dlopen when a config first asks
 * for a label (util/dl.h): lsm_check runs in rt before the container's
 * process is cloned, so the process inherits the loaded library. */
#include "config.h"

#include <errno.h>

#include "lsm/lsm.h"
#include "lsm/lsm_internal.h"
#include "util/dl.h"

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>

static struct {
  __typeof__(is_selinux_enabled) *is_selinux_enabled;
  __typeof__(setexeccon) *setexeccon;
  __typeof__(setkeycreatecon) *setkeycreatecon;
  __typeof__(setfilecon) *setfilecon;
  __typeof__(security_check_context) *security_check_context;
} se;

static const struct rt_dl_sym se_syms[] = {
    RT_DL_SYM(se, is_selinux_enabled),
    RT_DL_SYM(se, setexeccon),
    RT_DL_SYM(se, setkeycreatecon),
    RT_DL_SYM(se, setfilecon),
    RT_DL_SYM(se, security_check_context),
};

static struct rt_dl_lib se_lib = {"libselinux.so.1", se_syms,
                                  sizeof se_syms / sizeof se_syms[0], 0, ""};

bool lsm_selinux_built(void) { return true; }

int lsm_selinux_load(rt_error *err) { return rt_dl_load(&se_lib, err); }

bool lsm_selinux_enabled(void) {
  rt_error e;
  return lsm_selinux_load(&e) == 0 && se.is_selinux_enabled() > 0;
}

int lsm_selinux_check_context(const char *label, const char *field, rt_error *err) {
  if (lsm_selinux_load(err) < 0)
    return rt_error_prefix(err, "%s", field);
  if (se.security_check_context(label) < 0)
    return rt_error_set(err, errno ? errno : EINVAL,
                        "%s: \"%s\" is not a valid SELinux context for the loaded policy", field,
                        label);
  return 0;
}

int lsm_selinux_setexec(const char *label, const char *field, rt_error *err) {
  if (lsm_selinux_load(err) < 0)
    return rt_error_prefix(err, "%s", field);
  if (se.setexeccon(label) < 0)
    return rt_error_set(err, errno ? errno : EINVAL, "%s: set the exec label \"%s\"", field, label);
  return 0;
}

int lsm_selinux_setkeycreate(const char *label, const char *field, rt_error *err) {
  if (lsm_selinux_load(err) < 0)
    return rt_error_prefix(err, "%s", field);
  if (se.setkeycreatecon(label) < 0)
    return rt_error_set(err, errno ? errno : EINVAL, "%s: set the key creation label \"%s\"", field,
                        label ? label : "");
  return 0;
}

int lsm_selinux_setfilecon(const char *path, const char *label, const char *field, rt_error *err) {
  if (lsm_selinux_load(err) < 0)
    return rt_error_prefix(err, "%s", field);
  if (se.setfilecon(path, label) < 0)
    return rt_error_set(err, errno ? errno : EINVAL, "%s: label %s with \"%s\"", field, path,
                        label);
  return 0;
}

#else /* !HAVE_SELINUX */

static int not_built(const char *field, rt_error *err) {
  return rt_error_set(err, 0, "%s: rt was built without SELinux support (--disable-selinux)",
                      field);
}

bool lsm_selinux_built(void) { return false; }

int lsm_selinux_load(rt_error *err) { return not_built("SELinux", err); }

bool lsm_selinux_enabled(void) { return false; }

int lsm_selinux_setexec(const char *label, const char *field, rt_error *err) {
  return not_built(field, err);
}

int lsm_selinux_check_context(const char *label, const char *field, rt_error *err) {
  return not_built(field, err);
}

int lsm_selinux_setkeycreate(const char *label, const char *field, rt_error *err) {
  return label ? not_built(field, err) : 0;
}

int lsm_selinux_setfilecon(const char *path, const char *label, const char *field, rt_error *err) {
  return not_built(field, err);
}
#endif
