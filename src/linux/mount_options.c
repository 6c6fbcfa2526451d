/* rt: a mount's options (config.md "mounts": mount(8)'s words, the
 * recursive r* attributes of mount_setattr(2), propagation, runc's
 * tmpcopyup) turned into flags, attributes and the filesystem's data. */
#include "config.h"
#include "linux/mount.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "util/cleanup.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

/* OPT_ATTR_ATIME: one of the three recursive atime modes. MOUNT_ATTR_RELATIME
 * is 0, so the choice is made by clearing MOUNT_ATTR__ATIME and setting the
 * mode (mount_setattr(2)), whatever the mode. */
enum opt_kind { OPT_FLAG, OPT_CLEAR, OPT_PROP, OPT_ATTR_SET, OPT_ATTR_CLR, OPT_ATTR_ATIME, OPT_SPECIAL };

static const struct {
  const char *name;
  enum opt_kind kind;
  unsigned long value;
} mount_option_table[] = {
    {"defaults", OPT_FLAG, 0},
    {"ro", OPT_FLAG, MS_RDONLY},
    {"rw", OPT_CLEAR, MS_RDONLY},
    {"nosuid", OPT_FLAG, MS_NOSUID},
    {"suid", OPT_CLEAR, MS_NOSUID},
    {"nodev", OPT_FLAG, MS_NODEV},
    {"dev", OPT_CLEAR, MS_NODEV},
    {"noexec", OPT_FLAG, MS_NOEXEC},
    {"exec", OPT_CLEAR, MS_NOEXEC},
    {"sync", OPT_FLAG, MS_SYNCHRONOUS},
    {"async", OPT_CLEAR, MS_SYNCHRONOUS},
    {"dirsync", OPT_FLAG, MS_DIRSYNC},
    {"remount", OPT_FLAG, MS_REMOUNT},
    {"mand", OPT_FLAG, MS_MANDLOCK},
    {"nomand", OPT_CLEAR, MS_MANDLOCK},
    {"noatime", OPT_FLAG, MS_NOATIME},
    {"atime", OPT_CLEAR, MS_NOATIME},
    {"nodiratime", OPT_FLAG, MS_NODIRATIME},
    {"diratime", OPT_CLEAR, MS_NODIRATIME},
    {"relatime", OPT_FLAG, MS_RELATIME},
    {"norelatime", OPT_CLEAR, MS_RELATIME},
    {"strictatime", OPT_FLAG, MS_STRICTATIME},
    {"nostrictatime", OPT_CLEAR, MS_STRICTATIME},
    {"bind", OPT_FLAG, MS_BIND},
    {"rbind", OPT_FLAG, MS_BIND | MS_REC},
    {"iversion", OPT_FLAG, MS_I_VERSION},
    {"noiversion", OPT_CLEAR, MS_I_VERSION},
    {"lazytime", OPT_FLAG, MS_LAZYTIME},
    {"nolazytime", OPT_CLEAR, MS_LAZYTIME},
    {"silent", OPT_FLAG, MS_SILENT},
    {"loud", OPT_CLEAR, MS_SILENT},
    {"nosymfollow", OPT_FLAG, MS_NOSYMFOLLOW},
    {"symfollow", OPT_CLEAR, MS_NOSYMFOLLOW},
    {"private", OPT_PROP, MS_PRIVATE},
    {"rprivate", OPT_PROP, MS_PRIVATE | MS_REC},
    {"shared", OPT_PROP, MS_SHARED},
    {"rshared", OPT_PROP, MS_SHARED | MS_REC},
    {"slave", OPT_PROP, MS_SLAVE},
    {"rslave", OPT_PROP, MS_SLAVE | MS_REC},
    {"unbindable", OPT_PROP, MS_UNBINDABLE},
    {"runbindable", OPT_PROP, MS_UNBINDABLE | MS_REC},
    {"rro", OPT_ATTR_SET, MOUNT_ATTR_RDONLY},
    {"rrw", OPT_ATTR_CLR, MOUNT_ATTR_RDONLY},
    {"rnosuid", OPT_ATTR_SET, MOUNT_ATTR_NOSUID},
    {"rsuid", OPT_ATTR_CLR, MOUNT_ATTR_NOSUID},
    {"rnodev", OPT_ATTR_SET, MOUNT_ATTR_NODEV},
    {"rdev", OPT_ATTR_CLR, MOUNT_ATTR_NODEV},
    {"rnoexec", OPT_ATTR_SET, MOUNT_ATTR_NOEXEC},
    {"rexec", OPT_ATTR_CLR, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", OPT_ATTR_SET, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", OPT_ATTR_CLR, MOUNT_ATTR_NODIRATIME},
    {"rnoatime", OPT_ATTR_ATIME, MOUNT_ATTR_NOATIME},
    {"ratime", OPT_ATTR_ATIME, MOUNT_ATTR_RELATIME}, /* atime attrs are a 3-way choice */
    {"rrelatime", OPT_ATTR_ATIME, MOUNT_ATTR_RELATIME},
    {"rnorelatime", OPT_ATTR_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rstrictatime", OPT_ATTR_ATIME, MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", OPT_ATTR_ATIME, MOUNT_ATTR_RELATIME},
    {"rnosymfollow", OPT_ATTR_SET, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", OPT_ATTR_CLR, MOUNT_ATTR_NOSYMFOLLOW},
    {"tmpcopyup", OPT_SPECIAL, 1},
    {"idmap", OPT_SPECIAL, 2},
    {"ridmap", OPT_SPECIAL, 3},
};

unsigned long mount_propagation_flag(const char *name) {
  for (size_t i = 0; i < ARRAY_SIZE(mount_option_table); i++)
    if (mount_option_table[i].kind == OPT_PROP && strcmp(mount_option_table[i].name, name) == 0)
      return mount_option_table[i].value;
  return 0;
}

static int append_data(char **data, const char *opt) {
  size_t old = *data ? strlen(*data) : 0;
  char *n = realloc(*data, old + strlen(opt) + 2);
  if (!n)
    return -ENOMEM;
  if (old)
    n[old++] = ',';
  strcpy(n + old, opt);
  *data = n;
  return 0;
}

int mount_parse_options(char **options, size_t n, struct mount_opts *o, const char *field,
                        rt_error *err) {
  memset(o, 0, sizeof *o);
  for (size_t i = 0; i < n; i++) {
    const char *opt = options[i];
    size_t k;
    for (k = 0; k < ARRAY_SIZE(mount_option_table); k++)
      if (strcmp(mount_option_table[k].name, opt) == 0)
        break;
    if (k == ARRAY_SIZE(mount_option_table)) {
      if (append_data(&o->data, opt) < 0)
        return rt_error_set(err, ENOMEM, "%s", field);
      continue;
    }
    unsigned long v = mount_option_table[k].value;
    switch (mount_option_table[k].kind) {
    case OPT_FLAG:
      o->flags |= v;
      o->clear &= ~v;
      break;
    case OPT_CLEAR:
      o->flags &= ~v;
      o->clear |= v;
      break;
    case OPT_PROP:
      if (o->n_propagation >= (int)ARRAY_SIZE(o->propagation))
        return rt_error_set(err, 0, "%s[%zu]: too many propagation options", field, i);
      o->propagation[o->n_propagation++] = v;
      break;
    case OPT_ATTR_ATIME:
      o->recursive_attrs = true;
      o->attr_set = (o->attr_set & ~(uint64_t)MOUNT_ATTR__ATIME) | v;
      o->attr_clr |= MOUNT_ATTR__ATIME;
      break;
    case OPT_ATTR_SET:
      o->recursive_attrs = true;
      o->attr_set |= v;
      o->attr_clr &= ~(uint64_t)v;
      break;
    case OPT_ATTR_CLR:
      o->recursive_attrs = true;
      o->attr_clr |= v;
      o->attr_set &= ~(uint64_t)v;
      break;
    case OPT_SPECIAL:
      if (v == 1)
        o->tmpcopyup = true;
      else if (v == 2)
        o->idmap = true;
      else
        o->ridmap = true;
      break;
    }
  }
  return 0;
}

void mount_opts_free(struct mount_opts *o) {
  free(o->data);
  o->data = NULL;
}

