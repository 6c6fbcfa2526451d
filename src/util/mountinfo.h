/* One parser of /proc/self/mountinfo (proc(5)):
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 * mount id, parent id, major:minor, root, mount point, mount options, zero or
 * more optional fields, "-", fs type, source, super options. The kernel
 * escapes space, tab, newline and backslash in paths as \ooo (\040, \011,
 * \012, \134); root, mount point and source come back unescaped. */
#pragma once
#include <stdbool.h>

struct rt_mountinfo {
  int mount_id;
  int parent_id;
  unsigned major, minor;
  char *root;          /* unescaped */
  char *mount_point;   /* unescaped */
  char *options;       /* per-mount options, "rw,nosuid" */
  char *optional;      /* optional fields, space separated ("shared:1 master:2"), "" when none */
  char *fstype;
  char *source;        /* unescaped */
  char *super_options; /* as the kernel wrote them (still escaped), "" when missing */
};

/* Parse one line (a trailing newline is ignored) in place: the fields point
 * into `line`, which is modified. 0, or -EINVAL when it is not a mountinfo
 * line. */
int rt_mountinfo_parse_line(char *line, struct rt_mountinfo *m);

/* The next entry of a whole mountinfo text at *cursor (lines that do not
 * parse are skipped); the text is modified and *cursor advanced. 1 with *m
 * filled, 0 at the end:
 *   for (char *c = text; rt_mountinfo_next(&c, &m) > 0;) ... */
int rt_mountinfo_next(char **cursor, struct rt_mountinfo *m);

/* Whether an optional field is `tag` or "tag:..." ("shared", "master"). */
bool rt_mountinfo_has_optional(const struct rt_mountinfo *m, const char *tag);

/* Replace every \ooo (first digit 0-3) in s by its byte, in place. */
void rt_mountinfo_unescape(char *s);
