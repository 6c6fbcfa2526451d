/* The per-LSM backends behind lsm.h. Each has a stub when rt is built
 * without the library, which fails with a message saying so. */
#pragma once
#include <stdbool.h>

#include "util/error.h"

bool lsm_selinux_built(void);
/* dlopen the library (once); an error says why it cannot be loaded. */
int lsm_selinux_load(rt_error *err);
int lsm_selinux_setexec(const char *label, const char *field, rt_error *err);
/* The label is a context the loaded policy knows (security_check_context). */
int lsm_selinux_check_context(const char *label, const char *field, rt_error *err);
/* label NULL clears it. */
int lsm_selinux_setkeycreate(const char *label, const char *field, rt_error *err);
int lsm_selinux_setfilecon(const char *path, const char *label, const char *field, rt_error *err);

bool lsm_apparmor_built(void);
int lsm_apparmor_load(rt_error *err);
int lsm_apparmor_onexec(const char *profile, const char *field, rt_error *err);

/* data (may be NULL) with context="label" appended; malloc'd, NULL on ENOMEM. */
char *lsm_format_mount_label(const char *data, const char *label);
