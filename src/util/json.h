/* Small JSON helpers shared by the log, the state store and the parser. */
#pragma once
#include <stdlib.h>

/* Returns a malloc'd copy of s with JSON string escapes (no quotes). */
char *rt_json_escape(const char *s);
