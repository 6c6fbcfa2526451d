/* Namespaces: the spec's type names, clone flags, joining by path, id maps. */
#pragma once
#include <stdbool.h>
#include <sys/types.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

/* CLONE_NEW* flag for a spec namespace type ("pid"), 0 when unknown. */
int ns_flag(const char *type);
/* The /proc/PID/ns/ file name of a type ("network" -> "net"). */
const char *ns_proc_name(const char *type);
/* The namespace entry of the config for a type, NULL when absent. */
const oci_namespace *ns_find(const oci_linux *l, const char *type);
/* True when the config asks for a new namespace of this type (listed without path). */
bool ns_is_new(const oci_linux *l, const char *type);

/* Check the namespace list: known types, no duplicates (the parser checks too),
 * a path that is a namespace of the right type, a user namespace with mappings. */
int ns_validate(const oci_config *c, rt_error *err);

/* Write /proc/PID/uid_map and gid_map (setgroups "deny" first when rootless). */
int ns_write_id_maps(pid_t pid, const oci_linux *l, bool deny_setgroups, rt_error *err);
/* Join every namespace the config gives by path but pid and time (those
 * apply to children: rt joins them before the clone), the user namespace
 * first (the others are owned by it), the mount namespace last. */
int ns_join_paths(const oci_linux *l, rt_error *err);
/* Whether the namespaces given by path must be joined before the new ones
 * are made rather than by the init afterwards: a user namespace joined by
 * path (new namespaces made outside it would not be its), or a new user
 * namespace beside other namespaces joined by path (from inside it, rt
 * could not join namespaces the host's user namespace owns). */
bool ns_join_before_clone(const oci_linux *l);
/* Whether rt itself runs in a user namespace other than the initial one
 * (rootless podman runs its runtime as uid 0 in one): /proc/self/uid_map is
 * not the identity map of all ids. */
bool ns_running_in_userns(void);
/* Whether the namespace at path is the caller's own one of that type (same
 * device and inode as /proc/self/ns/<type>). */
bool ns_is_own(const char *path, const char *type);
/* Open a namespace path and check its type; returns an fd. */
int ns_open_path(const char *path, int flag, const char *field, rt_error *err);

/* A user namespace with these mappings, for an idmapped mount: returns an fd
 * of it (the helper process that made it is gone by then). */
int ns_make_userns(const oci_id_mapping *uids, size_t nu, const oci_id_mapping *gids, size_t ng,
                   rt_error *err);
