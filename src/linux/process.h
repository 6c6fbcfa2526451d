/* What the container's init applies to itself before exec: the process
 * object of config.md and the process-wide parts of config-linux.md. */
#pragma once
#include <stdbool.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

/* Namespaced kernel settings (need the container's namespaces, before pivot or after). */
int proc_set_hostname(const oci_config *c, rt_error *err);
/* linux.sysctl: only namespaced keys, written under /proc/sys checked to be procfs. */
int proc_check_sysctl(const oci_config *c, rt_error *err);
int proc_apply_sysctl(const oci_config *c, rt_error *err);

int proc_apply_rlimits(const oci_process *p, rt_error *err);
int proc_apply_oom_score_adj(const oci_process *p, rt_error *err);
int proc_apply_personality(const oci_linux *l, rt_error *err);
int proc_apply_scheduler(const oci_process *p, rt_error *err);
int proc_apply_io_priority(const oci_process *p, rt_error *err);
int proc_apply_memory_policy(const oci_linux *l, rt_error *err);
/* execCPUAffinity: initial (final=false) or final (true). */
int proc_apply_cpu_affinity(const oci_process *p, bool final, rt_error *err);

/* Resolve args[0] against PATH from the process env (as execvp would) in the
 * current root; returns a malloc'd path or an error naming what is missing. */
int proc_find_executable(const oci_process *p, char **out, rt_error *err);
/* setgroups, setresgid, setresuid keeping capabilities; then umask. */
int proc_apply_user(const oci_process *p, bool userns_deny_setgroups, rt_error *err);
/* The capability sets of process.capabilities (bounding before the user
 * switch: call with stage 0 before proc_apply_user and stage 1 after).
 * Stage 3 is stage 1 with CAP_SYS_ADMIN held on in the effective and
 * permitted sets (a seccomp filter without no_new_privs needs it); stage 2
 * then drops it, after the filter is loaded. */
int proc_apply_caps(const oci_process *p, int stage, rt_error *err);
int proc_chdir(const oci_process *p, rt_error *err);

/* The process attributes of config.md, in one order for the init and for an
 * exec child: oomScoreAdj, rlimits, (init: personality), scheduler,
 * ioPriority, (init: memory policy). personality and the memory policy are
 * the container's, set once by its init and inherited by what it forks. */
int proc_apply_attributes(const oci_config *c, const oci_process *p, bool init, rt_error *err);
