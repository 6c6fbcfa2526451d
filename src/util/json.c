#include "config.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

char *rt_json_escape(const char *s) {
  size_t len = strlen(s);
  char *out = malloc(len * 6 + 1);
  if (!out)
    return NULL;
  char *o = out;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': *o++ = '\\'; *o++ = '"'; break;
    case '\\': *o++ = '\\'; *o++ = '\\'; break;
    case '\n': *o++ = '\\'; *o++ = 'n'; break;
    case '\r': *o++ = '\\'; *o++ = 'r'; break;
    case '\t': *o++ = '\\'; *o++ = 't'; break;
    default:
      if (*p < 0x20)
        o += sprintf(o, "\\u%04x", *p);
      else
        *o++ = (char)*p;
    }
  }
  *o = '\0';
  return out;
}
