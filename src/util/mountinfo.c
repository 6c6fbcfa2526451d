#include "config.h"
#include "util/mountinfo.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rt_mountinfo_unescape(char *s) {
  char *w = s;
  for (char *r = s; *r; r++) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' &&
        r[3] <= '7') {
      *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
      r += 3;
    } else {
      *w++ = *r;
    }
  }
  *w = '\0';
}

/* The field at *p up to the next space (made a NUL); NULL when there is none. */
static char *next_field(char **p) {
  char *s = *p;
  if (!s || !*s)
    return NULL;
  char *e = strchr(s, ' ');
  if (e) {
    *e = '\0';
    *p = e + 1;
  } else {
    *p = s + strlen(s);
  }
  return s;
}

static bool parse_int(const char *s, int *v) {
  char *end;
  errno = 0;
  long n = strtol(s, &end, 10);
  if (errno || end == s || *end || n < 0 || n > INT_MAX)
    return false;
  *v = (int)n;
  return true;
}

int rt_mountinfo_parse_line(char *line, struct rt_mountinfo *m) {
  line[strcspn(line, "\n")] = '\0';
  char *p = line;
  char *id = next_field(&p), *parent = next_field(&p), *dev = next_field(&p);
  char *root = next_field(&p), *mnt = next_field(&p), *opts = next_field(&p);
  if (!opts || !parse_int(id, &m->mount_id) || !parse_int(parent, &m->parent_id) ||
      sscanf(dev, "%u:%u", &m->major, &m->minor) != 2)
    return -EINVAL;
  /* Optional fields up to the "-" field; none of them holds a space. */
  char *optional = p, *sep = p;
  while (!(sep[0] == '-' && (sep[1] == ' ' || sep[1] == '\0'))) {
    sep = strchr(sep, ' ');
    if (!sep)
      return -EINVAL;
    sep++;
  }
  if (sep == optional)
    optional = opts + strlen(opts); /* "" */
  else
    sep[-1] = '\0';
  p = sep + 1;
  if (*p == ' ')
    p++;
  char *fstype = next_field(&p), *source = next_field(&p);
  if (!fstype || !source)
    return -EINVAL;
  m->root = root;
  m->mount_point = mnt;
  m->options = opts;
  m->optional = optional;
  m->fstype = fstype;
  m->source = source;
  m->super_options = p; /* the rest: "" when missing */
  rt_mountinfo_unescape(m->root);
  rt_mountinfo_unescape(m->mount_point);
  rt_mountinfo_unescape(m->source);
  return 0;
}

int rt_mountinfo_next(char **cursor, struct rt_mountinfo *m) {
  while (*cursor && **cursor) {
    char *line = *cursor;
    char *nl = strchr(line, '\n');
    if (nl) {
      *nl = '\0';
      *cursor = nl + 1;
    } else {
      *cursor = line + strlen(line);
    }
    if (rt_mountinfo_parse_line(line, m) == 0)
      return 1;
  }
  return 0;
}

bool rt_mountinfo_has_optional(const struct rt_mountinfo *m, const char *tag) {
  size_t n = strlen(tag);
  for (const char *f = m->optional; *f;) {
    size_t len = strcspn(f, " ");
    if (len >= n && strncmp(f, tag, n) == 0 && (len == n || f[n] == ':'))
      return true;
    f += len;
    while (*f == ' ')
      f++;
  }
  return false;
}
