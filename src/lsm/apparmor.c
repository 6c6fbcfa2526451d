/* AppArmor through libapparmor. */
#include "config.h"

#include <errno.h>

#include "lsm/lsm.h"
#include "lsm/lsm_internal.h"

#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>

bool lsm_apparmor_built(void) { return true; }

bool lsm_apparmor_enabled(void) {
  if (aa_is_enabled() == 1)
    return true;
  /* ENOENT: enabled in the kernel, securityfs just not mounted here (a
   * container's /sys); the exec attribute in /proc still works. */
  return errno == ENOENT;
}

int lsm_apparmor_onexec(const char *profile, const char *field, rt_error *err) {
  if (aa_change_onexec(profile) < 0)
    return rt_error_set(err, errno ? errno : EINVAL, "%s: change to profile \"%s\" on exec", field,
                        profile);
  return 0;
}

#else /* !HAVE_APPARMOR */

bool lsm_apparmor_built(void) { return false; }

bool lsm_apparmor_enabled(void) { return false; }

int lsm_apparmor_onexec(const char *profile, const char *field, rt_error *err) {
  return rt_error_set(err, 0, "%s: rt was built without AppArmor support (--disable-apparmor)",
                      field);
}
#endif
