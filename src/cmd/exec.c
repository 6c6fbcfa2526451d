/* rt exec: runc's flags, then the library's container_exec. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container.h"

CMD(exec) {
  enum { OPT_CONSOLE = 256, OPT_CWD, OPT_LABEL, OPT_APPARMOR, OPT_NNP, OPT_PRESERVE, OPT_PIDFILE,
         OPT_IGNORE_PAUSED, OPT_CGROUP };
  static const struct option opts[] = {
      {"console-socket", required_argument, NULL, OPT_CONSOLE},
      {"cwd", required_argument, NULL, OPT_CWD},
      {"env", required_argument, NULL, 'e'},
      {"tty", no_argument, NULL, 't'},
      {"user", required_argument, NULL, 'u'},
      {"additional-gids", required_argument, NULL, 'g'},
      {"process", required_argument, NULL, 'p'},
      {"detach", no_argument, NULL, 'd'},
      {"pid-file", required_argument, NULL, OPT_PIDFILE},
      {"process-label", required_argument, NULL, OPT_LABEL},
      {"apparmor", required_argument, NULL, OPT_APPARMOR},
      {"no-new-privs", no_argument, NULL, OPT_NNP},
      {"cap", required_argument, NULL, 'c'},
      {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
      {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
      {"cgroup", required_argument, NULL, OPT_CGROUP},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  struct rt_exec_opts o = {.root = g->root};
  char *env[256], *caps[64];
  uint32_t gids[256];
  int c;
  while ((c = getopt_long(argc, argv, "+e:tu:g:p:dc:h", opts, NULL)) != -1) {
    switch (c) {
    case OPT_CONSOLE: o.console_socket = optarg; break;
    case OPT_CWD: o.cwd = optarg; break;
    case 'e':
      if (o.nenv >= (int)(sizeof env / sizeof *env))
        return cmd_usage_error("exec", "too many --env");
      if (!strchr(optarg, '='))
        return cmd_usage_error("exec", "--env %s: expected KEY=VALUE", optarg);
      env[o.nenv++] = optarg;
      break;
    case 't': o.tty = o.tty_given = true; break;
    case 'u': o.user = optarg; break;
    case 'g': {
      char *copy = strdup(optarg), *save = NULL;
      if (!copy)
        return cmd_fail("--additional-gids: out of memory");
      for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        char *end;
        unsigned long v = strtoul(t, &end, 10);
        if (*end || end == t || *t == '-' || v > 2147483647UL || o.n_additional_gids >= 256)
          return cmd_usage_error("exec", "--additional-gids %s: expected gids from 0 to 2147483647",
                                 optarg);
        gids[o.n_additional_gids++] = (uint32_t)v;
      }
      free(copy);
      break;
    }
    case 'p': o.process_file = optarg; break;
    case 'd': o.detach = true; break;
    case OPT_PIDFILE: o.pid_file = optarg; break;
    case OPT_LABEL: o.process_label = optarg; break;
    case OPT_APPARMOR: o.apparmor = optarg; break;
    case OPT_NNP: o.no_new_privs = true; break;
    case 'c':
      if (o.ncaps >= (int)(sizeof caps / sizeof *caps))
        return cmd_usage_error("exec", "too many --cap");
      caps[o.ncaps++] = optarg;
      break;
    case OPT_PRESERVE: {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || n < 0 || n > 1 << 20)
        return cmd_usage_error("exec", "--preserve-fds: invalid number \"%s\"", optarg);
      o.preserve_fds = (int)n;
      break;
    }
    case OPT_IGNORE_PAUSED: o.ignore_paused = true; break;
    case OPT_CGROUP: {
      /* repeatable, as runc's: one spec per line */
      char *joined = NULL;
      if (asprintf(&joined, "%s%s%s", o.cgroup ? o.cgroup : "", o.cgroup ? "\n" : "", optarg) < 0)
        return cmd_fail("--cgroup: out of memory");
      o.cgroup = joined;
      break;
    }
    case 'h': return cmd_help("exec");
    default:
      return cmd_usage_error("exec", "flag provided but not defined or missing its value: %s",
                             argv[optind - 1]);
    }
  }
  int n = argc - optind;
  if (cmd_check_args("exec", n, o.process_file ? 1 : 2, o.process_file ? 0 : 1))
    return 1;
  o.id = argv[optind];
  o.args = argv + optind + 1;
  o.nargs = n - 1;
  o.env = env;
  o.caps = caps;
  o.additional_gids = gids;
  rt_error err = {0};
  int status = container_exec(&o, &err);
  if (status < 0) {
    /* runc's code for exec's own failures (not the process's status),
     * which containerd's shim and conmon tell from the process's. */
    cmd_fail("%s", err.msg);
    return 255;
  }
  return status;
}
