/* rt start, rt kill, rt delete. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container.h"

static int only_help(const char *name, int argc, char **argv, const char *shortopts,
                     const struct option *opts, int (*each)(int c, void *), void *data) {
  int c;
  while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
    if (c == 'h') {
      cmd_help(name);
      return -1;
    }
    if (c == '?' || !each || each(c, data) < 0)
      return cmd_usage_error(name, "flag provided but not defined: %s", argv[optind - 1]);
  }
  return 0;
}

CMD(start) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int r = only_help("start", argc, argv, "h", opts, NULL, NULL);
  if (r)
    return r < 0 ? 0 : r;
  if (cmd_check_args("start", argc - optind, 1, 0))
    return 1;
  rt_error err = {0};
  if (container_start(g->root, argv[optind], &err) < 0)
    return cmd_fail("%s", err.msg);
  return 0;
}

static int set_flag(int c, void *data) {
  if (c != 'a' && c != 'f')
    return -1;
  *(bool *)data = true;
  return 0;
}

CMD(kill) {
  static const struct option opts[] = {
      {"all", no_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  bool all = false;
  int r = only_help("kill", argc, argv, "ah", opts, set_flag, &all);
  if (r)
    return r < 0 ? 0 : r;
  int n = argc - optind;
  if (cmd_check_args("kill", n, 1, 1) || cmd_check_args("kill", n, 2, 2))
    return 1;
  int sig = SIGTERM;
  if (n == 2) {
    sig = signal_parse(argv[optind + 1]);
    if (sig < 0)
      return cmd_fail("unknown signal \"%s\"", argv[optind + 1]);
  }
  rt_error err = {0};
  if (container_kill(g->root, argv[optind], sig, all, &err) < 0)
    return cmd_fail("%s", err.msg);
  return 0;
}

CMD(delete) {
  static const struct option opts[] = {
      {"force", no_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  bool force = false;
  int r = only_help("delete", argc, argv, "fh", opts, set_flag, &force);
  if (r)
    return r < 0 ? 0 : r;
  if (cmd_check_args("delete", argc - optind, 1, 0))
    return 1;
  rt_error err = {0};
  if (container_delete(g->root, argv[optind], force, &err) < 0)
    return cmd_fail("%s", err.msg);
  return 0;
}
