/* CVE-2019-5736: rt's children (the container's init, the exec child, the
 * hooks the init forks) are clones of rt, so their /proc/self/exe is rt's
 * binary. A program in the container that the kernel starts through
 * /proc/self/exe (a `#!/proc/self/exe` script, an ELF interpreter, ...)
 * runs that binary and can reopen it for writing once rt has exited.
 *
 * exe_seal_ensure makes sure the binary rt runs from cannot be written
 * through /proc/self/exe: when it can (rt's effective ids may write the file
 * and it is no sealed memfd), rt execs itself once more from a read-only
 * overlayfs mount that nobody can reach (fsopen/fsmount, needs
 * CAP_SYS_ADMIN) or, where that fails, from a sealed memfd copy. Called by
 * the commands that start a process in a container (create, run, exec),
 * before anything else; the others never pay for it. docs/security.md. */
#pragma once

#include "util/error.h"

/* Returns 0 when the running binary is safe (or made safe); execs and does
 * not return when it re-execs; -1 with err set when neither way worked. */
int exe_seal_ensure(char **argv, rt_error *err);

/* Removes rt's marker variable from the environment (main calls it first). */
void exe_seal_forget_marker(void);

/* How the running binary is protected: "read-only mount", "sealed memfd",
 * "not writable", or "unprotected" (for --debug and the tests). */
const char *exe_seal_describe(void);
