/* rt state ID: print the state document of one container. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container.h"

CMD(state) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'h')
      return cmd_help("state");
    return cmd_usage_error("state", "flag provided but not defined: %s", argv[optind - 1]);
  }
  if (cmd_check_args("state", argc - optind, 1, 0))
    return 1;
  const char *id = argv[optind];
  rt_error err = {0};
  rt_state st;
  enum rt_status status = RT_STATUS_STOPPED;
  if (container_state(g->root, id, &st, &status, &err) < 0)
    return cmd_fail("%s", err.msg);
  char *json = rt_state_to_json(&st, status, true);
  rt_state_free(&st);
  if (!json)
    return cmd_fail("state: out of memory");
  fputs(json, stdout);
  if (!*json || json[strlen(json) - 1] != '\n')
    fputc('\n', stdout);
  free(json);
  if (fflush(stdout) != 0)
    return cmd_fail("state: write the output: %m");
  return 0;
}
