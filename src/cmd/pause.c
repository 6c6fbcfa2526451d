/* rt pause / rt resume: freeze or thaw every process of a container
 * (freezer / cgroup.freeze). */
#include "config.h"

#include <getopt.h>

#include "cmd/cmd.h"
#include "container.h"

static int freeze_cmd(rt_globals *g, const char *name, int argc, char **argv, bool freeze) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'h')
      return cmd_help(name);
    return cmd_usage_error(name, "flag provided but not defined: %s", argv[optind - 1]);
  }
  if (cmd_check_args(name, argc - optind, 1, 0))
    return 1;
  rt_error err = {0};
  int r = freeze ? container_pause(g->root, argv[optind], &err)
                 : container_resume(g->root, argv[optind], &err);
  return r < 0 ? cmd_fail("%s", err.msg) : 0;
}

CMD(pause) {
  return freeze_cmd(g, "pause", argc, argv, true);
}

CMD(resume) {
  return freeze_cmd(g, "resume", argc, argv, false);
}
