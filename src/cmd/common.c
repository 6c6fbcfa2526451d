/* Shared helpers of the subcommands: usage errors, argument counts, help. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"

const rt_command *cmd_find(const char *name) {
  for (const rt_command *c = rt_commands; c->name; c++)
    if (strcmp(c->name, name) == 0)
      return c;
  return NULL;
}

int cmd_help(const char *name) {
  const rt_command *c = cmd_find(name);
  if (!c) {
    fprintf(stderr, "rt: no such command: %s\n", name);
    return 1;
  }
  fputs(c->usage, stdout);
  return 0;
}

int cmd_usage_error(const char *name, const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  log_error("%s", msg);
  const rt_command *c = cmd_find(name);
  if (c) {
    fputc('\n', stderr);
    fputs(c->usage, stderr);
  }
  return 1;
}

int cmd_check_args(const char *name, int have, int want, int kind) {
  if (kind == 0 && have != want)
    return cmd_usage_error(name, "\"%s\" requires exactly %d argument(s)", name, want);
  if (kind == 1 && have < want)
    return cmd_usage_error(name, "\"%s\" requires a minimum of %d argument(s)", name, want);
  if (kind == 2 && have > want)
    return cmd_usage_error(name, "\"%s\" requires a maximum of %d argument(s)", name, want);
  return 0;
}

int cmd_fail(const char *fmt, ...) {
  char msg[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  log_error("%s", msg);
  return 1;
}
