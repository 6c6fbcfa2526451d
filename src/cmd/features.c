/* rt features: print the features document of this build. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "container.h"

CMD(features) {
  static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'h')
      return cmd_help("features");
    return cmd_usage_error("features", "flag provided but not defined: %s", argv[optind - 1]);
  }
  if (cmd_check_args("features", argc - optind, 0, 0))
    return 1;
  char *json = rt_features_json(true);
  if (!json)
    return cmd_fail("features: out of memory");
  fputs(json, stdout);
  free(json);
  if (fflush(stdout) != 0)
    return cmd_fail("features: write the output: %m");
  return 0;
}
