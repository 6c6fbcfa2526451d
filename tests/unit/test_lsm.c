/* The LSM requests: on a host without SELinux and AppArmor (or a build
 * without them) every request is a clear error, never a silent no-op. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "lsm/lsm.h"
#include "lsm/lsm_internal.h"
#include "linux/security.h"
#include "tap.h"

static oci_config *config(const char *selinux, const char *apparmor, const char *mount_label) {
  static oci_config c;
  static oci_process p;
  static oci_linux l;
  memset(&c, 0, sizeof c);
  memset(&p, 0, sizeof p);
  memset(&l, 0, sizeof l);
  p.selinux_label = (char *)selinux;
  p.apparmor_profile = (char *)apparmor;
  l.mount_label = (char *)mount_label;
  c.process = &p;
  c.linux_ = &l;
  return &c;
}

static const char *why_selinux(void) {
#ifdef HAVE_SELINUX
  return "SELinux is not enabled on this host";
#else
  return "rt was built without SELinux support (--disable-selinux)";
#endif
}

static const char *why_apparmor(void) {
#ifdef HAVE_APPARMOR
  return "AppArmor is not enabled on this host";
#else
  return "rt was built without AppArmor support (--disable-apparmor)";
#endif
}

static void expect(int r, const rt_error *err, const char *field, const char *why,
                   const char *what) {
  char want[512];
  snprintf(want, sizeof want, "config.json: %s: %s", field, why);
  ok(r < 0, "%s fails", what);
  is_str(err->msg, want, "%s: message", what);
}

static void test_apparmor(void) {
  if (lsm_apparmor_enabled()) {
    ok(1, "# SKIP AppArmor is enabled here: no error path to test");
    return;
  }
  rt_error err = {0};
  oci_config *c = config(NULL, "docker-default", NULL);
  expect(lsm_check(c, &err), &err, ".process.apparmorProfile", why_apparmor(), "lsm_check");
  rt_error_clear(&err);
  expect(security_prepare(c, &err), &err, ".process.apparmorProfile", why_apparmor(),
         "security_prepare");
  rt_error_clear(&err);
  expect(security_apply(c, 0, "{}", &err), &err, ".process.apparmorProfile", why_apparmor(),
         "security_apply stage 0");
}

static void test_selinux(void) {
  if (lsm_selinux_enabled()) {
    ok(1, "# SKIP SELinux is enabled here: no error path to test");
    return;
  }
  rt_error err = {0};
  oci_config *c = config("system_u:system_r:container_t:s0:c1,c2", NULL, NULL);
  expect(lsm_check(c, &err), &err, ".process.selinuxLabel", why_selinux(), "lsm_check (label)");
  rt_error_clear(&err);
  expect(security_apply(c, 0, "{}", &err), &err, ".process.selinuxLabel", why_selinux(),
         "security_apply stage 0 (label)");
  rt_error_clear(&err);
  expect(lsm_set_keycreate_label(c, &err), &err, ".process.selinuxLabel", why_selinux(),
         "keyring label");
  ok(lsm_clear_keycreate_label(c, &err) == 0, "clearing the keyring label is a no-op");

  c = config(NULL, NULL, "system_u:object_r:container_file_t:s0:c1,c2");
  rt_error_clear(&err);
  expect(lsm_check(c, &err), &err, ".linux.mountLabel", why_selinux(), "lsm_check (mountLabel)");
  char *data = strdup("mode=755");
  rt_error_clear(&err);
  expect(lsm_mount_label_data(c, "tmpfs", &data, &err), &err, ".linux.mountLabel", why_selinux(),
         "mount label on tmpfs");
  is_str(data, "mode=755", "data untouched on error");
  ok(lsm_mount_label_data(c, "proc", &data, &err) == 0, "proc takes no label: no-op");
  is_str(data, "mode=755", "proc data untouched");
  free(data);
  rt_error_clear(&err);
  expect(lsm_relabel_mount(c, "mqueue", "/dev/mqueue", &err), &err, ".linux.mountLabel",
         why_selinux(), "mqueue relabel");
}

static void test_no_request(void) {
  rt_error err = {0};
  oci_config *c = config(NULL, NULL, NULL);
  ok(lsm_check(c, &err) == 0, "nothing requested: lsm_check passes");
  ok(security_prepare(c, &err) == 0, "nothing requested: security_prepare passes");
  ok(security_apply(c, 0, "{}", &err) == 0 && security_apply(c, 1, "{}", &err) == 0,
     "nothing requested: both stages pass");
  ok(lsm_set_keycreate_label(c, &err) == 0, "no keyring label");
  char *data = NULL;
  ok(lsm_mount_label_data(c, "tmpfs", &data, &err) == 0 && data == NULL,
     "no mountLabel: data left alone");
  c = config("", "", "");
  ok(lsm_check(c, &err) == 0, "empty strings mean not requested");
}

static void test_mount_label_format(void) {
  char *s = lsm_format_mount_label(NULL, "system_u:object_r:container_file_t:s0:c1,c2");
  is_str(s, "context=\"system_u:object_r:container_file_t:s0:c1,c2\"", "label alone, quoted");
  free(s);
  s = lsm_format_mount_label("mode=755,size=65536k", "a:b:c:s0");
  is_str(s, "mode=755,size=65536k,context=\"a:b:c:s0\"", "label appended to data");
  free(s);
  static const char *yes[] = {"tmpfs", "devpts", "shm", "overlay", "ramfs"};
  static const char *no[] = {"proc", "sysfs", "cgroup", "cgroup2", "mqueue", "bind", "none", ""};
  bool all = true;
  for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
    all &= lsm_mount_takes_label(yes[i]);
  ok(all, "tmpfs, devpts, ... take context=");
  all = true;
  for (size_t i = 0; i < sizeof no / sizeof *no; i++)
    all &= !lsm_mount_takes_label(no[i]);
  ok(all && !lsm_mount_takes_label(NULL), "proc, sysfs, cgroup, mqueue, binds do not");
}

int main(void) {
  setenv("RT_SECCOMP_CACHE", "off", 1);
  test_apparmor();
  test_selinux();
  test_no_request();
  test_mount_label_format();
  return tap_done();
}
