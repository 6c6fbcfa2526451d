/* rt checkpoint / rt restore: runc's flags, then the library's CRIU
 * support (container_checkpoint, container_restore). */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container.h"

enum {
  OPT_IMAGE = 256, OPT_WORK, OPT_PARENT, OPT_LEAVE, OPT_TCP, OPT_EXTUNIX, OPT_SHELL, OPT_LAZY,
  OPT_STATUSFD, OPT_PAGESERVER, OPT_LOCKS, OPT_PREDUMP, OPT_CGMODE, OPT_EMPTYNS, OPT_DEDUP,
  OPT_CONSOLE, OPT_PIDFILE, OPT_NOSUBREAPER, OPT_NOPIVOT,
};

/* The options both commands share; 1 when c is one of them. */
static int criu_option(int c, struct rt_criu_opts *o) {
  switch (c) {
  case OPT_IMAGE: o->image_path = optarg; return 1;
  case OPT_WORK: o->work_path = optarg; return 1;
  case OPT_TCP: o->tcp_established = true; return 1;
  case OPT_EXTUNIX: o->ext_unix_sk = true; return 1;
  case OPT_SHELL: o->shell_job = true; return 1;
  case OPT_LAZY: o->lazy_pages = true; return 1;
  case OPT_LOCKS: o->file_locks = true; return 1;
  case OPT_CGMODE: o->manage_cgroups_mode = optarg; return 1;
  case OPT_EMPTYNS: o->empty_ns = optarg; return 1;
  case OPT_DEDUP: o->auto_dedup = true; return 1;
  default: return 0;
  }
}

#define CRIU_COMMON_OPTS                                                                      \
  {"image-path", required_argument, NULL, OPT_IMAGE},                                          \
      {"work-path", required_argument, NULL, OPT_WORK},                                        \
      {"tcp-established", no_argument, NULL, OPT_TCP},                                         \
      {"ext-unix-sk", no_argument, NULL, OPT_EXTUNIX},                                         \
      {"shell-job", no_argument, NULL, OPT_SHELL}, {"lazy-pages", no_argument, NULL, OPT_LAZY}, \
      {"file-locks", no_argument, NULL, OPT_LOCKS},                                            \
      {"manage-cgroups-mode", required_argument, NULL, OPT_CGMODE},                            \
      {"empty-ns", required_argument, NULL, OPT_EMPTYNS},                                      \
      {"auto-dedup", no_argument, NULL, OPT_DEDUP}, {"help", no_argument, NULL, 'h'}

CMD(checkpoint) {
  static const struct option opts[] = {
      CRIU_COMMON_OPTS,
      {"parent-path", required_argument, NULL, OPT_PARENT},
      {"leave-running", no_argument, NULL, OPT_LEAVE},
      {"status-fd", required_argument, NULL, OPT_STATUSFD},
      {"page-server", required_argument, NULL, OPT_PAGESERVER},
      {"pre-dump", no_argument, NULL, OPT_PREDUMP},
      {NULL, 0, NULL, 0},
  };
  struct rt_criu_opts o = {.status_fd = -1};
  int c;
  while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
    if (criu_option(c, &o))
      continue;
    switch (c) {
    case OPT_PARENT: o.parent_path = optarg; break;
    case OPT_LEAVE: o.leave_running = true; break;
    case OPT_PAGESERVER: o.page_server = optarg; break;
    case OPT_PREDUMP: o.pre_dump = true; break;
    case OPT_STATUSFD: {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (!*optarg || *end || n < -1 || n > 1 << 20)
        return cmd_usage_error("checkpoint", "--status-fd: invalid number \"%s\"", optarg);
      o.status_fd = (int)n;
      break;
    }
    case 'h': return cmd_help("checkpoint");
    default:
      return cmd_usage_error("checkpoint", "flag provided but not defined or missing its value: %s",
                             argv[optind - 1]);
    }
  }
  if (cmd_check_args("checkpoint", argc - optind, 1, 0))
    return 1;
  rt_error err = {0};
  return container_checkpoint(g->root, argv[optind], &o, &err) < 0 ? cmd_fail("%s", err.msg) : 0;
}

CMD(restore) {
  static const struct option opts[] = {
      CRIU_COMMON_OPTS,
      {"bundle", required_argument, NULL, 'b'},
      {"detach", no_argument, NULL, 'd'},
      {"pid-file", required_argument, NULL, OPT_PIDFILE},
      {"console-socket", required_argument, NULL, OPT_CONSOLE},
      {"no-subreaper", no_argument, NULL, OPT_NOSUBREAPER},
      {"no-pivot", no_argument, NULL, OPT_NOPIVOT},
      {NULL, 0, NULL, 0},
  };
  struct rt_criu_opts ro = {.status_fd = -1};
  struct rt_create_opts o = {.root = g->root, .systemd_cgroup = g->systemd_cgroup,
                             .rootless = g->is_rootless, .mode = RT_MODE_RUN, .restore = &ro};
  int c;
  while ((c = getopt_long(argc, argv, "+b:dh", opts, NULL)) != -1) {
    if (criu_option(c, &ro))
      continue;
    switch (c) {
    case 'b': o.bundle = optarg; break;
    case 'd': o.mode = RT_MODE_RUN_DETACH; break;
    case OPT_PIDFILE: o.pid_file = optarg; break;
    case OPT_CONSOLE: o.console_socket = optarg; break;
    case OPT_NOSUBREAPER: o.no_subreaper = true; break;
    case OPT_NOPIVOT: o.no_pivot = true; break;
    case 'h': return cmd_help("restore");
    default:
      return cmd_usage_error("restore", "flag provided but not defined or missing its value: %s",
                             argv[optind - 1]);
    }
  }
  if (cmd_check_args("restore", argc - optind, 1, 0))
    return 1;
  o.id = argv[optind];
  if (!o.bundle)
    o.bundle = ".";
  rt_error err = {0};
  int r = container_restore(&o, &err);
  return r < 0 ? cmd_fail("%s", err.msg) : r;
}
