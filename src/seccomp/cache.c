/* A cache of compiled filters. libseccomp takes ~6 ms to turn a Docker-like
 * profile (~380 names, 3 architectures) into BPF; reading the program back
 * takes tens of microseconds. Containers of one engine share a handful of
 * profiles, so every `create` and `exec` after the first hits.
 *
 * DIR/<FNV-1a 64 of the key, hex>.bpf holds:
 *   "RTSECCOMP1\n", u32 key length, u32 instruction count (native endian),
 *   the key, the instructions.
 * The key is the canonical text of everything the program depends on: the
 * profile (actions resolved, names, args, architectures), libseccomp's
 * version and API level, the native architecture and this format's
 * version. A hit needs the whole key to be equal, not just the hash, so a
 * hash collision is a miss, never a wrong filter. The directory and the
 * files must belong to the caller and not be writable by others: a
 * program from anyone else is never loaded. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seccomp/seccomp.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

#define MAGIC "RTSECCOMP1\n"
#define MAGIC_LEN (sizeof MAGIC - 1)
#define MAX_FILE (1 << 20)

struct header {
  char magic[MAGIC_LEN];
  uint32_t key_len;
  uint32_t n_insns;
};

static void key_action(FILE *f, const char *what, const char *name, bool has, uint32_t e) {
  uint32_t v = 0;
  rt_error ignored;
  /* Already validated: the name resolves. */
  rt_seccomp_action(name, has, e, &v, "", &ignored);
  fprintf(f, "%s %08x\n", what, v);
}

char *rt_seccomp_cache_key(const oci_seccomp *s) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f)
    return NULL;
  const struct scmp_version *v = seccomp_version();
  fprintf(f, "rt seccomp cache 2 (enosys stub)\nlibseccomp %u.%u.%u api %u native %08x\n", v->major, v->minor,
          v->micro, seccomp_api_get(), seccomp_arch_native());
  key_action(f, "default", s->default_action, s->has_default_errno_ret, s->default_errno_ret);
  for (size_t i = 0; i < s->n_architectures; i++)
    fprintf(f, "arch %s\n", s->architectures[i]);
  for (size_t i = 0; i < s->n_syscalls; i++) {
    const oci_seccomp_syscall *r = &s->syscalls[i];
    key_action(f, "rule", r->action, r->has_errno_ret, r->errno_ret);
    for (size_t j = 0; j < r->n_names; j++)
      fprintf(f, " name %s\n", r->names[j] ? r->names[j] : "");
    for (size_t k = 0; k < r->n_args; k++)
      fprintf(f, " arg %u %s %llx %llx\n", r->args[k].index, r->args[k].op,
              (unsigned long long)r->args[k].value, (unsigned long long)r->args[k].value_two);
  }
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  return buf;
}

static uint64_t fnv1a(const char *s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (; *s; s++) {
    h ^= (unsigned char)*s;
    h *= 0x100000001b3ULL;
  }
  return h;
}

static void file_name(const char *key, char out[32]) {
  snprintf(out, 32, "%016llx.bpf", (unsigned long long)fnv1a(key));
}

/* Ours and written by nobody else. */
static bool trusted(const struct stat *st) {
  return st->st_uid == geteuid() && !(st->st_mode & (S_IWGRP | S_IWOTH));
}

static int open_dir_at(int at, const char *name) {
  if (mkdirat(at, name, 0700) < 0 && errno != EEXIST)
    return -1;
  int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd >= 0 && (fstat(fd, &st) < 0 || !trusted(&st))) {
    log_warn("seccomp cache: %s is not private to uid %u; not used", name, (unsigned)geteuid());
    close(fd);
    return -1;
  }
  return fd;
}

int rt_seccomp_cache_open(const char *dir) {
  if (!dir || dir[0] != '/')
    return -1;
  _cleanup_free_ char *copy = strdup(dir);
  if (!copy)
    return -1;
  /* Walk from / so that no component is a symlink, creating what is
   * missing; only the last two (ours) must be private. */
  int fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char *save = NULL;
  for (char *c = strtok_r(copy, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
    int next;
    bool last = save == NULL || *save == '\0';
    if (last)
      next = open_dir_at(fd, c);
    else {
      if (mkdirat(fd, c, 0700) < 0 && errno != EEXIST)
        next = -1;
      else
        next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    close(fd);
    fd = next;
  }
  return fd;
}

int rt_seccomp_cache_get(int dirfd, const char *key, struct rt_seccomp_prog *out) {
  char name[32];
  file_name(key, name);
  _cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !trusted(&st) ||
      st.st_size < (off_t)sizeof(struct header) || st.st_size > MAX_FILE)
    return 0;
  size_t size = (size_t)st.st_size, key_len = strlen(key);
  _cleanup_free_ char *buf = malloc(size);
  if (!buf || pread(fd, buf, size, 0) != (ssize_t)size)
    return 0;
  struct header h;
  memcpy(&h, buf, sizeof h);
  size_t insns = (size_t)h.n_insns * sizeof(struct sock_filter);
  if (memcmp(h.magic, MAGIC, MAGIC_LEN) != 0 || h.key_len != key_len || h.n_insns == 0 ||
      h.n_insns > BPF_MAXINSNS || sizeof h + key_len + insns != size ||
      memcmp(buf + sizeof h, key, key_len) != 0)
    return 0;
  void *prog = malloc(insns);
  if (!prog)
    return 0;
  memcpy(prog, buf + sizeof h + key_len, insns);
  out->insns = prog;
  out->len = h.n_insns;
  return 1;
}

/* Written as state.json is (fs_write_file_atomicat): a temporary file, then
 * renamed into place, so a reader never sees a part. */
void rt_seccomp_cache_put(int dirfd, const char *key, const struct rt_seccomp_prog *p) {
  char name[32];
  file_name(key, name);
  struct header h;
  memset(&h, 0, sizeof h);
  memcpy(h.magic, MAGIC, MAGIC_LEN);
  h.key_len = (uint32_t)strlen(key);
  h.n_insns = (uint32_t)p->len;
  size_t insns = p->len * sizeof(struct sock_filter);
  size_t len = sizeof h + h.key_len + insns;
  _cleanup_free_ char *buf = malloc(len);
  rt_error e;
  if (buf) {
    memcpy(buf, &h, sizeof h);
    memcpy(buf + sizeof h, key, h.key_len);
    memcpy(buf + sizeof h + h.key_len, p->insns, insns);
  }
  if (!buf || fs_write_file_atomicat(dirfd, name, buf, len, 0600, &e) < 0)
    log_debug("seccomp cache: could not store %s", name);
}
