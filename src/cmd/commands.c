/* The command table: name, entry point, one-line summary and full help. */
#include "config.h"

#include <stddef.h>

#include "cmd/cmd.h"

const rt_command rt_commands[] = {
    {"create", cmd_create, "create a container",
     "Usage: rt create [options] CONTAINER_ID\n"
     "\n"
     "Create a container from the bundle; it waits for 'rt start'.\n"
     "\n"
     "Options:\n"
     "  -b, --bundle DIR        bundle directory (default: the current directory)\n"
     "  --console-socket PATH   unix socket that receives the pty master (process.terminal)\n"
     "  --pid-file PATH         write the container process's pid to PATH\n"
     "  --no-pivot              do not use pivot_root (MS_MOVE + chroot instead)\n"
     "  --no-new-keyring        keep the calling session keyring\n"
     "  --preserve-fds N        pass N extra file descriptors (3..3+N-1) to the container\n"},
    {"start", cmd_start, "start a created container",
     "Usage: rt start CONTAINER_ID\n"
     "\n"
     "Run the user's program in a container that is 'created'.\n"},
    {"run", cmd_run, "create and start a container",
     "Usage: rt run [options] CONTAINER_ID\n"
     "       rt run BUNDLE_DIR      (the id is the directory's name)\n"
     "\n"
     "Create and start a container, wait for it to exit, delete it, and exit\n"
     "with its exit status (128+N when killed by signal N).\n"
     "\n"
     "Options:\n"
     "  -b, --bundle DIR        bundle directory (default: the current directory)\n"
     "  --console-socket PATH   unix socket that receives the pty master (process.terminal)\n"
     "  -d, --detach            return once the process runs\n"
     "  --keep                  keep the container's state after it exits\n"
     "  --pid-file PATH         write the container process's pid to PATH\n"
     "  --no-pivot              do not use pivot_root (MS_MOVE + chroot instead)\n"
     "  --no-new-keyring        keep the calling session keyring\n"
     "  --preserve-fds N        pass N extra file descriptors (3..3+N-1) to the container\n"},
    {"exec", cmd_exec, "run a process in a running container",
     "Usage: rt exec [options] CONTAINER_ID COMMAND [ARG...]\n"
     "       rt exec [options] --process process.json CONTAINER_ID\n"
     "\n"
     "Run a new process in the container's namespaces and cgroup, with its\n"
     "security settings, and exit with its exit status.\n"
     "\n"
     "Options:\n"
     "  --console-socket PATH   unix socket that receives the pty master (with --tty)\n"
     "  --cwd DIR               working directory in the container\n"
     "  -e, --env KEY=VALUE     set an environment variable (repeatable)\n"
     "  -t, --tty               allocate a terminal\n"
     "  -u, --user UID[:GID]    run as this user\n"
     "  -g, --additional-gids G,G...  supplementary groups\n"
     "  -p, --process FILE      the process as a process.json (config.md's process)\n"
     "  -d, --detach            return once the process runs\n"
     "  --pid-file PATH         write the process's pid to PATH\n"
     "  --process-label LABEL   SELinux label of the process\n"
     "  --apparmor PROFILE      AppArmor profile of the process\n"
     "  --no-new-privs          set no_new_privileges\n"
     "  -c, --cap CAP           add a capability (repeatable)\n"
     "  --preserve-fds N        pass N extra file descriptors (3..3+N-1)\n"
     "  --ignore-paused         allow exec into a paused container\n"
     "  --cgroup PATH           a sub-cgroup to run in (cgroup v2)\n"},
    {"kill", cmd_kill, "send a signal to a container's process",
     "Usage: rt kill [options] CONTAINER_ID [SIGNAL]\n"
     "\n"
     "Send SIGNAL (a name such as KILL or SIGKILL, or a number; default SIGTERM)\n"
     "to the container's init process.\n"
     "\n"
     "Options:\n"
     "  -a, --all               send the signal to every process of the container\n"},
    {"delete", cmd_delete, "delete a container and its resources",
     "Usage: rt delete [options] CONTAINER_ID\n"
     "\n"
     "Delete a stopped (or, with --force, any) container and everything create made.\n"
     "\n"
     "Options:\n"
     "  -f, --force             kill the container first if it still runs\n"},
    {"state", cmd_state, "print the state of a container",
     "Usage: rt state CONTAINER_ID\n"
     "\n"
     "Print the container's state document (JSON) on stdout.\n"},
    {"list", cmd_list, "list containers",
     "Usage: rt list [options]\n"
     "\n"
     "Options:\n"
     "  -f, --format table|json output format (default table)\n"
     "  -q, --quiet             print the ids only\n"},
    {"spec", cmd_spec, "write a default config.json",
     "Usage: rt spec [options]\n"
     "\n"
     "Write a default config.json into the bundle directory.\n"
     "\n"
     "Options:\n"
     "  -b, --bundle DIR        bundle directory (default: the current directory)\n"
     "  --rootless              a config for a rootless container (user namespace)\n"
     "  --seccomp default|none  default: a seccomp profile in the shape of Docker's default\n"
     "                          (an allow-list, EPERM for the rest); none (the default):\n"
     "                          no linux.seccomp, as runc spec writes\n"},
    {"features", cmd_features, "print the features this build supports",
     "Usage: rt features\n"
     "\n"
     "Print the features document (JSON) of the runtime-spec's features.md.\n"},
    {"update", cmd_update, "update the resource limits of a container",
     "Usage: rt update [options] CONTAINER_ID\n"
     "\n"
     "Change the cgroup limits of a running container.\n"
     "\n"
     "Options:\n"
     "  -r, --resources FILE        a linux.resources object (JSON) from FILE, or - for\n"
     "                              stdin; every other option is then ignored\n"
     "  --blkio-weight N            block I/O weight, 10 to 1000\n"
     "  --cpu-period USEC           CPU CFS period\n"
     "  --cpu-quota USEC            CPU CFS quota per period (-1: no limit)\n"
     "  --cpu-share(s) N            CPU shares (relative weight)\n"
     "  --cpu-burst USEC            CPU CFS burst per period\n"
     "  --cpu-idle 0|1              SCHED_IDLE for the cgroup (cpu.idle)\n"
     "  --cpu-rt-period USEC        real-time period\n"
     "  --cpu-rt-runtime USEC       real-time runtime per period\n"
     "  --cpuset-cpus LIST          CPUs to run on (0-3,7)\n"
     "  --cpuset-mems LIST          memory nodes to use\n"
     "  --memory BYTES              memory limit (k, m, g suffixes; -1: no limit)\n"
     "  --memory-reservation BYTES  memory soft limit\n"
     "  --memory-swap BYTES         memory+swap limit (-1: unlimited swap)\n"
     "  --kernel-memory BYTES       kernel memory limit (v1, deprecated)\n"
     "  --kernel-memory-tcp BYTES   kernel TCP buffer limit (v1)\n"
     "  --pids-limit N              maximum number of processes (-1: no limit)\n"},
    {"pause", cmd_pause, "suspend every process of a container",
     "Usage: rt pause CONTAINER_ID\n"
     "\n"
     "Freeze every process of the container (cgroup freezer); 'rt resume' thaws them.\n"},
    {"resume", cmd_resume, "resume a paused container",
     "Usage: rt resume CONTAINER_ID\n"
     "\n"
     "Thaw the processes of a container that 'rt pause' froze.\n"},
    {"ps", cmd_ps, "list the processes of a container",
     "Usage: rt ps [options] CONTAINER_ID [-- ps options]\n"
     "\n"
     "Show the processes of the container: ps(1) output (default options -ef)\n"
     "filtered to them, or their pids as a JSON array.\n"
     "\n"
     "Options:\n"
     "  -f, --format table|json output format (default table)\n"},
    {"events", cmd_events, "show a container's statistics and OOM events",
     "Usage: rt events [options] CONTAINER_ID\n"
     "\n"
     "Print the container's events as JSON lines: resource statistics every\n"
     "interval ({\"type\":\"stats\",...}) and OOM kills ({\"type\":\"oom\",...}),\n"
     "until the container stops.\n"
     "\n"
     "Options:\n"
     "  --interval DURATION     time between statistics (default 5s)\n"
     "  --stats                 print the statistics once and exit\n"},
    {"checkpoint", cmd_checkpoint, "checkpoint a running container (CRIU)",
     "Usage: rt checkpoint [options] CONTAINER_ID\n"
     "\n"
     "Save the state of the container's processes with CRIU (criu swrk) into the\n"
     "image directory; the container is then deleted unless --leave-running or\n"
     "--pre-dump. Needs criu in PATH.\n"
     "\n"
     "Options:\n"
     "  --image-path DIR            where the images go (default: ./checkpoint)\n"
     "  --work-path DIR             work files and dump.log (default: the image path)\n"
     "  --parent-path DIR           previous (pre-dump) images, relative to the image path\n"
     "  --leave-running             leave the processes running after the checkpoint\n"
     "  --tcp-established           allow open TCP connections\n"
     "  --ext-unix-sk               allow external unix sockets\n"
     "  --shell-job                 allow shell jobs (a controlling terminal from outside)\n"
     "  --lazy-pages                leave the memory pages to a lazy-pages daemon (userfaultfd)\n"
     "  --status-fd FD              criu writes \\0 to FD once lazy-pages is ready\n"
     "  --page-server ADDRESS:PORT  send the pages to a CRIU page server\n"
     "  --file-locks                handle file locks\n"
     "  --pre-dump                  dump the memory only and leave the container running\n"
     "  --manage-cgroups-mode MODE  soft (default), full, strict or ignore\n"
     "  --empty-ns network          make the namespace but do not restore its properties\n"
     "  --auto-dedup                deduplicate memory images against the parent\n"},
    {"restore", cmd_restore, "restore a container from a checkpoint (CRIU)",
     "Usage: rt restore [options] CONTAINER_ID\n"
     "\n"
     "Make a new container CONTAINER_ID from the bundle and restore its processes\n"
     "from a checkpoint; wait for it (as rt run) unless --detach. Needs criu in PATH.\n"
     "\n"
     "Options:\n"
     "  --image-path DIR            the checkpoint's images (default: ./checkpoint)\n"
     "  --work-path DIR             work files and restore.log (default: the image path)\n"
     "  -b, --bundle DIR            bundle directory (default: the current directory)\n"
     "  -d, --detach                return once the processes run\n"
     "  --pid-file PATH             write the restored init's pid to PATH\n"
     "  --console-socket PATH       unix socket that receives the new pty master\n"
     "  --no-subreaper              do not become a subreaper in the foreground\n"
     "  --no-pivot                  accepted for runc's sake (CRIU sets up the root)\n"
     "  --tcp-established           allow open TCP connections\n"
     "  --ext-unix-sk               allow external unix sockets\n"
     "  --shell-job                 allow shell jobs\n"
     "  --file-locks                handle file locks\n"
     "  --manage-cgroups-mode MODE  soft (default), full, strict or ignore\n"
     "  --empty-ns network          make the namespace but do not restore its properties\n"
     "  --auto-dedup                deduplicate memory images\n"
     "  --lazy-pages                restore the memory pages lazily (userfaultfd)\n"},
    {NULL, NULL, NULL, NULL},
};
