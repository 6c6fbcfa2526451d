/* AppArmor through libapparmor, loaded with dlopen when a config first
 * asks for a profile (see selinux.c and util/dl.h). */
#include "config.h"

#include <errno.h>

#include "lsm/lsm.h"
#include "lsm/lsm_internal.h"
#include "util/dl.h"

#ifdef HAVE_APPARMOR
#include <sys/apparmor.h>

static struct {
  __typeof__(aa_is_enabled) *aa_is_enabled;
  __typeof__(aa_change_onexec) *aa_change_onexec;
} aa;

static const struct rt_dl_sym aa_syms[] = {
    RT_DL_SYM(aa, aa_is_enabled),
    RT_DL_SYM(aa, aa_change_onexec),
};

static struct rt_dl_lib aa_lib = {"libapparmor.so.1", aa_syms,
                                  sizeof aa_syms / sizeof aa_syms[0], 0, ""};

bool lsm_apparmor_built(void) { return true; }

int lsm_apparmor_load(rt_error *err) { return rt_dl_load(&aa_lib, err); }

bool lsm_apparmor_enabled(void) {
  rt_error e;
  if (lsm_apparmor_load(&e) < 0)
    return false;
  if (aa.aa_is_enabled() == 1)
    return true;
  /* ENOENT: enabled in the kernel, securityfs just not mounted here (a
   * container's /sys); the exec attribute in /proc still works. */
  return errno == ENOENT;
}

int lsm_apparmor_onexec(const char *profile, const char *field, rt_error *err) {
  if (lsm_apparmor_load(err) < 0)
    return rt_error_prefix(err, "%s", field);
  if (aa.aa_change_onexec(profile) < 0)
    return rt_error_set(err, errno ? errno : EINVAL, "%s: change to profile \"%s\" on exec", field,
                        profile);
  return 0;
}

#else /* !HAVE_APPARMOR */

bool lsm_apparmor_built(void) { return false; }

int lsm_apparmor_load(rt_error *err) {
  return rt_error_set(err, 0, "AppArmor: rt was built without AppArmor support (--disable-apparmor)");
}

bool lsm_apparmor_enabled(void) { return false; }

int lsm_apparmor_onexec(const char *profile, const char *field, rt_error *err) {
  return rt_error_set(err, 0, "%s: rt was built without AppArmor support (--disable-apparmor)",
                      field);
}
#endif
