/* linux.netDevices (config-linux.md "Network Devices"): move a host interface
 * into the container's network namespace, rename it, keep its permanent
 * global addresses and bring it up. Runs in the container's init, which holds
 * a netlink socket rt opened in the runtime's network namespace. */
#include "config.h"
#include "linux/netdev.h"

#include <errno.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/cleanup.h"

#define NL_BUF 32768

struct nl_req {
  struct nlmsghdr h;
  union {
    struct ifinfomsg ifi;
    struct ifaddrmsg ifa;
  };
  char attrs[512];
};

static void add_attr(struct nlmsghdr *h, unsigned short type, const void *data, size_t len) {
  struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));
  a->rta_type = type;
  a->rta_len = (unsigned short)RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

int netdev_socket(rt_error *err) {
  int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (s < 0)
    return rt_error_set(err, errno, "netlink socket");
  return s;
}

/* Send a request and read the ack (or error). */
static int nl_talk(int s, struct nlmsghdr *h, rt_error *err, const char *what) {
  static unsigned seq;
  h->nlmsg_seq = ++seq;
  h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
  if (send(s, h, h->nlmsg_len, 0) < 0)
    return rt_error_set(err, errno, "%s: netlink send", what);
  char buf[NL_BUF];
  for (;;) {
    ssize_t n = recv(s, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return rt_error_set(err, errno, "%s: netlink receive", what);
    }
    for (struct nlmsghdr *r = (struct nlmsghdr *)buf; NLMSG_OK(r, (size_t)n); r = NLMSG_NEXT(r, n)) {
      if (r->nlmsg_seq != h->nlmsg_seq)
        continue;
      if (r->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(r);
        if (e->error)
          return rt_error_set(err, -e->error, "%s", what);
        return 0;
      }
    }
  }
}

static int link_index(int s, const char *name, rt_error *err) {
  struct nl_req req = {0};
  req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
  req.h.nlmsg_type = RTM_GETLINK;
  req.h.nlmsg_flags = NLM_F_REQUEST;
  req.h.nlmsg_seq = 1;
  req.ifi.ifi_family = AF_UNSPEC;
  add_attr(&req.h, IFLA_IFNAME, name, strlen(name) + 1);
  if (send(s, &req, req.h.nlmsg_len, 0) < 0)
    return rt_error_set(err, errno, "netlink send");
  char buf[NL_BUF];
  ssize_t n = recv(s, buf, sizeof buf, 0);
  if (n < 0)
    return rt_error_set(err, errno, "netlink receive");
  struct nlmsghdr *r = (struct nlmsghdr *)buf;
  if (!NLMSG_OK(r, (size_t)n))
    return rt_error_set(err, EPROTO, "netlink: short answer");
  if (r->nlmsg_type == NLMSG_ERROR) {
    struct nlmsgerr *e = NLMSG_DATA(r);
    return rt_error_set(err, -e->error, "network device %s", name);
  }
  struct ifinfomsg *ifi = NLMSG_DATA(r);
  return ifi->ifi_index;
}

struct saved_addr {
  unsigned char family, prefixlen, flags, scope;
  unsigned char local[16], address[16];
  size_t alen;
  bool has_local, has_address;
};

/* The permanent, global-scope addresses of ifindex (RFC 3549 2.3.3.2). */
static int dump_addrs(int s, int ifindex, struct saved_addr **out, size_t *nout, rt_error *err) {
  struct nl_req req = {0};
  req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
  req.h.nlmsg_type = RTM_GETADDR;
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = 2;
  req.ifa.ifa_family = AF_UNSPEC;
  if (send(s, &req, req.h.nlmsg_len, 0) < 0)
    return rt_error_set(err, errno, "netlink send");
  *out = NULL;
  *nout = 0;
  char buf[NL_BUF];
  for (;;) {
    ssize_t n = recv(s, buf, sizeof buf, 0);
    if (n < 0)
      return rt_error_set(err, errno, "netlink receive");
    for (struct nlmsghdr *r = (struct nlmsghdr *)buf; NLMSG_OK(r, (size_t)n); r = NLMSG_NEXT(r, n)) {
      if (r->nlmsg_type == NLMSG_DONE)
        return 0;
      if (r->nlmsg_type == NLMSG_ERROR)
        return rt_error_set(err, -((struct nlmsgerr *)NLMSG_DATA(r))->error, "dump addresses");
      if (r->nlmsg_type != RTM_NEWADDR)
        continue;
      struct ifaddrmsg *ifa = NLMSG_DATA(r);
      if ((int)ifa->ifa_index != ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
        continue;
      struct saved_addr a = {.family = ifa->ifa_family, .prefixlen = ifa->ifa_prefixlen,
                             .scope = ifa->ifa_scope};
      unsigned flags = ifa->ifa_flags;
      int alen = (int)IFA_PAYLOAD(r);
      for (struct rtattr *at = IFA_RTA(ifa); RTA_OK(at, alen); at = RTA_NEXT(at, alen)) {
        size_t l = RTA_PAYLOAD(at);
        if (at->rta_type == IFA_FLAGS && l >= 4)
          memcpy(&flags, RTA_DATA(at), 4);
        else if ((at->rta_type == IFA_LOCAL || at->rta_type == IFA_ADDRESS) && l <= 16) {
          unsigned char *dst = at->rta_type == IFA_LOCAL ? a.local : a.address;
          memcpy(dst, RTA_DATA(at), l);
          a.alen = l;
          if (at->rta_type == IFA_LOCAL)
            a.has_local = true;
          else
            a.has_address = true;
        }
      }
      if (!(flags & IFA_F_PERMANENT))
        continue;
      struct saved_addr *na = realloc(*out, (*nout + 1) * sizeof *na);
      if (!na)
        return rt_error_set(err, ENOMEM, "addresses");
      na[(*nout)++] = a;
      *out = na;
    }
  }
}

static int add_addr(int s, int ifindex, const struct saved_addr *a, rt_error *err) {
  struct nl_req req = {0};
  req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
  req.h.nlmsg_type = RTM_NEWADDR;
  req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
  req.ifa.ifa_family = a->family;
  req.ifa.ifa_prefixlen = a->prefixlen;
  req.ifa.ifa_scope = a->scope;
  req.ifa.ifa_index = (unsigned)ifindex;
  if (a->has_local)
    add_attr(&req.h, IFA_LOCAL, a->local, a->alen);
  if (a->has_address)
    add_attr(&req.h, IFA_ADDRESS, a->address, a->alen);
  return nl_talk(s, &req.h, err, "add an address");
}

static int move_and_rename(int host, int ifindex, const char *name, rt_error *err) {
  _cleanup_close_ int nsfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (nsfd < 0)
    return rt_error_set(err, errno, "open /proc/self/ns/net");
  struct nl_req req = {0};
  req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
  req.h.nlmsg_type = RTM_NEWLINK;
  req.ifi.ifi_family = AF_UNSPEC;
  req.ifi.ifi_index = ifindex;
  int fd = nsfd;
  add_attr(&req.h, IFLA_NET_NS_FD, &fd, sizeof fd);
  if (name && *name)
    add_attr(&req.h, IFLA_IFNAME, name, strlen(name) + 1);
  return nl_talk(host, &req.h, err, "move the device into the container");
}

static int set_up(int s, int ifindex, rt_error *err) {
  struct nl_req req = {0};
  req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
  req.h.nlmsg_type = RTM_NEWLINK;
  req.ifi.ifi_family = AF_UNSPEC;
  req.ifi.ifi_index = ifindex;
  req.ifi.ifi_flags = IFF_UP;
  req.ifi.ifi_change = IFF_UP;
  return nl_talk(s, &req.h, err, "set the device up");
}

int netdev_move_all(const oci_linux *l, int host_sock, rt_error *err) {
  if (!l || !l->n_net_devices)
    return 0;
  _cleanup_close_ int local = netdev_socket(err);
  if (local < 0)
    return -1;
  for (size_t i = 0; i < l->n_net_devices; i++) {
    const oci_net_device *d = &l->net_devices[i];
    const char *newname = d->name && *d->name ? d->name : d->host_name;
    int idx = link_index(host_sock, d->host_name, err);
    if (idx < 0)
      return rt_error_prefix(err, "config.json: .linux.netDevices[\"%s\"]", d->host_name);
    /* Without a %d template, a name taken in the container is an error. */
    if (!strstr(newname, "%d")) {
      rt_error tmp;
      if (link_index(local, newname, &tmp) >= 0)
        return rt_error_set(err, EEXIST, "config.json: .linux.netDevices[\"%s\"].name: %s exists in the container",
                            d->host_name, newname);
    }
    _cleanup_free_ struct saved_addr *addrs = NULL;
    size_t n = 0;
    if (dump_addrs(host_sock, idx, &addrs, &n, err) < 0 ||
        move_and_rename(host_sock, idx, newname, err) < 0)
      return rt_error_prefix(err, "config.json: .linux.netDevices[\"%s\"]", d->host_name);
    /* The kernel keeps the index when it is free in the new namespace; look
     * it up by name otherwise (a %d template gets the kernel's choice). */
    int nidx = strstr(newname, "%d") ? idx : link_index(local, newname, err);
    if (nidx < 0)
      return rt_error_prefix(err, "config.json: .linux.netDevices[\"%s\"]", d->host_name);
    for (size_t k = 0; k < n; k++)
      if (add_addr(local, nidx, &addrs[k], err) < 0)
        return rt_error_prefix(err, "config.json: .linux.netDevices[\"%s\"]", d->host_name);
    if (set_up(local, nidx, err) < 0)
      return rt_error_prefix(err, "config.json: .linux.netDevices[\"%s\"]", d->host_name);
  }
  return 0;
}

int netdev_loopback_up(rt_error *err) {
  _cleanup_close_ int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return rt_error_set(err, errno, "loopback: socket");
  struct ifreq ifr = {0};
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
  if (ioctl(sock, SIOCGIFFLAGS, &ifr) < 0)
    return rt_error_set(err, errno, "loopback: get the flags of lo");
  if (ifr.ifr_flags & IFF_UP)
    return 0;
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(sock, SIOCSIFFLAGS, &ifr) < 0)
    return rt_error_set(err, errno, "loopback: bring lo up");
  return 0;
}
