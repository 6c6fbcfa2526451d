#!/bin/bash
# tests/vm/run.sh: the VM lane. Boots Debian's stock kernel under qemu (TCG)
# on a pure cgroup v2 hierarchy, with AppArmor, SELinux or neither, over the host's own
# root file system (9p, read-only, with a tmpfs overlay on top), and runs
# COMMAND there from the top of this work tree. The default COMMAND is the
# lane's checks, tests/vm/lane.sh. TAP (COMMAND's stdout) on stdout, its
# stderr on stderr; the exit status is COMMAND's.
#
#   tests/vm/run.sh [--lsm apparmor|selinux|none] [--init job|systemd] [--timeout SEC]
#                   [COMMAND...]
#
# --init job (the default): COMMAND is PID 1 after switch_root. --init
# systemd: systemd is PID 1, booted straight into rt-vm-test.target (only
# dbus.socket and rt-vm-test.service, which runs COMMAND and powers off);
# the default COMMAND is then tests/vm/systemd.sh.
#
# --lsm selinux: SELinux (permissive) with Debian's selinux-policy-default,
# unpacked and built on the host in the cache (never installed), loaded by
# the initramfs before COMMAND runs; the default COMMAND is then
# tests/vm/selinux.sh (with --init job).
#
# When qemu or the kernel cannot be had, it prints "1..0 # SKIP reason" and
# exits 0. When the VM fails (no boot, time limit, COMMAND failing without
# a "not ok" line), it adds a "not ok" line and exits non-zero.
#
# Environment:
#   RT_VM_CACHE=DIR     kernel cache (default /var/cache/rt-vm), one directory
#                       per kernel package and version
#   RT_VM_TIMEOUT=SEC   time limit of one boot (default 1200)
#   RT_VM_INIT=job|systemd  the default of --init
#   RT_VM_SYSTEMD_LOG_LEVEL  systemd's log level on the console (default notice)
#   RT_VM_MEM, RT_VM_SMP  guest memory and CPUs (default 2G, 2)
#   RT_VM_VERBOSE=1     copy the serial console to stderr as it comes
#   RT_VM_KEEP=1        keep the temporary directory (its path goes to stderr)
#   RT_TEST_NO_INSTALL=1  never apt-get install a missing package
#   RT, RT_VM_BATS, RT_VM_UNIT_DIR, RT_VM_SELINUX_VERBOSE  passed on to the
#                       guest (see lane.sh, selinux.sh)
#   RT_VM_ACCEL, RT_VM_CPU  qemu's -accel and -cpu (default tcg, max: KVM
#                       hangs at boot on a nested host)
set -u -o pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin
export LC_ALL=C.UTF-8

top=$(cd "$(dirname "$0")/../.." && pwd)
lsm=apparmor
init=${RT_VM_INIT:-job}
tmo=${RT_VM_TIMEOUT:-1200}
cache=${RT_VM_CACHE:-/var/cache/rt-vm}

usage() {
  sed -n '2,/^set -u/{/^#/s/^# \{0,1\}//p}' "$0" >&2
  exit 2
}

while [ $# -gt 0 ]; do
  case "$1" in
  --lsm) [ $# -ge 2 ] || usage; lsm=$2; shift 2 ;;
  --lsm=*) lsm=${1#--lsm=}; shift ;;
  --init) [ $# -ge 2 ] || usage; init=$2; shift 2 ;;
  --init=*) init=${1#--init=}; shift ;;
  --timeout) [ $# -ge 2 ] || usage; tmo=$2; shift 2 ;;
  -h | --help) usage ;;
  --) shift; break ;;
  -*) echo "run.sh: unknown option $1" >&2; usage ;;
  *) break ;;
  esac
done
case "$lsm" in apparmor | selinux | none) ;; *) echo "run.sh: --lsm apparmor, selinux or none" >&2; exit 2 ;; esac
case "$init" in job | systemd) ;; *) echo "run.sh: --init job or systemd" >&2; exit 2 ;; esac
if [ $# -eq 0 ]; then
  if [ "$init" = systemd ]; then
    set -- tests/vm/systemd.sh
  elif [ "$lsm" = selinux ]; then
    set -- tests/vm/selinux.sh
  else
    set -- tests/vm/lane.sh
  fi
fi

skip() {
  echo "1..0 # SKIP $*"
  exit 0
}

log() { echo "run.sh: $*" >&2; }

[ "$(id -u)" = 0 ] || skip "the VM lane needs root (qemu's 9p export of / and the kernel cache)"
[ "$(uname -m)" = x86_64 ] || skip "the VM lane runs on x86_64 hosts only"

# ------------------------------------------------------------ packages
# qemu, the static busybox of the initramfs and of the container rootfs, and
# apparmor_parser (visible to the guest through the 9p root).
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
bb_applets=$(/bin/busybox --list 2>/dev/null)
[[ $'\n'"$bb_applets"$'\n' == *$'\n'cpio$'\n'* ]] || need+=(busybox-static)
[ "$lsm" != apparmor ] || command -v apparmor_parser >/dev/null || need+=(apparmor)
# --init systemd: systemd itself (not as the host's init: the package only),
# and dbus-daemon, the system bus rt's driver talks to.
if [ "$init" = systemd ]; then
  [ -x /lib/systemd/systemd ] || need+=(systemd)
  [ -x /usr/bin/dbus-daemon ] || need+=(dbus)
fi
if [ ${#need[@]} -gt 0 ] && [ -z "${RT_TEST_NO_INSTALL:-}" ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}"; } >&2 ||
    log "apt-get install ${need[*]} failed"
fi
command -v qemu-system-x86_64 >/dev/null || skip "no qemu-system-x86_64 (apt-get install qemu-system-x86)"
[ -x /bin/busybox ] || skip "no /bin/busybox (apt-get install busybox-static)"
if [ "$init" = systemd ]; then
  [ -x /lib/systemd/systemd ] || skip "--init systemd: no /lib/systemd/systemd (apt-get install systemd)"
  [ -x /usr/bin/dbus-daemon ] || skip "--init systemd: no /usr/bin/dbus-daemon (apt-get install dbus)"
fi

# ------------------------------------------------------------ temp dir, cleanup
work=$(mktemp -d /tmp/rt-vm.XXXXXX) || exit 1
qpid= tpid=
cleanup() {
  if [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null; then
    kill "$qpid" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$qpid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$qpid" 2>/dev/null
  fi
  [ -z "$tpid" ] || kill "$tpid" 2>/dev/null
  if [ -n "${RT_VM_KEEP:-}" ]; then
    log "kept $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'echo "not ok - vm: interrupted"; exit 130' INT
trap 'echo "not ok - vm: terminated"; exit 143' TERM HUP

# ------------------------------------------------------------ kernel
# Debian's linux-image-amd64 names the kernel package (linux-image-6.1.0-N-amd64);
# its .deb is downloaded and unpacked, never installed. The cache keeps the
# kernel and the few modules the initramfs loads, keyed by package and version
# (nf_tables and the sock_diag modules: criu's kerndat needs them; x_tables,
# nft_compat and xt_mark: its network lock, iptables-nft's "mark" match).
MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
virtio_blk 9pnet 9pnet_virtio netfs fscache 9p overlay veth tun
crc32c_generic libcrc32c nfnetlink nf_tables x_tables nft_compat xt_mark unix_diag inet_diag tcp_diag
netlink_diag af_packet_diag udp_diag raw_diag nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack
nf_conntrack_netlink"

# kernel_cached KEY: the cache has KEY's kernel and every module above
# (a cache entry from before a module was added is fetched again).
kernel_cached() {
  local m
  [ -f "$cache/$1/release" ] || return 1
  for m in $MODULES; do [ -f "$cache/$1/modules/$m.ko" ] || return 1; done
}

kernel_pkg() {
  local pkg ver
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
  [ -n "$pkg" ] || return 1
  ver=$(apt-cache show --no-all-versions "$pkg" 2>/dev/null | awk '/^Version:/ { print $2; exit }')
  [ -n "$ver" ] || return 1
  echo "${pkg}_$ver"
}

fetch_kernel() { # KEY -> $cache/KEY
  local key=$1 pkg=${1%%_*} dir=$cache/$1 tmp m f
  tmp=$(mktemp -d "$cache/.fetch.XXXXXX") || return 1
  (
    set -e
    cd "$tmp"
    apt-get download -o APT::Sandbox::User=root "$pkg=${key#*_}" >/dev/null 2>dl.err ||
      { cat dl.err >&2; exit 1; }
    dpkg -x ./*.deb x
    mkdir -p out/modules
    cp x/boot/vmlinuz-* out/vmlinuz
    for m in $MODULES; do
      f=$(find x/lib/modules -name "$m.ko" -o -name "$m.ko.xz" -o -name "$m.ko.zst" | head -n 1)
      [ -n "$f" ] || { echo "no module $m in $pkg" >&2; exit 1; }
      case "$f" in
      *.xz) xz -dc "$f" >"out/modules/$m.ko" ;;
      *.zst) zstd -qdc "$f" >"out/modules/$m.ko" ;;
      *) cp "$f" "out/modules/$m.ko" ;;
      esac
    done
    basename x/lib/modules/* >out/release
    rm -rf "$dir"
    mv out "$dir"
  )
  local st=$?
  rm -rf "$tmp"
  return $st
}

mkdir -p "$cache" || skip "cannot make $cache"
exec 9>"$cache/.lock"
flock -w 600 9 || skip "$cache is locked by another run"
key=$(kernel_pkg)
if [ -z "$key" ] && [ -z "${RT_TEST_NO_INSTALL:-}" ]; then
  apt-get update -qq >&2 || true
  key=$(kernel_pkg)
fi
if [ -n "$key" ] && ! kernel_cached "$key"; then
  log "downloading $key"
  fetch_kernel "$key" || { log "download of $key failed"; key=; }
fi
if [ -z "$key" ] || [ ! -f "$cache/$key/release" ]; then
  # No package lists or no network: the newest kernel already in the cache.
  key=$(ls -t "$cache" 2>/dev/null | grep '^linux-image-' | while read -r k; do
    [ -f "$cache/$k/release" ] && { echo "$k"; break; }; done)
  [ -n "$key" ] || skip "no guest kernel: apt-get download of linux-image-amd64's kernel failed and $cache is empty"
fi

# ------------------------------------------------------------ SELinux policy
# --lsm selinux: Debian's selinux-policy-default with the tools to build and
# load it (policycoreutils: semodule, load_policy; selinux-utils:
# getenforce, sefcontext_compile), downloaded with apt-get download and
# unpacked with dpkg -x in the cache, never installed: their maintainer
# scripts would write the host's /etc/selinux and policy store. semodule
# builds the policy in that tree (-p, its own semanage.conf naming the
# unpacked pp compiler, setfiles and sefcontext_compile), with one module
# of the lane's: Debian's refpolicy has no container module, so container_t
# and container_file_t are declared here (types only: the guest runs
# permissive). The guest bind-mounts the tree's etc/selinux on /etc/selinux
# and runs its load_policy from the initramfs.
SE_PKGS="selinux-policy-default policycoreutils selinux-utils"
SE_CIL='; rt VM lane: the container types (Debian has no container module).
(type container_t)
(roletype system_r container_t)
(typeattributeset domain (container_t))
(type container_file_t)
(typeattributeset file_type (container_file_t))'

selinux_key() {
  local p v k=selinux
  for p in $SE_PKGS; do
    v=$(apt-cache show --no-all-versions "$p" 2>/dev/null | awk '/^Version:/ { print $2; exit }')
    [ -n "$v" ] || return 1
    k="${k}_${p}=${v}"
  done
  # The lane's module and the recipe are part of the key.
  echo "${k//:/%}_$({ echo "$SE_CIL"; declare -f fetch_selinux; } | md5sum | cut -c1-8)"
}

fetch_selinux() { # KEY -> $cache/KEY
  local key=$1 dir=$cache/$1 tmp
  tmp=$(mktemp -d "$cache/.fetch.XXXXXX") || return 1
  (
    set -e
    cd "$tmp"
    local p pv=() R=$tmp/out
    for p in $SE_PKGS; do
      pv+=("$p=$(apt-cache show --no-all-versions "$p" | awk '/^Version:/ { print $2; exit }')")
    done
    apt-get download -o APT::Sandbox::User=root "${pv[@]}" >/dev/null 2>dl.err ||
      { cat dl.err >&2; exit 1; }
    for p in ./*.deb; do dpkg -x "$p" "$R"; done
    printf 'SELINUX=permissive\nSELINUXTYPE=default\n' >"$R/etc/selinux/config"
    cat >"$R/etc/selinux/semanage.conf" <<EOF
module-store = direct
expand-check = 0
compiler-directory = $R/usr/libexec/selinux/hll
[setfiles]
path = $R/sbin/setfiles
args = -q -c \$@ \$<
[end]
[sefcontext_compile]
path = $R/usr/sbin/sefcontext_compile
args = \$@
[end]
EOF
    echo "$SE_CIL" >rtvm.cil
    local mods=()
    for p in $(cat "$R/usr/share/selinux/default/.modules"); do
      mods+=("-i$R/usr/share/selinux/default/$p.pp.bz2")
    done
    # Its own root (-p): the store under $R/var/lib/selinux, the policy in
    # $R/etc/selinux/default; no reload (-n). About 30 s.
    "$R/usr/sbin/semodule" -p "$R" -X 100 -n -s default "${mods[@]}" "-i$tmp/rtvm.cil" \
      >build.log 2>&1 || { tail -n 20 build.log >&2; exit 1; }
    ls "$R"/etc/selinux/default/policy/policy.[0-9]* >/dev/null
    # What the guest does not need: the store, the modules, the build's conf.
    rm -rf "$R/var/lib/selinux" "$R/usr/share" "$R/etc/selinux/semanage.conf"
    rm -rf "$dir"
    mv "$R" "$dir"
  )
  local st=$?
  rm -rf "$tmp"
  return $st
}

sedir=
if [ "$lsm" = selinux ]; then
  sekey=$(selinux_key)
  if [ -z "$sekey" ] && [ -z "${RT_TEST_NO_INSTALL:-}" ]; then
    apt-get update -qq >&2 || true
    sekey=$(selinux_key)
  fi
  if [ -n "$sekey" ] && [ ! -f "$cache/$sekey/etc/selinux/config" ]; then
    log "building the SELinux policy $sekey"
    fetch_selinux "$sekey" || { log "download or build of $sekey failed"; sekey=; }
  fi
  if [ -z "$sekey" ] || [ ! -f "$cache/$sekey/etc/selinux/config" ]; then
    sekey=$(ls -t "$cache" 2>/dev/null | grep '^selinux_' | while read -r k; do
      [ -f "$cache/$k/etc/selinux/config" ] && { echo "$k"; break; }; done)
    [ -n "$sekey" ] || skip "--lsm selinux: no policy: apt-get download of $SE_PKGS failed and $cache has none"
  fi
  sedir=$cache/$sekey
fi
flock -u 9
exec 9>&-
kdir=$cache/$key

# ------------------------------------------------------------ initramfs
# busybox, the modules in dependency order, and /init: mount the host's root
# (9p, read-only) under a tmpfs overlay, the kernel file systems and the
# results share in it, and switch_root to it (a chroot would leave the
# initramfs as the mount namespace's root: AppArmor sees paths from there),
# with the job script as the new init, or (--init systemd) with systemd,
# the share's units copied to /etc/systemd/system first.
ird=$work/initramfs
mkdir -p "$ird"/{bin,dev,proc,sys,lower,rw,newroot,share,modules}
cp /bin/busybox "$ird/bin/busybox"
ln -s busybox "$ird/bin/sh"
mknod -m 600 "$ird/dev/console" c 5 1
cp "$kdir"/modules/*.ko "$ird/modules/"
# in dependency order; a cache entry kept from before a module was added
# (no network to fetch it again) boots without it
for m in $MODULES; do
  [ ! -f "$kdir/modules/$m.ko" ] || echo "$m"
done >"$ird/modules/order"
cat >"$ird/init" <<'EOF'
#!/bin/sh
# rt VM lane: initramfs init (busybox).
export PATH=/bin
/bin/busybox --install -s /bin
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
fail() { echo "rt-vm-init: $*"; poweroff -f; sleep 5; exit 1; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
for m in $(cat /modules/order); do
  insmod /modules/$m.ko || fail "insmod $m"
done
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 rtshare /share || fail "mount the share"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro rthostroot /lower ||
  fail "mount the host's root"
mount -t tmpfs -o mode=0755 tmpfs /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /newroot ||
  fail "mount the overlay"
R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t cgroup2 -o nsdelegate cgroup2 $R/sys/fs/cgroup || fail "mount cgroup2"
mount -t securityfs securityfs $R/sys/kernel/security 2>/dev/null
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm $R/dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666,gid=5,mode=620 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 tmpfs $R/dev/shm
mount -t mqueue mqueue $R/dev/mqueue
ln -sfn /proc/self/fd $R/dev/fd
ln -sf /proc/self/fd/0 $R/dev/stdin
ln -sf /proc/self/fd/1 $R/dev/stdout
ln -sf /proc/self/fd/2 $R/dev/stderr
mount -t tmpfs -o mode=1777 tmpfs $R/tmp
mount -t tmpfs -o mode=0755 tmpfs $R/run
# A work tree under /tmp or /run (hidden by those tmpfs): an overlay of its own.
top=$(cat /share/top)
init=$(cat /share/init)
lsm=$(cat /share/lsm)
case "$top" in
/tmp/* | /run/*)
  mkdir -p /rw/top/upper /rw/top/work $R$top
  mount -t overlay -o lowerdir=/lower$top,upperdir=/rw/top/upper,workdir=/rw/top/work overlay $R$top ||
    fail "mount the overlay of $top"
  ;;
esac
mkdir -p $R/run/rt-vm $R/run/lock
if [ "$lsm" = selinux ]; then
  # The policy tree (the cache, maybe under a /tmp the guest hides) at
  # /run/rt-vm-selinux, its etc/selinux on /etc/selinux (libselinux wants
  # /etc/selinux/config), and the policy loaded before the job runs.
  sedir=$(cat /share/selinux)
  mkdir -p $R/run/rt-vm-selinux $R/etc/selinux
  mount --bind /lower$sedir $R/run/rt-vm-selinux || fail "bind the SELinux policy tree $sedir"
  mount --bind $R/run/rt-vm-selinux/etc/selinux $R/etc/selinux || fail "bind /etc/selinux"
  mount -t selinuxfs selinuxfs $R/sys/fs/selinux || fail "mount selinuxfs (is SELinux on?)"
  chroot $R /run/rt-vm-selinux/sbin/load_policy || fail "load_policy"
  echo "rt-vm-init: SELinux policy loaded, enforce $(cat $R/sys/fs/selinux/enforce), policyvers $(cat $R/sys/fs/selinux/policyvers)"
fi
mount --move /share $R/run/rt-vm || fail "move the share"
echo "rt-vm-init: $(uname -r), cgroup2 controllers: $(cat $R/sys/fs/cgroup/cgroup.controllers), lsm: $(cat $R/sys/kernel/security/lsm 2>/dev/null)"
hostname rt-vm
if [ "$init" = systemd ]; then
  # In the overlay only: the lane's units, no fstab (the host's would pull
  # its disks), the guest's own hostname.
  mkdir -p $R/etc/systemd/system
  cp -r $R/run/rt-vm/systemd/. $R/etc/systemd/system/ || fail "copy the systemd units"
  : >$R/etc/fstab
  echo rt-vm >$R/etc/hostname
  # No generators (masked by a link to /dev/null): they serve units this
  # boot does not pull, and they run again on each daemon-reload (15 s under
  # TCG).
  mkdir -p $R/etc/systemd/system-generators $R/etc/systemd/system-environment-generators
  for g in $R/usr/lib/systemd/system-generators/* $R/lib/systemd/system-generators/*; do
    [ -e "$g" ] && ln -sf /dev/null $R/etc/systemd/system-generators/${g##*/}
  done
  for g in $R/usr/lib/systemd/system-environment-generators/*; do
    [ -e "$g" ] && ln -sf /dev/null $R/etc/systemd/system-environment-generators/${g##*/}
  done
  # A host that is a container (/.dockerenv, podman's /run/.containerenv)
  # would make systemd believe it runs in one: it would take its options
  # from its own argv, not the kernel's command line, and skip things.
  rm -f $R/.dockerenv $R/run/.containerenv
  exec switch_root $R /lib/systemd/systemd --unit=rt-vm-test.target
fi
exec switch_root $R /bin/sh /run/rt-vm/job.sh
fail "switch_root"
EOF
chmod 755 "$ird/init"
(cd "$ird" && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initramfs.img" ||
  { echo "1..1"; echo "not ok 1 - vm: build the initramfs"; exit 1; }

# ------------------------------------------------------------ the job
# PID 1 after switch_root (or, --init systemd, rt-vm-test.service's
# ExecStart): runs COMMAND from the top of the tree, leaves its stdout,
# stderr and exit status in the share, and powers off (under systemd, the
# unit's SuccessAction/FailureAction does).
share=$work/share
mkdir -p "$share"
echo "$top" >"$share/top"
echo "$init" >"$share/init"
echo "$lsm" >"$share/lsm"
echo "$sedir" >"$share/selinux"
if [ "$init" = systemd ]; then
  # systemd boots straight into rt-vm-test.target (systemd.unit= on the
  # kernel command line): dbus.socket (dbus.service is socket-activated)
  # and the job's service. DefaultDependencies=no on all three keeps
  # sysinit.target and basic.target (udev, journald, tmpfiles, local-fs,
  # the host's enabled units) out of the boot.
  sd=$share/systemd
  mkdir -p "$sd/dbus.socket.d" "$sd/dbus.service.d"
  printf '[Unit]\nDefaultDependencies=no\n' >"$sd/dbus.socket.d/rt-vm.conf"
  printf '[Unit]\nDefaultDependencies=no\n[Service]\nStandardOutput=null\n' >"$sd/dbus.service.d/rt-vm.conf"
  cat >"$sd/rt-vm-test.target" <<'EOF'
[Unit]
Description=rt VM lane (systemd)
Requires=dbus.socket rt-vm-test.service
AllowIsolate=yes
EOF
  cat >"$sd/rt-vm-test.service" <<'EOF'
[Unit]
Description=rt VM lane job
DefaultDependencies=no
Requires=dbus.socket
After=dbus.socket
SuccessAction=poweroff-immediate
FailureAction=poweroff-immediate

[Service]
Type=oneshot
ExecStart=/bin/sh /run/rt-vm/job.sh
StandardInput=null
StandardOutput=tty
StandardError=tty
TimeoutStartSec=infinity
EOF
fi
{
  echo '#!/bin/sh'
  echo 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin'
  echo 'export HOME=/root LC_ALL=C.UTF-8 TERM=dumb'
  printf 'export RT_VM=1 RT_VM_LSM=%q RT_VM_INIT=%q RT_VM_TOP=%q\n' "$lsm" "$init" "$top"
  [ -z "$sedir" ] || echo 'export RT_VM_SELINUX=/run/rt-vm-selinux'
  for v in RT RT_VM_BATS RT_VM_SUITES RT_VM_UNIT_DIR RT_VM_SELINUX_VERBOSE; do
    [ -z "${!v:-}" ] || printf 'export %s=%q\n' "$v" "${!v}"
  done
  if [ "$init" = systemd ]; then
    echo 'off() { sync; exit 0; }'
  else
    echo 'off() { sync; cd /; umount -l /run/rt-vm 2>/dev/null; /bin/busybox poweroff -f; echo o >/proc/sysrq-trigger; sleep 10; }'
  fi
  printf 'cd %q || { echo 125 >/run/rt-vm/status; off; }\n' "$top"
  printf '%q ' "$@"
  echo '>/run/rt-vm/stdout 2>/run/rt-vm/stderr </dev/null'
  echo 'st=$?'
  echo 'echo $st >/run/rt-vm/status'
  echo 'echo "rt-vm: job done ($st)"'
  echo 'off'
} >"$share/job.sh"

# ------------------------------------------------------------ boot
cmdline="console=ttyS0 quiet loglevel=4 panic=-1 rdinit=/init cgroup_no_v1=all"
if [ "$init" = systemd ]; then
  # systemd's status lines and its warnings on the console (the log on a
  # failure); no journald in this boot.
  cmdline="$cmdline systemd.unit=rt-vm-test.target systemd.show_status=1"
  cmdline="$cmdline systemd.log_target=console systemd.log_level=${RT_VM_SYSTEMD_LOG_LEVEL:-notice}"
fi
if [ "$lsm" = apparmor ]; then
  cmdline="$cmdline apparmor=1 security=apparmor"
elif [ "$lsm" = selinux ]; then
  # Permissive: the 9p root and the overlay are unlabeled.
  cmdline="$cmdline selinux=1 security=selinux enforcing=0"
else
  cmdline="$cmdline lsm=lockdown,capability,landlock,yama,bpf"
fi
console=$work/console.log
# An empty 16 MB disk (/dev/vda in the guest): a block device for the
# blockIO throttles (io.max) of cgroups.bats; nothing mounts it.
truncate -s 16M "$work/disk.img"
start=$(date +%s%N)
qemu-system-x86_64 \
  -accel "${RT_VM_ACCEL:-tcg}" -cpu "${RT_VM_CPU:-max}" -m "${RT_VM_MEM:-2G}" -smp "${RT_VM_SMP:-2}" \
  -nographic -nodefaults -no-user-config -no-reboot -serial stdio -monitor none -vga none -nic none \
  -kernel "$kdir/vmlinuz" -initrd "$work/initramfs.img" -append "$cmdline" \
  -virtfs "local,path=/,mount_tag=rthostroot,security_model=passthrough,readonly=on,multidevs=remap" \
  -virtfs "local,path=$share,mount_tag=rtshare,security_model=none,multidevs=remap" \
  -drive "file=$work/disk.img,format=raw,if=virtio" \
  </dev/null >"$console" 2>&1 &
qpid=$!
if [ -n "${RT_VM_VERBOSE:-}" ]; then
  tail -n +1 -f "$console" >&2 &
  tpid=$!
fi
timed_out=
deadline=$(($(date +%s) + tmo))
while kill -0 "$qpid" 2>/dev/null; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    timed_out=1
    log "time limit of ${tmo}s reached: killing qemu ($qpid)"
    kill "$qpid" 2>/dev/null
    sleep 1
    kill -9 "$qpid" 2>/dev/null
    break
  fi
  sleep 0.2
done
wait "$qpid" 2>/dev/null
qst=$?
qpid=
if [ -n "$tpid" ]; then
  kill "$tpid" 2>/dev/null
  wait "$tpid" 2>/dev/null
  tpid=
fi
ms=$((($(date +%s%N) - start) / 1000000))
secs=$((ms / 1000)).$(printf %03d $((ms % 1000)))

# ------------------------------------------------------------ results
[ -f "$share/stdout" ] && cat "$share/stdout"
[ -s "$share/stderr" ] && cat "$share/stderr" >&2
st=$(cat "$share/status" 2>/dev/null)
why=
if [ -n "$timed_out" ]; then
  why="timed out after ${tmo}s"
elif [ -z "$st" ]; then
  why="no exit status from the guest (qemu exited $qst)"
elif [ "$st" != 0 ] && ! grep -qE '^not ok ' "$share/stdout" 2>/dev/null; then
  why="$* exited $st"
fi
log "$key, lsm $lsm, init $init: qemu ran ${secs}s, command status ${st:-none}"
if [ -n "$why" ]; then
  log "guest console (last 40 lines):"
  tail -n 40 "$console" | sed 's/^/  | /' >&2
  echo "not ok - vm: $why"
  [ -n "$st" ] && [ "$st" != 0 ] || st=1
fi
exit "${st:-1}"
