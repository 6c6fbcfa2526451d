/* rt: the queries that only read the state store: one container's state
 * (rt state) and every container's (rt list). They never wait for another
 * command once a container's state.json exists: it is only ever replaced
 * whole (rename), so a reader sees it before or after that command. */
#include "config.h"
#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "state.h"
#include "util/cleanup.h"
#include "util/log.h"

/* A container that another command holds locked (create, start, delete) is
 * read without waiting when its state.json exists. Without state.json it is
 * being created: wait for the creator. */
int container_state(const char *root, const char *id, rt_state *st, enum rt_status *status,
                    rt_error *err) {
  if (rt_state_id_validate(id, err) < 0)
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

/* One container's state; 1 when read, 0 when skipped (being created, or
 * deleted meanwhile), negative with err filled when unreadable. */
static int load_entry(int rootfd, const char *id, struct container_entry *e, rt_error *err) {
  _cleanup_close_ int dirfd = openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirfd < 0)
    return errno == ENOENT ? 0 : rt_error_set(err, errno, "open the state of %s", id);
  int locked = rt_state_try_lock(dirfd, false, err);
  if (locked < 0)
    return -1;
  if (faccessat(dirfd, "state.json", F_OK, AT_SYMLINK_NOFOLLOW) < 0) {
    if (errno != ENOENT)
      return rt_error_set(err, errno, "state.json");
    /* locked by its creator: not there yet */
    return locked ? rt_error_set(err, 0, "no state.json") : 0;
  }
  if (rt_state_read(dirfd, &e->st, err) < 0) {
    if (faccessat(rootfd, id, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
      return 0;
    return -1;
  }
  e->status = rt_state_status(dirfd, &e->st);
  return 1;
}

int container_list(const char *root, struct container_entry **entries, size_t *n,
                   rt_error *err) {
  *entries = NULL;
  *n = 0;
  _cleanup_close_ int rootfd = rt_state_root_open(root, err);
  if (rootfd < 0)
    return -1;
  _cleanup_strv_ char **ids = NULL;
  size_t n_ids = 0;
  if (rt_state_list_ids(rootfd, &ids, &n_ids, err) < 0)
    return -1;
  struct container_entry *es = calloc(n_ids ? n_ids : 1, sizeof *es);
  if (!es)
    return rt_error_set(err, ENOMEM, "list");
  size_t k = 0;
  for (size_t i = 0; i < n_ids; i++) {
    rt_error e = {0};
    int r = load_entry(rootfd, ids[i], &es[k], &e);
    if (r < 0)
      log_warn("skipping container %s: %s", ids[i], e.msg);
    else if (r > 0)
      k++;
  }
  *entries = es;
  *n = k;
  return 0;
}

void container_list_free(struct container_entry *entries, size_t n) {
  for (size_t i = 0; entries && i < n; i++)
    rt_state_free(&entries[i].st);
  free(entries);
}
