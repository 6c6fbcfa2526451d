/* SELinux through libselinux. */
#include "config.h"

#include <errno.h>

#include "lsm/lsm.h"
#include "lsm/lsm_internal.h"

#ifdef HAVE_SELINUX
#include <selinux/selinux.h>

bool lsm_selinux_built(void) { return true; }

bool lsm_selinux_enabled(void) { return is_selinux_enabled() > 0; }

int lsm_selinux_setexec(const char *label, const char *field, rt_error *err) {
  if (setexeccon(label) < 0)
    return rt_error_set(err, errno ? errno : EINVAL, "%s: set the exec label \"%s\"", field, label);
  return 0;
}

int lsm_selinux_setkeycreate(const char *label, const char *field, rt_error *err) {
  if (setkeycreatecon(label) < 0)
    return rt_error_set(err, errno ? errno : EINVAL, "%s: set the key creation label \"%s\"", field,
                        label ? label : "");
  return 0;
}

int lsm_selinux_setfilecon(const char *path, const char *label, const char *field, rt_error *err) {
  if (setfilecon(path, label) < 0)
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

bool lsm_selinux_enabled(void) { return false; }

int lsm_selinux_setexec(const char *label, const char *field, rt_error *err) {
  return not_built(field, err);
}

int lsm_selinux_setkeycreate(const char *label, const char *field, rt_error *err) {
  return label ? not_built(field, err) : 0;
}

int lsm_selinux_setfilecon(const char *path, const char *label, const char *field, rt_error *err) {
  return not_built(field, err);
}
#endif
