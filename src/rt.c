/* rt: an OCI runtime. main: global flags (as runc), then dispatch. */
#include "config.h"

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "container.h"

static const char global_usage[] =
    "Usage: rt [global options] COMMAND [command options] [arguments...]\n"
    "\n"
    "rt is an OCI runtime: it creates and runs containers from OCI bundles\n"
    "(a config.json and a root filesystem), with the runc command line.\n"
    "\n"
    "Global options:\n"
    "  --root DIR              directory for container state (default /run/rt)\n"
    "  --log FILE              write log lines to FILE (errors also go to stderr)\n"
    "  --log-format text|json  format of the log lines (default text)\n"
    "  --debug                 log debug messages\n"
    "  --systemd-cgroup        use the systemd cgroup driver (cgroupsPath slice:prefix:name)\n"
    "  --rootless auto|true|false  rootless mode (default auto)\n"
    "  --criu PATH             accepted for runc compatibility, unused\n"
    "  -v, --version           print the version\n"
    "  -h, --help              print this help\n"
    "\n"
    "Commands:\n";

static void print_global_usage(FILE *f) {
  fputs(global_usage, f);
  for (const rt_command *c = rt_commands; c->name; c++)
    fprintf(f, "  %-12s %s\n", c->name, c->summary);
  fputs("\nRun 'rt COMMAND --help' for a command's options.\n", f);
}

/* --rootless auto: rootless when not root, or when root of a user namespace
 * other than the host's (/proc/self/uid_map is not the identity map). */
static bool rootless_mode(const char *flag) {
  if (strcmp(flag, "true") == 0)
    return true;
  if (strcmp(flag, "false") == 0)
    return false;
  return geteuid() != 0 || container_runtime_in_userns();
}

/* runc's rule for its default --root: $XDG_RUNTIME_DIR for an unprivileged
 * user, and for uid 0 in a user namespace unless $USER is root (rootless
 * podman runs its runtime so, and passes no --root); the real root keeps
 * /run even with an XDG_RUNTIME_DIR of /run/user/0. */
static bool honour_xdg_runtime_dir(void) {
  if (geteuid() != 0)
    return true;
  if (!container_runtime_in_userns())
    return false;
  const char *user = getenv("USER");
  return !user || strcmp(user, "root") != 0;
}

static void print_version(void) {
  printf("rt version %s\nspec: 1.3.0\n", PACKAGE_VERSION);
}

/* The commands that start a process in a container: they run from a binary
 * that cannot be written through /proc/self/exe (container_runtime_seal). */
static bool starts_container_process(const char *name) {
  return strcmp(name, "create") == 0 || strcmp(name, "run") == 0 || strcmp(name, "exec") == 0;
}

int main(int argc, char **argv) {
  container_runtime_seal_forget();
  /* A write to a pipe or socket whose reader is gone (a hook that ignores
   * its stdin, a caller that closed our stdout) is an EPIPE to handle, not
   * a silent death with status 141. Every child rt starts resets it. */
  signal(SIGPIPE, SIG_IGN);
  rt_globals g = {.root = NULL, .log_format = RT_LOG_TEXT, .rootless = "auto"};
  enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_ROOTLESS, OPT_CRIU };
  static const struct option opts[] = {
      {"root", required_argument, NULL, OPT_ROOT},
      {"log", required_argument, NULL, OPT_LOG},
      {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
      {"debug", no_argument, NULL, OPT_DEBUG},
      {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
      {"rootless", required_argument, NULL, OPT_ROOTLESS},
      {"criu", required_argument, NULL, OPT_CRIU},
      {"version", no_argument, NULL, 'v'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  const char *log_format = "text";
  int c;
  opterr = 0;
  /* '+': stop at the first non-option (the command); long-only: runc (urfave/cli)
   * accepts -root as well as --root. */
  while ((c = getopt_long_only(argc, argv, "+vh", opts, NULL)) != -1) {
    switch (c) {
    case OPT_ROOT: g.root = optarg; break;
    case OPT_LOG: g.log = optarg; break;
    case OPT_LOG_FORMAT: log_format = optarg; break;
    case OPT_DEBUG: g.debug = true; break;
    case OPT_SYSTEMD: g.systemd_cgroup = true; break;
    case OPT_ROOTLESS: g.rootless = optarg; break;
    case OPT_CRIU: break;
    case 'v': print_version(); return 0;
    case 'h': print_global_usage(stdout); return 0;
    case ':':
    default:
      if (optopt && optopt < 256)
        fprintf(stderr, "rt: flag provided but not defined: -%c\n\n", optopt);
      else if (c == '?' && optopt)
        fprintf(stderr, "rt: flag needs an argument: %s\n\n", argv[optind - 1]);
      else
        fprintf(stderr, "rt: flag provided but not defined: %s\n\n", argv[optind - 1]);
      print_global_usage(stderr);
      return 1;
    }
  }
  if (strcmp(log_format, "text") == 0)
    g.log_format = RT_LOG_TEXT;
  else if (strcmp(log_format, "json") == 0)
    g.log_format = RT_LOG_JSON;
  else {
    fprintf(stderr, "rt: --log-format: unknown format '%s' (expected text or json)\n", log_format);
    return 1;
  }
  if (strcmp(g.rootless, "auto") && strcmp(g.rootless, "true") && strcmp(g.rootless, "false")) {
    fprintf(stderr, "rt: --rootless: invalid value '%s' (expected auto, true or false)\n",
            g.rootless);
    return 1;
  }
  g.is_rootless = rootless_mode(g.rootless);
  /* Without --root: /run/rt, or $XDG_RUNTIME_DIR/rt as runc uses
   * $XDG_RUNTIME_DIR/runc (see honour_xdg_runtime_dir). */
  _cleanup_free_ char *xdg_root = NULL;
  if (!g.root) {
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && *xdg && honour_xdg_runtime_dir() && asprintf(&xdg_root, "%s/rt", xdg) > 0)
      g.root = xdg_root;
    else
      g.root = "/run/rt";
  }
  if (g.root[0] == '\0') {
    fprintf(stderr, "rt: --root: must not be empty\n");
    return 1;
  }
  int r = rt_log_init(g.log, g.log_format, g.debug);
  if (r < 0) {
    fprintf(stderr, "rt: --log %s: %s\n", g.log, strerror(-r));
    return 1;
  }

  if (optind >= argc) {
    print_global_usage(stdout);
    return 0;
  }
  const char *name = argv[optind];
  if (strcmp(name, "help") == 0) {
    if (optind + 1 < argc)
      return cmd_help(argv[optind + 1]);
    print_global_usage(stdout);
    return 0;
  }
  const rt_command *cmd = cmd_find(name);
  if (!cmd) {
    fprintf(stderr, "rt: no such command: %s\n\n", name);
    print_global_usage(stderr);
    return 1;
  }
  if (starts_container_process(name)) {
    rt_error err;
    if (container_runtime_seal(argv, &err) < 0) {
      rt_log(RT_LOG_ERROR, "%s", err.msg);
      return 1;
    }
  }
  int first = optind;
  optind = 0; /* reset getopt for the subcommand (GNU: full re-initialisation) */
  opterr = 0;
  return cmd->fn(&g, argc - first, argv + first);
}
