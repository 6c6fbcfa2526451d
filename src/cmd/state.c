/* rt state ID: print the state document of one container. */
#include "config.h"

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "state.h"
#include "util/cleanup.h"

/* Read the state of ROOT/ID under a shared lock. A container that another
 * command holds locked (create, start, delete) is read without waiting when
 * its state.json exists: it is only ever replaced whole (rename), so the
 * reader sees the state before or after that command, never a mix. Without
 * state.json the container is being created: wait for the creator. */
static int read_state(const char *root, const char *id, rt_state *st, enum rt_status *status,
                      rt_error *err) {
  if (rt_id_validate(id, err) < 0)
    return -1;
  _cleanup_close_ int rootfd = rt_state_root_open(root, err);
  if (rootfd < 0)
    return -1;
  _cleanup_close_ int dirfd = rt_state_dir_open(rootfd, id, err);
  if (dirfd < 0)
    return -1;
  int locked = rt_state_try_lock(dirfd, false, err);
  if (locked < 0)
    return -1;
  if (!locked && faccessat(dirfd, "state.json", F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
      rt_state_lock(dirfd, false, err) < 0)
    return -1;
  if (rt_state_read(dirfd, st, err) < 0) {
    /* deleted while we waited */
    if (faccessat(rootfd, id, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
      return rt_error_set(err, 0, "container \"%s\" does not exist", id);
    return -1;
  }
  *status = rt_state_status(dirfd, st);
  return 0;
}

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
  if (read_state(g->root, id, &st, &status, &err) < 0)
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
