/* rt resume: thaw a paused container. */
#include "config.h"

#include "cmd/cmd.h"

int cmd_freeze_common(rt_globals *g, const char *name, int argc, char **argv, bool freeze);

CMD(resume) {
  return cmd_freeze_common(g, "resume", argc, argv, false);
}
