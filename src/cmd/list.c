/* rt list: the containers under --root as runc prints them: a table (ID PID
 * STATUS BUNDLE CREATED OWNER), their ids (-q), or a JSON array of state
 * documents (-f json; "null" when there are none, as runc). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "container.h"

static size_t num_width(long long v) {
  char buf[32];
  return (size_t)snprintf(buf, sizeof buf, "%lld", v);
}

/* Go's text/tabwriter as runc configures it: a cell is its text plus 3
 * spaces, at least 12 wide; the last column is not padded. */
#define TAB_MIN 12
#define TAB_PAD 3

static void print_cell(const char *s, size_t width) {
  fputs(s, stdout);
  for (size_t n = strlen(s); n < width; n++)
    fputc(' ', stdout);
}

static size_t col_width(size_t max) {
  return max + TAB_PAD < TAB_MIN ? TAB_MIN : max + TAB_PAD;
}

static void print_table(const struct container_entry *es, size_t n) {
  size_t w[5] = {strlen("ID"), strlen("PID"), strlen("STATUS"), strlen("BUNDLE"),
                 strlen("CREATED")};
  for (size_t i = 0; i < n; i++) {
    const rt_state *st = &es[i].st;
    size_t lens[5] = {
        strlen(st->id),
        num_width(es[i].status == RT_STATUS_STOPPED ? 0 : st->pid),
        strlen(rt_state_status_name(es[i].status)),
        strlen(st->bundle ? st->bundle : ""),
        strlen(st->created ? st->created : ""),
    };
    for (int c = 0; c < 5; c++)
      if (lens[c] > w[c])
        w[c] = lens[c];
  }
  for (int c = 0; c < 5; c++)
    w[c] = col_width(w[c]);
  print_cell("ID", w[0]);
  print_cell("PID", w[1]);
  print_cell("STATUS", w[2]);
  print_cell("BUNDLE", w[3]);
  print_cell("CREATED", w[4]);
  fputs("OWNER\n", stdout);
  for (size_t i = 0; i < n; i++) {
    const rt_state *st = &es[i].st;
    char pid[32];
    snprintf(pid, sizeof pid, "%d", es[i].status == RT_STATUS_STOPPED ? 0 : (int)st->pid);
    print_cell(st->id, w[0]);
    print_cell(pid, w[1]);
    print_cell(rt_state_status_name(es[i].status), w[2]);
    print_cell(st->bundle ? st->bundle : "", w[3]);
    print_cell(st->created ? st->created : "", w[4]);
    fputs(st->owner ? st->owner : "", stdout);
    fputc('\n', stdout);
  }
}

static int print_json(const struct container_entry *es, size_t n) {
  if (n == 0) {
    fputs("null\n", stdout);
    return 0;
  }
  fputc('[', stdout);
  for (size_t i = 0; i < n; i++) {
    char *json = rt_state_to_json(&es[i].st, es[i].status, false);
    if (!json)
      return -1;
    if (i)
      fputc(',', stdout);
    fputs(json, stdout);
    free(json);
  }
  fputs("]\n", stdout);
  return 0;
}

CMD(list) {
  enum { FMT_TABLE, FMT_JSON } format = FMT_TABLE;
  bool quiet = false;
  static const struct option opts[] = {
      {"format", required_argument, NULL, 'f'},
      {"quiet", no_argument, NULL, 'q'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  int c;
  while ((c = getopt_long(argc, argv, "f:qh", opts, NULL)) != -1) {
    switch (c) {
    case 'f':
      if (strcmp(optarg, "table") == 0)
        format = FMT_TABLE;
      else if (strcmp(optarg, "json") == 0)
        format = FMT_JSON;
      else
        return cmd_usage_error("list", "invalid format option \"%s\" (expected table or json)",
                               optarg);
      break;
    case 'q': quiet = true; break;
    case 'h': return cmd_help("list");
    default:
      if (optopt)
        return cmd_usage_error("list", "flag needs an argument or is not defined: %s",
                               argv[optind - 1]);
      return cmd_usage_error("list", "flag provided but not defined: %s", argv[optind - 1]);
    }
  }
  if (cmd_check_args("list", argc - optind, 0, 0))
    return 1;

  rt_error err = {0};
  struct container_entry *es = NULL;
  size_t n = 0;
  if (container_list(g->root, &es, &n, &err) < 0)
    return cmd_fail("%s", err.msg);

  int ret = 0;
  if (quiet) {
    for (size_t i = 0; i < n; i++)
      printf("%s\n", es[i].st.id);
  } else if (format == FMT_JSON) {
    if (print_json(es, n) < 0)
      ret = cmd_fail("list: out of memory");
  } else {
    print_table(es, n);
  }
  container_list_free(es, n);
  if (fflush(stdout) != 0 && !ret)
    ret = cmd_fail("list: write the output: %m");
  return ret;
}
