/* rt: signal names. */
#pragma once

/* "KILL", "SIGKILL", "kill", "9", "RTMIN+3" -> the signal number; 0 is
 * valid (kill(2): only whether the process is there); -1 when unknown. */
int signal_parse(const char *s);
