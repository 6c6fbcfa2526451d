/* rt create / rt run: options shared by both, then the lifecycle library. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "container.h"

static int parse_create_opts(const char *name, int argc, char **argv, struct rt_create_opts *o,
                             bool is_run) {
  enum { OPT_CONSOLE = 256, OPT_PIDFILE, OPT_NOPIVOT, OPT_NOKEYRING, OPT_PRESERVE, OPT_KEEP,
         OPT_NOSUBREAPER };
  static const struct option opts[] = {
      {"bundle", required_argument, NULL, 'b'},
      {"console-socket", required_argument, NULL, OPT_CONSOLE},
      {"pid-file", required_argument, NULL, OPT_PIDFILE},
      {"no-pivot", no_argument, NULL, OPT_NOPIVOT},
      {"no-new-keyring", no_argument, NULL, OPT_NOKEYRING},
      {"preserve-fds", required_argument, NULL, OPT_PRESERVE},
      {"detach", no_argument, NULL, 'd'},
      {"keep", no_argument, NULL, OPT_KEEP},
      {"no-subreaper", no_argument, NULL, OPT_NOSUBREAPER},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  int c;
  while ((c = getopt_long(argc, argv, is_run ? "+b:dh" : "+b:h", opts, NULL)) != -1) {
    switch (c) {
    case 'b': o->bundle = optarg; break;
    case OPT_CONSOLE: o->console_socket = optarg; break;
    case OPT_PIDFILE: o->pid_file = optarg; break;
    case OPT_NOPIVOT: o->no_pivot = true; break;
    case OPT_NOKEYRING: o->no_new_keyring = true; break;
    case OPT_PRESERVE: {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || n < 0 || n > 1 << 20)
        return cmd_usage_error(name, "--preserve-fds: invalid number \"%s\"", optarg);
      o->preserve_fds = (int)n;
      break;
    }
    case 'd':
      if (!is_run)
        return cmd_usage_error(name, "flag provided but not defined: -d");
      o->mode = RT_MODE_RUN_DETACH;
      break;
    case OPT_KEEP:
    case OPT_NOSUBREAPER:
      if (!is_run)
        return cmd_usage_error(name, "flag provided but not defined: %s", argv[optind - 1]);
      if (c == OPT_KEEP)
        o->keep = true;
      break;
    case 'h': cmd_help(name); return -1;
    default:
      return cmd_usage_error(name, "flag provided but not defined or missing its value: %s",
                             argv[optind - 1]);
    }
  }
  if (cmd_check_args(name, argc - optind, 1, 0))
    return 1;
  const char *arg = argv[optind];
  o->id = arg;
  if (is_run && !o->bundle) {
    /* `rt run bundle/` (or `rt run .`): a directory with a config.json is
     * the bundle, and its name (of its real path, for . and ..) is the
     * container's id. */
    struct stat st;
    char cfg[PATH_MAX];
    snprintf(cfg, sizeof cfg, "%s/config.json", arg);
    bool dots = strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0; /* never an id */
    if ((strchr(arg, '/') || dots || stat("config.json", &st) < 0) && stat(cfg, &st) == 0) {
      o->bundle = arg;
      size_t len = strlen(arg);
      while (len > 1 && arg[len - 1] == '/')
        len--;
      char *copy = strndup(arg, len);
      if (!copy)
        return cmd_fail("%s: out of memory", arg);
      char *base = strrchr(copy, '/');
      o->id = base ? base + 1 : copy;
      if (!*o->id || strcmp(o->id, ".") == 0 || strcmp(o->id, "..") == 0) {
        char *real = realpath(arg, NULL);
        char *rb = real ? strrchr(real, '/') : NULL;
        o->id = rb && rb[1] ? rb + 1 : "container";
      }
    }
  }
  return 0;
}

CMD(create) {
  struct rt_create_opts o = {.root = g->root, .mode = RT_MODE_CREATE, .systemd_cgroup = g->systemd_cgroup,
                            .rootless = g->is_rootless};
  int r = parse_create_opts("create", argc, argv, &o, false);
  if (r)
    return r < 0 ? 0 : r;
  rt_error err = {0};
  if (container_create(&o, &err) < 0)
    return cmd_fail("%s", err.msg);
  return 0;
}

CMD(run) {
  struct rt_create_opts o = {.root = g->root, .mode = RT_MODE_RUN, .systemd_cgroup = g->systemd_cgroup,
                            .rootless = g->is_rootless};
  int r = parse_create_opts("run", argc, argv, &o, true);
  if (r)
    return r < 0 ? 0 : r;
  rt_error err = {0};
  int status = container_create(&o, &err);
  if (status < 0)
    return cmd_fail("%s", err.msg);
  return status;
}
