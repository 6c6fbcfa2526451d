/* rt: the command line. One file per subcommand; each parses its argv
 * (argv[0] is the subcommand's name), calls the library (container.h) and
 * returns the process exit status. cmd/ includes only this header and
 * container.h. */
#pragma once
#include <stdbool.h>

#include "util/cleanup.h"
#include "util/log.h"
#include "util/signal.h"

typedef struct rt_globals {
  const char *root;        /* --root, default /run/rt */
  const char *log;         /* --log */
  enum rt_log_format log_format;
  bool debug;
  bool systemd_cgroup;
  const char *rootless;    /* auto|true|false */
  bool is_rootless;        /* what --rootless resolved to */
} rt_globals;

typedef struct rt_command {
  const char *name;
  int (*fn)(rt_globals *g, int argc, char **argv);
  const char *summary;
  const char *usage; /* full help text of the subcommand */
} rt_command;

/* Print "rt: MSG" and the command's help to stderr; returns exit status 1. */
int cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print the help of a command to stdout; returns 0. */
int cmd_help(const char *cmd);
/* Checks the number of positional args; prints a usage error and returns 1 on mismatch,
 * 0 when fine. kind: 0 exact, 1 minimum, 2 maximum. */
int cmd_check_args(const char *cmd, int have, int want, int kind);
/* Report an error (stderr + log) and return exit status 1. */
int cmd_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

const rt_command *cmd_find(const char *name);
extern const rt_command rt_commands[];

/* The entry point of each subcommand, defined in its file. */
#define CMD_DECL(name) int cmd_##name(rt_globals *g, int argc, char **argv)
#define CMD(name) int cmd_##name(rt_globals *g, int argc, char **argv)
CMD_DECL(create);
CMD_DECL(start);
CMD_DECL(run);
CMD_DECL(kill);
CMD_DECL(delete);
CMD_DECL(state);
CMD_DECL(list);
CMD_DECL(spec);
CMD_DECL(features);
CMD_DECL(update);
CMD_DECL(pause);
CMD_DECL(resume);
CMD_DECL(ps);
CMD_DECL(events);
CMD_DECL(exec);
CMD_DECL(checkpoint);
CMD_DECL(restore);
