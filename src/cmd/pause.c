/* rt pause: freeze every process of a container (freezer / cgroup.freeze). */
#include "config.h"

#include <getopt.h>

#include "cmd/cmd.h"
#include "container.h"
#include "linux/cgroup.h"

/* Shared by pause and resume: parse, open the container, check, (un)freeze. */
int cmd_freeze_common(rt_globals *g, const char *name, int argc, char **argv, bool freeze);

int cmd_freeze_common(rt_globals *g, const char *name, int argc, char **argv, bool freeze) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'h')
      return cmd_help(name);
    return cmd_usage_error(name, "flag provided but not defined: %s", argv[optind - 1]);
  }
  if (cmd_check_args(name, argc - optind, 1, 0))
    return 1;
  const char *id = argv[optind];
  rt_error err = {0};
  struct existing ex;
  int ret = 1;
  if (existing_open(g->root, id, true, &ex, &err) < 0) {
    ret = cmd_fail("%s", err.msg);
    goto out;
  }
  int frozen = ex.st.cgroup_path ? cgroup_is_frozen(ex.st.cgroup_path) : -1;
  bool paused = ex.status == RT_STATUS_PAUSED || (ex.status != RT_STATUS_STOPPED && frozen == 1);
  if (ex.status == RT_STATUS_STOPPED || ex.status == RT_STATUS_CREATING) {
    ret = cmd_fail("container %s is not running", id);
    goto out;
  }
  if (freeze && paused) {
    ret = cmd_fail("container %s is already paused", id);
    goto out;
  }
  if (!freeze && !paused) {
    ret = cmd_fail("container %s is not paused", id);
    goto out;
  }
  if (!ex.st.cgroup_path) {
    ret = cmd_fail("container %s has no cgroup to %s", id, name);
    goto out;
  }
  if (cgroup_freeze(ex.st.cgroup_path, freeze, &err) < 0) {
    ret = cmd_fail("%s %s: %s", name, id, err.msg);
    goto out;
  }
  ret = 0;
out:
  existing_close(&ex);
  return ret;
}

CMD(pause) {
  return cmd_freeze_common(g, "pause", argc, argv, true);
}
