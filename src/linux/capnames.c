/* The four functions of libcap that rt used (cap_from_name, cap_to_name,
 * cap_free, cap_max_bits), under their own names, so that rt does not
 * load libcap at every command: the sets themselves were always set with
 * capget/capset/prctl (linux/caps.c). Linked, libcap cost each command one
 * more shared object to map and relocate, ~40 KiB of resident pages and
 * the probe of the kernel's last capability its constructor runs
 * (PR_CAPBSET_READ, six times) before main, in `rt state` as in `rt run`.
 *
 * Same answers as libcap 2.66: the names it knows are the capabilities
 * 0..40 (CAP_CHECKPOINT_RESTORE), spelled "cap_chown"; others are named by
 * their number; a name is matched ignoring case, or given as a number. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

static const char *const names[] = {
    "cap_chown", "cap_dac_override", "cap_dac_read_search", "cap_fowner", "cap_fsetid",
    "cap_kill", "cap_setgid", "cap_setuid", "cap_setpcap", "cap_linux_immutable",
    "cap_net_bind_service", "cap_net_broadcast", "cap_net_admin", "cap_net_raw",
    "cap_ipc_lock", "cap_ipc_owner", "cap_sys_module", "cap_sys_rawio", "cap_sys_chroot",
    "cap_sys_ptrace", "cap_sys_pacct", "cap_sys_admin", "cap_sys_boot", "cap_sys_nice",
    "cap_sys_resource", "cap_sys_time", "cap_sys_tty_config", "cap_mknod", "cap_lease",
    "cap_audit_write", "cap_audit_control", "cap_setfcap", "cap_mac_override", "cap_mac_admin",
    "cap_syslog", "cap_wake_alarm", "cap_block_suspend", "cap_audit_read", "cap_perfmon",
    "cap_bpf", "cap_checkpoint_restore",
};
#define N_NAMES ((int)(sizeof names / sizeof names[0]))

_Static_assert(N_NAMES == CAP_CHECKPOINT_RESTORE + 1, "one name per capability up to 40");

int cap_from_name(const char *name, cap_value_t *value) {
  if (!name || !*name)
    return -1;
  int c = -1;
  if (isdigit((unsigned char)*name)) {
    char *end;
    unsigned long n = strtoul(name, &end, 10);
    if (*end || n >= 64)
      return -1;
    c = (int)n;
  } else {
    for (int i = 0; i < N_NAMES && c < 0; i++)
      if (strcasecmp(name, names[i]) == 0)
        c = i;
    if (c < 0)
      return -1;
  }
  if (value)
    *value = c;
  return 0;
}

char *cap_to_name(cap_value_t c) {
  if (c >= 0 && c < N_NAMES)
    return strdup(names[c]);
  char *s = NULL;
  return asprintf(&s, "%u", (unsigned)c) < 0 ? NULL : s;
}

int cap_free(void *p) {
  free(p);
  return 0;
}

/* The number of capabilities this kernel has: PR_CAPBSET_READ fails with
 * EINVAL past the last one (a binary search, as libcap does), found the
 * first time it is asked. */
cap_value_t cap_max_bits(void) {
  static int bits;
  if (!bits) {
    int lo = 0, hi = 64; /* lo is valid (CAP_CHOWN), hi is not */
    while (hi - lo > 1) {
      int mid = (lo + hi) / 2;
      if (prctl(PR_CAPBSET_READ, mid, 0, 0, 0) >= 0)
        lo = mid;
      else
        hi = mid;
    }
    bits = lo + 1;
  }
  return bits;
}
