/* rt ps: the processes of a container. json: an array of pids; table: ps(1)
 * with the given options, filtered to the container's processes (as runc). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "container.h"

static int print_json(const pid_t *pids, size_t n) {
  putchar('[');
  for (size_t i = 0; i < n; i++)
    printf("%s%d", i ? "," : "", (int)pids[i]);
  puts("]");
  return 0;
}

/* Run ps with args; its whole output, malloc'd. */
static char *run_ps(char **args, int nargs, int *status) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0)
    return NULL;
  _cleanup_free_ char **argv = calloc((size_t)nargs + 3, sizeof *argv);
  if (!argv)
    return NULL;
  argv[0] = "ps";
  int n = 1;
  if (nargs == 0)
    argv[n++] = "-ef";
  for (int i = 0; i < nargs; i++)
    argv[n++] = args[i];
  pid_t pid = fork();
  if (pid < 0)
    return NULL;
  if (pid == 0) {
    dup2(p[1], STDOUT_FILENO);
    execvp("ps", argv);
    fprintf(stderr, "rt: exec ps: %s\n", strerror(errno));
    _exit(127);
  }
  close(p[1]);
  size_t cap = 8192, len = 0;
  char *out = malloc(cap + 1);
  ssize_t r;
  while (out && (r = read(p[0], out + len, cap - len)) != 0) {
    if (r < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    len += (size_t)r;
    if (len == cap) {
      char *nb = realloc(out, cap * 2 + 1);
      if (!nb) {
        free(out);
        out = NULL;
        break;
      }
      out = nb;
      cap *= 2;
    }
  }
  close(p[0]);
  while (waitpid(pid, status, 0) < 0 && errno == EINTR)
    ;
  if (out)
    out[len] = '\0';
  return out;
}

/* Index of the PID column in ps's header, -1 when there is none. */
static int pid_column(const char *header) {
  _cleanup_free_ char *h = strdup(header);
  char *save = NULL;
  int i = 0;
  for (char *t = h ? strtok_r(h, " \t", &save) : NULL; t; t = strtok_r(NULL, " \t", &save), i++)
    if (strcmp(t, "PID") == 0)
      return i;
  return -1;
}

static bool line_pid_in(const char *line, int col, const pid_t *pids, size_t n) {
  _cleanup_free_ char *l = strdup(line);
  char *save = NULL;
  int i = 0;
  for (char *t = l ? strtok_r(l, " \t", &save) : NULL; t; t = strtok_r(NULL, " \t", &save), i++) {
    if (i != col)
      continue;
    long v = strtol(t, NULL, 10);
    for (size_t k = 0; k < n; k++)
      if (pids[k] == (pid_t)v)
        return true;
    return false;
  }
  return false;
}

static int print_table(char **args, int nargs, const pid_t *pids, size_t n) {
  int status = 0;
  _cleanup_free_ char *out = run_ps(args, nargs, &status);
  if (!out)
    return cmd_fail("ps: %s", strerror(errno));
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return cmd_fail("ps failed (status %d): %s", WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                    out);
  char *save = NULL;
  char *header = strtok_r(out, "\n", &save);
  int col = header ? pid_column(header) : -1;
  if (col < 0)
    return cmd_fail("couldn't find PID field in ps output");
  puts(header);
  for (char *line = strtok_r(NULL, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
    if (line_pid_in(line, col, pids, n))
      puts(line);
  return 0;
}

CMD(ps) {
  static const struct option opts[] = {
      {"format", required_argument, NULL, 'f'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
  const char *format = "table";
  int c;
  while ((c = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
    if (c == 'h')
      return cmd_help("ps");
    if (c == 'f')
      format = optarg;
    else
      return cmd_usage_error("ps", "flag provided but not defined: %s", argv[optind - 1]);
  }
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
    return cmd_fail("invalid format option \"%s\": table or json", format);
  if (cmd_check_args("ps", argc - optind, 1, 1))
    return 1;
  const char *id = argv[optind++];
  if (optind < argc && strcmp(argv[optind], "--") == 0)
    optind++;
  if (strcmp(format, "json") == 0 && optind < argc)
    return cmd_fail("ps options cannot be used with the json format");
  rt_error err = {0};
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (container_pids(g->root, id, &pids, &n, &err) < 0)
    return cmd_fail("%s", err.msg);
  if (strcmp(format, "json") == 0)
    return print_json(pids, n);
  return print_table(argv + optind, argc - optind, pids, n);
}
