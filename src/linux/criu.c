/* rt: CRIU's RPC, by hand. criu_req and criu_resp are protobuf (proto2)
 * messages; rt writes the few fields of criu_opts it needs (varints and
 * length-delimited strings and sub-messages, field numbers from
 * /usr/include/criu/rpc.proto) and reads the few of criu_resp it needs,
 * skipping the others. A dependency on libprotobuf-c and a generated file
 * for about thirty fields was not worth it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/criu.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

/* ---- encoding ---- */

struct pb {
  uint8_t *b;
  size_t len, cap;
  bool oom;
};

static void pb_put(struct pb *p, const void *d, size_t n) {
  if (p->oom)
    return;
  if (p->len + n > p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 256;
    while (cap < p->len + n)
      cap *= 2;
    uint8_t *nb = realloc(p->b, cap);
    if (!nb) {
      p->oom = true;
      return;
    }
    p->b = nb;
    p->cap = cap;
  }
  memcpy(p->b + p->len, d, n);
  p->len += n;
}

static void pb_varint(struct pb *p, uint64_t v) {
  uint8_t buf[10];
  size_t n = 0;
  do {
    buf[n] = v & 0x7f;
    v >>= 7;
    if (v)
      buf[n] |= 0x80;
    n++;
  } while (v);
  pb_put(p, buf, n);
}

static void pb_key(struct pb *p, unsigned field, unsigned wire) {
  pb_varint(p, ((uint64_t)field << 3) | wire);
}

/* int32 is sign-extended to 64 bits on the wire. */
static void pb_int(struct pb *p, unsigned field, int64_t v) {
  pb_key(p, field, 0);
  pb_varint(p, (uint64_t)v);
}

static void pb_bool(struct pb *p, unsigned field, bool v) {
  if (v)
    pb_int(p, field, 1);
}

static void pb_bytes(struct pb *p, unsigned field, const void *d, size_t n) {
  pb_key(p, field, 2);
  pb_varint(p, n);
  pb_put(p, d, n);
}

static void pb_str(struct pb *p, unsigned field, const char *s) {
  if (s)
    pb_bytes(p, field, s, strlen(s));
}

static void pb_sub(struct pb *p, unsigned field, struct pb *sub) {
  if (sub->oom)
    p->oom = true;
  pb_bytes(p, field, sub->b, sub->len);
  free(sub->b);
  *sub = (struct pb){0};
}

static void pb_kv(struct pb *p, unsigned field, unsigned kf, const char *k, unsigned vf,
                  const char *v) {
  struct pb sub = {0};
  pb_str(&sub, kf, k);
  pb_str(&sub, vf, v);
  pb_sub(p, field, &sub);
}

static void encode_opts(struct pb *o, const struct criu_request *rq) {
  pb_int(o, 1, rq->images_dir_fd);
  if (rq->pid > 0)
    pb_int(o, 2, rq->pid);
  pb_bool(o, 3, rq->leave_running);
  pb_bool(o, 4, rq->ext_unix_sk);
  pb_bool(o, 5, rq->tcp_established);
  pb_bool(o, 7, rq->shell_job);
  pb_bool(o, 8, rq->file_locks);
  pb_int(o, 9, 4); /* log_level: everything, for the log rt points at */
  pb_str(o, 10, rq->log_file);
  if (rq->ps_address) {
    struct pb ps = {0};
    pb_str(&ps, 1, rq->ps_address);
    pb_int(&ps, 2, rq->ps_port);
    pb_sub(o, 11, &ps);
  }
  pb_bool(o, 12, rq->notify_scripts);
  pb_str(o, 13, rq->root);
  pb_str(o, 14, rq->parent_img);
  pb_bool(o, 15, rq->track_mem);
  pb_bool(o, 16, rq->auto_dedup);
  if (rq->work_dir_fd >= 0)
    pb_int(o, 17, rq->work_dir_fd);
  for (size_t i = 0; i < rq->n_ext_mnt; i++)
    pb_kv(o, 23, 1, rq->ext_mnt[i].key, 2, rq->ext_mnt[i].val);
  pb_bool(o, 24, true); /* manage_cgroups */
  for (size_t i = 0; i < rq->n_cg_root; i++)
    pb_kv(o, 25, 1, *rq->cg_root[i].key ? rq->cg_root[i].key : NULL, 2, rq->cg_root[i].val);
  pb_bool(o, 26, rq->rst_sibling);
  for (size_t i = 0; i < rq->n_inherit_fd; i++) {
    struct pb sub = {0};
    pb_str(&sub, 1, rq->inherit_fd[i].key);
    pb_int(&sub, 2, rq->inherit_fd[i].fd);
    pb_sub(o, 27, &sub);
  }
  if (rq->cg_mode >= 0)
    pb_int(o, 34, rq->cg_mode);
  for (size_t i = 0; i < rq->n_external; i++)
    pb_str(o, 37, rq->external[i]);
  if (rq->empty_ns)
    pb_int(o, 38, rq->empty_ns);
  pb_str(o, 44, rq->freeze_cgroup);
  pb_bool(o, 48, rq->lazy_pages);
  if (rq->status_fd >= 0)
    pb_int(o, 49, rq->status_fd);
  pb_bool(o, 50, rq->orphan_pts_master);
  pb_str(o, 51, rq->config_file);
}

int criu_encode_request(const struct criu_request *rq, uint8_t **out, size_t *len) {
  struct pb p = {0}, o = {0};
  pb_int(&p, 1, rq->kind);
  encode_opts(&o, rq);
  pb_sub(&p, 2, &o);
  if (p.oom) {
    free(p.b);
    return -ENOMEM;
  }
  *out = p.b;
  *len = p.len;
  return 0;
}

/* criu_req {type: NOTIFY, notify_success: true}: go on. */
static const uint8_t notify_ack[] = {0x08, 6, 0x18, 1};

/* ---- decoding ---- */

struct pr {
  const uint8_t *b, *end;
};

static int pr_varint(struct pr *r, uint64_t *v) {
  *v = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    if (r->b >= r->end)
      return -1;
    uint8_t c = *r->b++;
    *v |= (uint64_t)(c & 0x7f) << shift;
    if (!(c & 0x80))
      return 0;
  }
  return -1;
}

/* The next field: its number and wire type; a varint's value in *v, a
 * length-delimited one's bytes in *d and *n. */
static int pr_field(struct pr *r, unsigned *field, unsigned *wire, uint64_t *v, const uint8_t **d,
                    size_t *n) {
  uint64_t key;
  if (pr_varint(r, &key) < 0)
    return -1;
  *field = (unsigned)(key >> 3);
  *wire = key & 7;
  switch (*wire) {
  case 0: return pr_varint(r, v);
  case 1:
  case 5: {
    size_t w = *wire == 1 ? 8 : 4;
    if ((size_t)(r->end - r->b) < w)
      return -1;
    r->b += w;
    return 0;
  }
  case 2:
    if (pr_varint(r, v) < 0 || *v > (uint64_t)(r->end - r->b))
      return -1;
    *d = r->b;
    *n = (size_t)*v;
    r->b += *n;
    return 0;
  default: return -1;
  }
}

static void copy_str(char *dst, size_t cap, const uint8_t *d, size_t n) {
  if (n >= cap)
    n = cap - 1;
  memcpy(dst, d, n);
  dst[n] = '\0';
}

/* criu_restore_resp {pid = 1} or criu_notify {script = 1, pid = 2}. */
static int decode_sub(const uint8_t *d, size_t n, struct criu_response *out, bool notify) {
  struct pr r = {d, d + n};
  while (r.b < r.end) {
    unsigned f, w;
    uint64_t v = 0;
    const uint8_t *s = NULL;
    size_t sn = 0;
    if (pr_field(&r, &f, &w, &v, &s, &sn) < 0)
      return -1;
    if (notify && f == 1 && w == 2)
      copy_str(out->script, sizeof out->script, s, sn);
    else if (w == 0 && f == (notify ? 2u : 1u)) {
      if (notify)
        out->notify_pid = (pid_t)v;
      else
        out->restored_pid = (pid_t)v;
    }
  }
  return 0;
}

int criu_decode_response(const uint8_t *buf, size_t len, struct criu_response *out) {
  *out = (struct criu_response){0};
  struct pr r = {buf, buf + len};
  while (r.b < r.end) {
    unsigned f, w;
    uint64_t v = 0;
    const uint8_t *d = NULL;
    size_t n = 0;
    if (pr_field(&r, &f, &w, &v, &d, &n) < 0)
      return -EBADMSG;
    if (w == 0 && f == 1)
      out->type = (int)v;
    else if (w == 0 && f == 2)
      out->success = v != 0;
    else if (w == 0 && f == 7)
      out->cr_errno = (int)v;
    else if (w == 2 && f == 9)
      copy_str(out->errmsg, sizeof out->errmsg, d, n);
    else if (w == 2 && (f == 4 || f == 5) && decode_sub(d, n, out, f == 5) < 0)
      return -EBADMSG;
  }
  return 0;
}

/* ---- the swrk child ---- */

char *criu_find(rt_error *err) {
  const char *path = getenv("PATH");
  if (!path || !*path)
    path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  _cleanup_free_ char *copy = strdup(path);
  if (!copy) {
    rt_error_set(err, ENOMEM, "PATH");
    return NULL;
  }
  for (char *save = NULL, *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
    char *cand;
    if (asprintf(&cand, "%s/criu", *dir ? dir : ".") < 0)
      break;
    if (access(cand, X_OK) == 0)
      return cand;
    free(cand);
  }
  rt_error_set(err, ENOENT,
               "CRIU is not installed (no criu in PATH): checkpoint and restore need criu 3.x "
               "(e.g. apt-get install criu)");
  return NULL;
}

/* criu's reason, from its log: the last line that says "Error" (what
 * failed) and the first (often its cause: "vdso: Unexpected rt vDSO area
 * bounds" before "kerndat_vdso_fill_symtable failed"). */
static void log_last_error(const char *log_path, char *out, size_t cap) {
  out[0] = '\0';
  _cleanup_fclose_ FILE *f = log_path ? fopen(log_path, "re") : NULL;
  if (!f)
    return;
  char line[512], first[512] = "", last[512] = "";
  while (fgets(line, sizeof line, f)) {
    if (!strstr(line, "Error"))
      continue;
    line[strcspn(line, "\n")] = '\0';
    const char *msg = strstr(line, "): ");
    msg = msg ? msg + 3 : line;
    if (!*first)
      snprintf(first, sizeof first, "%.500s", msg);
    snprintf(last, sizeof last, "%.500s", msg);
  }
  if (!*last)
    return;
  if (strcmp(first, last) == 0)
    snprintf(out, cap, "%.380s", last);
  else
    snprintf(out, cap, "%.190s (first error: %.180s)", last, first);
}

static const char *kind_name(enum criu_req_kind k) {
  return k == CRIU_REQ_DUMP ? "dump" : k == CRIU_REQ_PRE_DUMP ? "pre-dump" : "restore";
}

static void keep_fd(int fd) {
  if (fd >= 0)
    fcntl(fd, F_SETFD, 0);
}

static pid_t spawn_swrk(const char *criu, int sk, const struct criu_request *rq) {
  pid_t pid = fork();
  if (pid != 0)
    return pid;
  /* The child: criu gets the socket, the directories and the inherited
   * fds at their numbers; everything else stays close-on-exec. */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  keep_fd(sk);
  keep_fd(rq->images_dir_fd);
  keep_fd(rq->work_dir_fd);
  keep_fd(rq->status_fd);
  for (size_t i = 0; i < rq->n_inherit_fd; i++)
    keep_fd(rq->inherit_fd[i].fd);
  char fdarg[16];
  snprintf(fdarg, sizeof fdarg, "%d", sk);
  execl(criu, "criu", "swrk", fdarg, (char *)NULL);
  _exit(127);
}

/* One message from criu, with an fd passed along (SCM_RIGHTS) or -1. */
static ssize_t recv_msg(int sk, uint8_t *buf, size_t cap, int *fd) {
  *fd = -1;
  struct iovec iov = {buf, cap};
  union {
    char b[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } c;
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b,
                     .msg_controllen = sizeof c.b};
  ssize_t n;
  do
    n = recvmsg(sk, &m, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
    if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS)
      memcpy(fd, CMSG_DATA(h), sizeof(int));
  if (m.msg_flags & MSG_TRUNC) {
    errno = EMSGSIZE;
    return -1;
  }
  return n;
}

static int exchange(int sk, const struct criu_request *rq, const char *log_path, criu_notify_fn fn,
                    void *arg, pid_t *restored, rt_error *err) {
  _cleanup_free_ uint8_t *req = NULL;
  size_t len;
  if (criu_encode_request(rq, &req, &len) < 0)
    return rt_error_set(err, ENOMEM, "criu request");
  if (send(sk, req, len, MSG_NOSIGNAL) != (ssize_t)len)
    return rt_error_set(err, errno, "criu %s: send the request", kind_name(rq->kind));
  _cleanup_free_ uint8_t *buf = malloc(1 << 16);
  if (!buf)
    return rt_error_set(err, ENOMEM, "criu response");
  for (;;) {
    int fd;
    ssize_t n = recv_msg(sk, buf, 1 << 16, &fd);
    if (n <= 0) {
      char why[400];
      log_last_error(log_path, why, sizeof why);
      return rt_error_set(err, n < 0 ? errno : EPIPE, "criu %s: criu exited without an answer%s%s (log: %s)",
                          kind_name(rq->kind), *why ? ": " : "", why, log_path);
    }
    struct criu_response r;
    if (criu_decode_response(buf, (size_t)n, &r) < 0) {
      rt_safe_close(fd);
      return rt_error_set(err, EBADMSG, "criu %s: a response rt cannot decode", kind_name(rq->kind));
    }
    if (r.type == 6 /* NOTIFY */) {
      log_debug("criu %s: notify %s (pid %d)", kind_name(rq->kind), r.script, (int)r.notify_pid);
      if (fn && fn(r.script, r.notify_pid, fd, arg, err) < 0)
        return -1;
      if (!fn)
        rt_safe_close(fd);
      if (send(sk, notify_ack, sizeof notify_ack, MSG_NOSIGNAL) != (ssize_t)sizeof notify_ack)
        return rt_error_set(err, errno, "criu %s: answer a notification", kind_name(rq->kind));
      continue;
    }
    rt_safe_close(fd);
    if (r.type != (int)rq->kind)
      return rt_error_set(err, EPROTO, "criu %s: a response of type %d", kind_name(rq->kind), r.type);
    if (!r.success) {
      char why[400];
      log_last_error(log_path, why, sizeof why);
      r.errmsg[strcspn(r.errmsg, "\n")] = '\0';
      const char *msg = *r.errmsg ? r.errmsg : why;
      return rt_error_set(err, r.cr_errno > 0 ? r.cr_errno : 0, "criu %s failed%s%s (log: %s)",
                          kind_name(rq->kind), *msg ? ": " : "", msg, log_path);
    }
    if (restored)
      *restored = r.restored_pid;
    return 0;
  }
}

int criu_run(const struct criu_request *rq, const char *log_path, criu_notify_fn fn, void *arg,
             pid_t *restored, rt_error *err) {
  _cleanup_free_ char *criu = criu_find(err);
  if (!criu)
    return -1;
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
    return rt_error_set(err, errno, "criu: socketpair");
  log_debug("criu %s: %s swrk", kind_name(rq->kind), criu);
  pid_t pid = spawn_swrk(criu, sp[1], rq);
  int saved = errno;
  close(sp[1]);
  if (pid < 0) {
    close(sp[0]);
    return rt_error_set(err, saved, "criu: fork");
  }
  int r = exchange(sp[0], rq, log_path, fn, arg, restored, err);
  close(sp[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  return r;
}
