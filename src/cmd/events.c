/* rt events: runc's event stream, one JSON object a line:
 *   {"type":"stats","id":ID,"data":{...}}   every --interval (or once: --stats)
 *   {"type":"oom","id":ID}                  when the kernel's OOM killer acts
 * It ends when the container is gone or stopped. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container.h"

/* A Go duration: "5s", "100ms", "1m30s", "1.5h"; milliseconds, -1 when invalid. */
static long long parse_duration_ms(const char *s) {
  static const struct {
    const char *unit;
    double ms;
  } units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3}, {"ms", 1}, {"s", 1e3}, {"m", 6e4}, {"h", 3.6e6}};
  double total = 0;
  if (!*s)
    return -1;
  while (*s) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
      return -1;
    s = end;
    size_t best = 0, best_len = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
      size_t l = strlen(units[i].unit);
      if (strncmp(s, units[i].unit, l) == 0 && l > best_len)
        best = i, best_len = l;
    }
    if (!best_len)
      return -1;
    total += v * units[best].ms;
    s += best_len;
  }
  return (long long)(total + 0.999);
}

static void print_line(const char *line, void *arg) {
  (void)arg;
  puts(line);
  fflush(stdout);
}

CMD(events) {
  enum { OPT_INTERVAL = 256, OPT_STATS };
  static const struct option opts[] = {{"interval", required_argument, NULL, OPT_INTERVAL},
                                       {"stats", no_argument, NULL, OPT_STATS},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  long long interval = 5000;
  bool once = false;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'h')
      return cmd_help("events");
    if (c == OPT_STATS) {
      once = true;
    } else if (c == OPT_INTERVAL) {
      interval = parse_duration_ms(optarg);
      if (interval <= 0)
        return cmd_fail("duration of --interval must be greater than 0: \"%s\"", optarg);
    } else {
      return cmd_usage_error("events", "flag provided but not defined: %s", argv[optind - 1]);
    }
  }
  if (cmd_check_args("events", argc - optind, 1, 0))
    return 1;
  rt_error err = {0};
  if (container_events(g->root, argv[optind], interval, once, print_line, NULL, &err) < 0)
    return cmd_fail("%s", err.msg);
  return 0;
}
