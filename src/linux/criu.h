/* rt: a client of CRIU's RPC (criu/rpc.proto of the criu package): one
 * `criu swrk FD` child per request over a SOCK_SEQPACKET socket pair, the
 * criu_req / criu_resp messages encoded and decoded here by hand (the few
 * fields rt uses; no libprotobuf-c, Debian 12 has no libcriu). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

/* criu_req_type */
enum criu_req_kind { CRIU_REQ_DUMP = 1, CRIU_REQ_RESTORE = 2, CRIU_REQ_PRE_DUMP = 4 };
/* criu_cg_mode */
enum criu_cg_mode { CRIU_CG_IGNORE = 0, CRIU_CG_SOFT = 3, CRIU_CG_FULL = 4, CRIU_CG_STRICT = 5 };

struct criu_kv {
  char *key;
  char *val;
};

struct criu_inherit {
  char *key;
  int fd; /* rt's fd; the same number in criu */
};

/* One request's criu_opts. Strings NULL and fds -1 are left out. */
struct criu_request {
  enum criu_req_kind kind;
  int images_dir_fd;
  int work_dir_fd;
  pid_t pid; /* dump: the tree's root */
  const char *log_file; /* in the work directory */
  const char *root;
  const char *parent_img;
  const char *config_file;
  const char *freeze_cgroup;
  const char *ps_address; /* --page-server */
  int ps_port;
  int status_fd;
  int cg_mode; /* enum criu_cg_mode, -1: criu's default */
  uint32_t empty_ns;
  bool leave_running, ext_unix_sk, tcp_established, shell_job, file_locks, track_mem,
      auto_dedup, lazy_pages, rst_sibling, orphan_pts_master, notify_scripts;
  struct criu_kv *ext_mnt;
  size_t n_ext_mnt;
  struct criu_kv *cg_root; /* key: controller ("" for all), val: path */
  size_t n_cg_root;
  struct criu_inherit *inherit_fd;
  size_t n_inherit_fd;
  char **external;
  size_t n_external;
};

/* A notification of criu's during the request (notify_scripts): the
 * script's name ("setup-namespaces", "post-restore", "orphan-pts-master",
 * ...), the pid it names, and an fd passed with it (or -1; the callee owns
 * it). A negative return fails the request. */
typedef int (*criu_notify_fn)(const char *script, pid_t pid, int fd, void *arg, rt_error *err);

/* The path of criu in PATH; NULL with err saying that CRIU is not installed. */
char *criu_find(rt_error *err);
/* Run one request. *restored: the pid criu restored (RESTORE). On failure,
 * err has criu's own message, or the last error line of the log in the
 * work directory, and the log's name (log_path, for the message). */
int criu_run(const struct criu_request *rq, const char *log_path, criu_notify_fn fn, void *arg,
             pid_t *restored, rt_error *err);

/* The protobuf encoding of criu_req (exposed for the unit test): *out
 * malloc'd. */
int criu_encode_request(const struct criu_request *rq, uint8_t **out, size_t *len);
/* A criu_resp decoded: the fields rt reads. */
struct criu_response {
  int type;
  bool success;
  pid_t restored_pid; /* restore.pid */
  char script[64];    /* notify.script */
  pid_t notify_pid;
  int cr_errno;
  char errmsg[512]; /* cr_errmsg */
};
int criu_decode_response(const uint8_t *buf, size_t len, struct criu_response *r);
