/* Unit tests of the config.json parser's error paths: each rejected
 * document gives one exact message naming the file and the JSON path.
 * JSON is written with ' for " to keep the C readable. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libocispec/oci_config.h"
#include "tap.h"

/* The document with every ' turned into ". */
static char *dq(const char *s) {
  char *d = strdup(s);
  if (!d)
    abort();
  for (char *p = d; *p; p++)
    if (*p == '\'')
      *p = '"';
  return d;
}

enum doc { CONFIG, PROCESS, RESOURCES };

/* Parse as the kind of document; NULL with err filled on failure. */
static void *parse(enum doc kind, const char *json, rt_error *err) {
  char *text = dq(json);
  void *out = NULL;
  size_t len = strlen(text);
  switch (kind) {
  case CONFIG:
    out = oci_config_parse_data(text, len, "config.json", err);
    break;
  case PROCESS:
    out = oci_process_parse_data(text, len, "process.json", err);
    break;
  case RESOURCES:
    out = oci_resources_parse_data(text, len, "resources.json", err);
    break;
  }
  free(text);
  return out;
}

static void release(enum doc kind, void *p) {
  if (kind == CONFIG)
    oci_config_free(p);
  else if (kind == PROCESS)
    oci_process_free(p);
  else
    oci_resources_free(p);
}

static void expect_error(enum doc kind, const char *json, const char *want) {
  rt_error err = {0};
  void *out = parse(kind, json, &err);
  ok(out == NULL, "rejected: %s", want);
  if (out) {
    printf("#   document: %s\n", json);
    release(kind, out);
    return;
  }
  is_str(err.msg, want, "  message");
}

static void expect_ok(enum doc kind, const char *json, const char *what) {
  rt_error err = {0};
  void *out = parse(kind, json, &err);
  ok(out != NULL, "accepted: %s", what);
  if (!out)
    printf("#   error: %s\n", err.msg);
  release(kind, out);
}

static oci_config *config_ok(const char *json, const char *what) {
  rt_error err = {0};
  oci_config *c = parse(CONFIG, json, &err);
  ok(c != NULL, "accepted: %s", what);
  if (!c)
    printf("#   error: %s\n", err.msg);
  return c;
}

#define V "'ociVersion':'1.3.0'"
/* A minimal valid process object, open for more members. */
#define PROC "'process':{'args':['sh'],'cwd':'/'"

struct table {
  const char *json, *want;
};

static void run_table(enum doc kind, const struct table *t, size_t n) {
  for (size_t i = 0; i < n; i++)
    expect_error(kind, t[i].json, t[i].want);
}
#define RUN(kind, t) run_table(kind, t, sizeof t / sizeof *t)

/* ---- malformed JSON ------------------------------------------------------------- */

static void test_malformed(void) {
  static const struct table t[] = {
      {"", "config.json: invalid JSON: parse error: premature EOF at line 1, column 1"},
      {"{'ociVersion': '1.0.0',\n  'process': }",
       "config.json: invalid JSON: parse error: unallowed token at this point in JSON text at "
       "line 2, column 14"},
      {"{'ociVersion': '1.0.0',}",
       "config.json: invalid JSON: parse error: invalid object key (must be a string) at line 1, "
       "column 24"},
      {"{} {}", "config.json: invalid JSON: parse error: trailing garbage at line 1, column 4"},
      {"{'a': [1, 2}",
       "config.json: invalid JSON: parse error: after array element, I expect ',' or ']' at "
       "line 1, column 12"},
      {"{'a'\n\n: tru }",
       "config.json: invalid JSON: lexical error: invalid string in json text at line 3, column "
       "5"},
      {"{\n'ociVersion': '1.0.0'",
       "config.json: invalid JSON: parse error: premature EOF at line 2, column 22"},
      {"{'a': '\xff'}",
       "config.json: invalid JSON: lexical error: invalid bytes in UTF8 string at line 1, column "
       "8"},
      {"{'ociVersion': '1.0.0', 'hostname': 'a\\u0000b'}",
       "config.json: invalid JSON: a string contains \\u0000 at line 1, column 39"},
      {"[]", "config.json: expected an object, got an array"},
      {"'1.0.0'", "config.json: expected an object, got a string"},
      {"null", "config.json: expected an object, got null"},
  };
  RUN(CONFIG, t);

  /* A NUL byte in the text. */
  rt_error err = {0};
  const char text[] = "{\"ociVersion\": \"1.0.0\"}\0{}";
  oci_config *c = oci_config_parse_data(text, sizeof text - 1, "config.json", &err);
  ok(c == NULL, "rejected: a NUL byte in the text");
  oci_config_free(c);
  is_str(err.msg, "config.json: invalid JSON: NUL byte in the text at line 1, column 24",
         "  message");

  /* Nesting deeper than the limit (yajl frees its tree recursively). */
  char deep[2048] = "{'ociVersion':'1.0.0','x':";
  size_t n = strlen(deep);
  for (int i = 0; i < 600; i++)
    deep[n++] = '[';
  deep[n] = '\0';
  expect_error(CONFIG, deep,
               "config.json: invalid JSON: nested deeper than 512 levels at line 1, column 538");
  /* \\u0000 is an escaped backslash followed by text, and comments are allowed. */
  expect_ok(CONFIG, "{" V ",'hostname':'a\\\\u0000b'}", "an escaped backslash before u0000");
  expect_ok(CONFIG, "/* c */ {" V " // line\n}", "comments");
}

/* ---- ociVersion -------------------------------------------------------------------- */

static void test_version(void) {
  static const struct table t[] = {
      {"{}", "config.json: .ociVersion: missing required field"},
      {"{'ociVersion': null}", "config.json: .ociVersion: missing required field"},
      {"{'ociVersion': 1}", "config.json: .ociVersion: expected a string, got an integer"},
      {"{'ociVersion': '2.0.0'}",
       "config.json: .ociVersion: unsupported version \"2.0.0\" (this runtime implements 1.x)"},
      {"{'ociVersion': '0.9'}",
       "config.json: .ociVersion: unsupported version \"0.9\" (this runtime implements 1.x)"},
      {"{'ociVersion': '0.1.0'}",
       "config.json: .ociVersion: unsupported version \"0.1.0\" (this runtime implements 1.x)"},
      {"{'ociVersion': '1.0'}",
       "config.json: .ociVersion: unsupported version \"1.0\" (this runtime implements 1.x)"},
      {"{'ociVersion': ''}",
       "config.json: .ociVersion: unsupported version \"\" (this runtime implements 1.x)"},
      {"{'ociVersion': 'v1.0.0'}",
       "config.json: .ociVersion: unsupported version \"v1.0.0\" (this runtime implements 1.x)"},
      {"{'ociVersion': '1.0.0-'}",
       "config.json: .ociVersion: unsupported version \"1.0.0-\" (this runtime implements 1.x)"},
      {"{'ociVersion': '1.0.x'}",
       "config.json: .ociVersion: unsupported version \"1.0.x\" (this runtime implements 1.x)"},
      {"{'ociVersion': '10.0.0'}",
       "config.json: .ociVersion: unsupported version \"10.0.0\" (this runtime implements 1.x)"},
  };
  RUN(CONFIG, t);
  static const char *const good[] = {"1.0.0",     "1.0.1",        "1.1.0",    "1.2.1",
                                     "1.3.0",     "1.4.0",        "1.10.100", "1.0.2-dev",
                                     "1.0.0-rc5", "1.2.0+build.1"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    char json[128];
    snprintf(json, sizeof json, "{'ociVersion':'%s'}", good[i]);
    expect_ok(CONFIG, json, good[i]);
  }
}

/* ---- types and scalars ------------------------------------------------------------------ */

static void test_types(void) {
  static const struct table t[] = {
      {"{" V ",'linux':{'resources':{'memory':{'limit':'1'}}}}",
       "config.json: .linux.resources.memory.limit: expected an integer, got a string"},
      {"{" V ",'mounts':[{'destination':'/a'},{'destination':'/b'},{'destination':5}]}",
       "config.json: .mounts[2].destination: expected a string, got an integer"},
      {"{" V ",'mounts':[{'destination':'/a'},{'source':'x'}]}",
       "config.json: .mounts[1].destination: missing required field"},
      {"{" V ",'mounts':{}}", "config.json: .mounts: expected an array, got an object"},
      {"{" V ",'mounts':['/proc']}", "config.json: .mounts[0]: expected an object, got a string"},
      {"{" V ",'mounts':[{'destination':'/a','options':'ro'}]}",
       "config.json: .mounts[0].options: expected an array, got a string"},
      {"{" V ",'mounts':[{'destination':'/a','options':['ro',1.5]}]}",
       "config.json: .mounts[0].options[1]: expected a string, got a number"},
      {"{" V
       ",'mounts':[{'destination':'/a','uidMappings':[{'containerID':0,'hostID':1,'size':1}]}]}",
       "config.json: .mounts[0].gidMappings: missing required field (uidMappings and "
       "gidMappings go together)"},
      {"{" V ",'root':{}}", "config.json: .root.path: missing required field"},
      {"{" V ",'root':{'path':'r','readonly':'yes'}}",
       "config.json: .root.readonly: expected a boolean, got a string"},
      {"{" V ",'root':'rootfs'}", "config.json: .root: expected an object, got a string"},
      {"{" V ",'hostname':true}", "config.json: .hostname: expected a string, got a boolean"},
      {"{" V ",'domainname':[]}", "config.json: .domainname: expected a string, got an array"},
      {"{" V ",'process':'sh'}", "config.json: .process: expected an object, got a string"},
      {"{" V ",'linux':[]}", "config.json: .linux: expected an object, got an array"},
      {"{" V ",'annotations':{'com.example.x':1}}",
       "config.json: .annotations[\"com.example.x\"]: expected a string, got an integer"},
      {"{" V ",'annotations':{'a\\'b':null}}",
       "config.json: .annotations[\"a\\\"b\"]: expected a string, got null"},
      {"{" V ",'annotations':{'':'x'}}", "config.json: .annotations: empty key"},
      {"{" V ",'annotations':['a=b']}",
       "config.json: .annotations: expected an object of strings, got an array"},
      {"{" V ",'hooks':[]}", "config.json: .hooks: expected an object, got an array"},
      {"{" V ",'hooks':{'prestart':{}}}",
       "config.json: .hooks.prestart: expected an array, got an object"},
  };
  RUN(CONFIG, t);
}

static void test_integers(void) {
  static const struct table t[] = {
      {"{" V ",'linux':{'resources':{'memory':{'limit':1.5}}}}",
       "config.json: .linux.resources.memory.limit: expected an integer, got a number (1.5)"},
      {"{" V ",'linux':{'resources':{'memory':{'limit':1e3}}}}",
       "config.json: .linux.resources.memory.limit: expected an integer, got a number (1e3)"},
      {"{" V ",'linux':{'resources':{'memory':{'limit':9223372036854775808}}}}",
       "config.json: .linux.resources.memory.limit: 9223372036854775808 is out of range "
       "(-9223372036854775808 to 9223372036854775807)"},
      {"{" V ",'linux':{'resources':{'memory':{'limit':-9223372036854775809}}}}",
       "config.json: .linux.resources.memory.limit: -9223372036854775809 is out of range "
       "(-9223372036854775808 to 9223372036854775807)"},
      {"{" V ",'linux':{'resources':{'memory':{'swappiness':-1}}}}",
       "config.json: .linux.resources.memory.swappiness: -1 is out of range (0 to "
       "18446744073709551615)"},
      {"{" V ",'linux':{'resources':{'memory':{'disableOOMKiller':1}}}}",
       "config.json: .linux.resources.memory.disableOOMKiller: expected a boolean, got an "
       "integer"},
      {"{" V ",'linux':{'resources':{'blockIO':{'weight':65536}}}}",
       "config.json: .linux.resources.blockIO.weight: 65536 is out of range (0 to 65535)"},
      {"{" V ",'linux':{'resources':{'cpu':{'shares':-2}}}}",
       "config.json: .linux.resources.cpu.shares: -2 is out of range (0 to 18446744073709551615)"},
      {"{" V ",'linux':{'resources':{'cpu':{'cpus':0}}}}",
       "config.json: .linux.resources.cpu.cpus: expected a string, got an integer"},
      {"{" V ",'linux':{'uidMappings':[{'containerID':0,'hostID':4294967296,'size':1}]}}",
       "config.json: .linux.uidMappings[0].hostID: 4294967296 is out of range (0 to "
       "4294967295)"},
      {"{" V "," PROC ",'rlimits':[{'type':'RLIMIT_AS','soft':18446744073709551616,'hard':1}]}}",
       "config.json: .process.rlimits[0].soft: 18446744073709551616 is out of range (0 to "
       "18446744073709551615)"},
      {"{" V "," PROC ",'rlimits':[{'type':'RLIMIT_AS','soft':-1,'hard':1}]}}",
       "config.json: .process.rlimits[0].soft: -1 is out of range (0 to 18446744073709551615)"},
      {"{" V "," PROC ",'user':{'uid':-1}}}",
       "config.json: .process.user.uid: -1 is out of range (0 to 4294967295)"},
      {"{" V "," PROC ",'user':{'gid':4294967296}}}",
       "config.json: .process.user.gid: 4294967296 is out of range (0 to 4294967295)"},
      {"{" V "," PROC ",'user':{'uid':4294967295}}}",
       "config.json: .process.user.uid: 4294967295 is not an id the kernel can set (0 to "
       "2147483647)"},
      {"{" V "," PROC ",'user':{'gid':2147483648}}}",
       "config.json: .process.user.gid: 2147483648 is not an id the kernel can set (0 to "
       "2147483647)"},
      {"{" V "," PROC ",'user':{'additionalGids':[1,4294967295]}}}",
       "config.json: .process.user.additionalGids[1]: 4294967295 is not an id the kernel can set "
       "(0 to 2147483647)"},
      {"{" V "," PROC ",'user':{'umask':1.5}}}",
       "config.json: .process.user.umask: expected an integer, got a number (1.5)"},
      {"{" V "," PROC ",'user':{'additionalGids':[5,'6']}}}",
       "config.json: .process.user.additionalGids[1]: expected an integer, got a string"},
      {"{" V "," PROC ",'user':{'additionalGids':5}}}",
       "config.json: .process.user.additionalGids: expected an array, got an integer"},
      {"{" V "," PROC ",'oomScoreAdj':1001}}",
       "config.json: .process.oomScoreAdj: 1001 is out of range (-1000 to 1000)"},
      {"{" V "," PROC ",'scheduler':{'policy':'SCHED_OTHER','nice':2147483648}}}",
       "config.json: .process.scheduler.nice: 2147483648 is out of range (-2147483648 to "
       "2147483647)"},
      {"{" V ",'linux':{'timeOffsets':{'boottime':{'nanosecs':-1}}}}",
       "config.json: .linux.timeOffsets.boottime.nanosecs: -1 is out of range (0 to "
       "4294967295)"},
      {"{" V ",'linux':{'timeOffsets':{'monotonic':5}}}",
       "config.json: .linux.timeOffsets.monotonic: expected an object, got an integer"},
  };
  RUN(CONFIG, t);
  oci_config *c = config_ok("{" V ",'linux':{'resources':{'memory':{'limit':-0,'swap':-1}}}}",
                            "-0 and -1 as int64");
  ok(c && c->linux_->resources->memory->limit == 0 && c->linux_->resources->memory->swap == -1,
     "  values");
  oci_config_free(c);
}

/* ---- process -------------------------------------------------------------------------- */

static void test_process(void) {
  static const struct table t[] = {
      {"{" V ",'process':{'args':['sh']}}", "config.json: .process.cwd: missing required field"},
      {"{" V ",'process':{'args':['sh'],'cwd':null}}",
       "config.json: .process.cwd: missing required field"},
      {"{" V ",'process':{'args':['sh'],'cwd':'tmp'}}",
       "config.json: .process.cwd: must be an absolute path, got \"tmp\""},
      {"{" V ",'process':{'cwd':'/'}}", "config.json: .process.args: missing required field"},
      {"{" V ",'process':{'cwd':'/','args':[]}}",
       "config.json: .process.args: must have at least one entry"},
      {"{" V ",'process':{'cwd':'/','args':['sh',1]}}",
       "config.json: .process.args[1]: expected a string, got an integer"},
      {"{" V "," PROC ",'env':'A=B'}}",
       "config.json: .process.env: expected an array, got a string"},
      {"{" V "," PROC ",'terminal':'true'}}",
       "config.json: .process.terminal: expected a boolean, got a string"},
      {"{" V "," PROC ",'consoleSize':{'width':80}}}",
       "config.json: .process.consoleSize.height: missing required field"},
      {"{" V "," PROC ",'consoleSize':{'height':25}}}",
       "config.json: .process.consoleSize.width: missing required field"},
      {"{" V "," PROC ",'capabilities':{'bounding':'CAP_KILL'}}}",
       "config.json: .process.capabilities.bounding: expected an array, got a string"},
      {"{" V "," PROC ",'rlimits':[{'type':'RLIMIT_FOO','soft':1,'hard':1}]}}",
       "config.json: .process.rlimits[0].type: unknown rlimit type \"RLIMIT_FOO\" (expected one "
       "of RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_LOCKS, "
       "RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, "
       "RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK)"},
      {"{" V "," PROC ",'rlimits':[{'type':'nofile','soft':1,'hard':1}]}}",
       "config.json: .process.rlimits[0].type: unknown rlimit type \"nofile\" (expected one "
       "of RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_LOCKS, "
       "RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, "
       "RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK)"},
      {"{" V "," PROC ",'rlimits':[{'soft':1,'hard':1}]}}",
       "config.json: .process.rlimits[0].type: missing required field"},
      {"{" V "," PROC ",'rlimits':[{'type':'RLIMIT_CPU','hard':1}]}}",
       "config.json: .process.rlimits[0].soft: missing required field"},
      {"{" V "," PROC ",'rlimits':[{'type':'RLIMIT_CPU','soft':1}]}}",
       "config.json: .process.rlimits[0].hard: missing required field"},
      {"{" V "," PROC ",'rlimits':[{'type':'RLIMIT_CPU','soft':1,'hard':1},"
       "{'type':'RLIMIT_AS','soft':1,'hard':1},{'type':'RLIMIT_CPU','soft':2,'hard':2}]}}",
       "config.json: .process.rlimits[2].type: rlimit \"RLIMIT_CPU\" given twice"},
      {"{" V "," PROC ",'scheduler':{'nice':1}}}",
       "config.json: .process.scheduler.policy: missing required field"},
      {"{" V "," PROC ",'scheduler':{'policy':'SCHED_FOO'}}}",
       "config.json: .process.scheduler.policy: unknown scheduler policy \"SCHED_FOO\" (expected "
       "one of SCHED_OTHER, SCHED_FIFO, SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, "
       "SCHED_DEADLINE)"},
      {"{" V "," PROC ",'scheduler':{'policy':'SCHED_RR','flags':['SCHED_FLAG_RECLAIM','X']}}}",
       "config.json: .process.scheduler.flags[1]: unknown scheduler flag \"X\" (expected one of "
       "SCHED_FLAG_RESET_ON_FORK, SCHED_FLAG_RECLAIM, SCHED_FLAG_DL_OVERRUN, "
       "SCHED_FLAG_KEEP_POLICY, SCHED_FLAG_KEEP_PARAMS, SCHED_FLAG_UTIL_CLAMP_MIN, "
       "SCHED_FLAG_UTIL_CLAMP_MAX)"},
      {"{" V "," PROC ",'ioPriority':{'priority':1}}}",
       "config.json: .process.ioPriority.class: missing required field"},
      {"{" V "," PROC ",'ioPriority':{'class':'IOPRIO_CLASS_NONE'}}}",
       "config.json: .process.ioPriority.class: unknown I/O priority class \"IOPRIO_CLASS_NONE\" "
       "(expected one of IOPRIO_CLASS_RT, IOPRIO_CLASS_BE, IOPRIO_CLASS_IDLE)"},
      {"{" V "," PROC ",'ioPriority':{'class':'IOPRIO_CLASS_RT','priority':'high'}}}",
       "config.json: .process.ioPriority.priority: expected an integer, got a string"},
      {"{" V "," PROC ",'execCPUAffinity':{'initial':'0-3;7'}}}",
       "config.json: .process.execCPUAffinity.initial: invalid CPU list \"0-3;7\" (expected e.g. "
       "\"0-3,7\")"},
      {"{" V "," PROC ",'execCPUAffinity':{'final':'all'}}}",
       "config.json: .process.execCPUAffinity.final: invalid CPU list \"all\" (expected e.g. "
       "\"0-3,7\")"},
  };
  RUN(CONFIG, t);
}

/* ---- hooks and mappings ------------------------------------------------------------------- */

static void test_hooks(void) {
  static const char *const kinds[] = {"prestart",       "createRuntime", "createContainer",
                                      "startContainer", "poststart",     "poststop"};
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    char json[256], want[256];
    snprintf(json, sizeof json, "{" V ",'hooks':{'%s':[{'path':'/bin/true','timeout':0}]}}",
             kinds[i]);
    snprintf(want, sizeof want,
             "config.json: .hooks.%s[0].timeout: 0 is out of range (1 to 2147483647)", kinds[i]);
    expect_error(CONFIG, json, want);
  }
  static const struct table t[] = {
      {"{" V ",'hooks':{'poststop':[{'path':'/bin/true'},{'path':'/bin/x','timeout':-5}]}}",
       "config.json: .hooks.poststop[1].timeout: -5 is out of range (1 to 2147483647)"},
      {"{" V ",'hooks':{'poststop':[{'path':'/bin/x','timeout':1.5}]}}",
       "config.json: .hooks.poststop[0].timeout: expected an integer, got a number (1.5)"},
      {"{" V ",'hooks':{'prestart':[{'args':['x']}]}}",
       "config.json: .hooks.prestart[0].path: missing required field"},
      {"{" V ",'hooks':{'prestart':[{'path':'bin/x'}]}}",
       "config.json: .hooks.prestart[0].path: must be an absolute path, got \"bin/x\""},
      {"{" V ",'hooks':{'createRuntime':[{'path':'/x','env':[1]}]}}",
       "config.json: .hooks.createRuntime[0].env[0]: expected a string, got an integer"},
  };
  RUN(CONFIG, t);

  static const struct table maps[] = {
      {"{" V ",'linux':{'uidMappings':[{'hostID':1,'size':1}]}}",
       "config.json: .linux.uidMappings[0].containerID: missing required field"},
      {"{" V ",'linux':{'gidMappings':[{'containerID':0,'size':1}]}}",
       "config.json: .linux.gidMappings[0].hostID: missing required field"},
      {"{" V ",'linux':{'uidMappings':[{'containerID':0,'hostID':1,'size':1},"
       "{'containerID':0,'hostID':1}]}}",
       "config.json: .linux.uidMappings[1].size: missing required field"},
      {"{" V ",'mounts':[{'destination':'/a','gidMappings':[{'containerID':0,'hostID':1}]}]}",
       "config.json: .mounts[0].gidMappings[0].size: missing required field"},
  };
  RUN(CONFIG, maps);
}

/* ---- linux -------------------------------------------------------------------------------- */

static void test_namespaces(void) {
  static const struct table t[] = {
      {"{" V ",'linux':{'namespaces':[{'type':'pid'},{'type':'foo'}]}}",
       "config.json: .linux.namespaces[1].type: unknown namespace type \"foo\" (expected one of "
       "mount, pid, network, uts, ipc, user, cgroup, time)"},
      {"{" V ",'linux':{'namespaces':[{'type':'pid'},{'type':'mount'},{'type':'uts'},"
       "{'type':'pid'}]}}",
       "config.json: .linux.namespaces[3].type: namespace \"pid\" given twice"},
      {"{" V ",'linux':{'namespaces':[{'path':'/proc/1/ns/pid'}]}}",
       "config.json: .linux.namespaces[0].type: missing required field"},
      {"{" V ",'linux':{'namespaces':[{'type':'network','path':'proc/1/ns/net'}]}}",
       "config.json: .linux.namespaces[0].path: must be an absolute path, got \"proc/1/ns/net\""},
      {"{" V ",'linux':{'namespaces':['pid']}}",
       "config.json: .linux.namespaces[0]: expected an object, got a string"},
      {"{" V ",'linux':{'namespaces':{'type':'pid'}}}",
       "config.json: .linux.namespaces: expected an array, got an object"},
  };
  RUN(CONFIG, t);
}

static void test_linux_misc(void) {
  static const struct table t[] = {
      {"{" V ",'linux':{'rootfsPropagation':'foo'}}",
       "config.json: .linux.rootfsPropagation: unknown rootfs propagation \"foo\" (expected one "
       "of private, rprivate, slave, rslave, shared, rshared, unbindable, runbindable)"},
      {"{" V ",'linux':{'rootfsPropagation':1}}",
       "config.json: .linux.rootfsPropagation: expected a string, got an integer"},
      {"{" V ",'linux':{'devices':[{'path':'/dev/x','type':'x','major':1,'minor':1}]}}",
       "config.json: .linux.devices[0].type: unknown device type \"x\" (expected one of c, b, u, "
       "p)"},
      {"{" V ",'linux':{'devices':[{'path':'/dev/x','major':1,'minor':1}]}}",
       "config.json: .linux.devices[0].type: missing required field"},
      {"{" V ",'linux':{'devices':[{'type':'c','major':1,'minor':1}]}}",
       "config.json: .linux.devices[0].path: missing required field"},
      {"{" V ",'linux':{'devices':[{'path':'/dev/x','type':'c','minor':1}]}}",
       "config.json: .linux.devices[0].major: missing required field"},
      {"{" V ",'linux':{'devices':[{'path':'/dev/x','type':'b','major':1}]}}",
       "config.json: .linux.devices[0].minor: missing required field"},
      {"{" V ",'linux':{'devices':[{'path':'/dev/x','type':'c','major':1,'minor':1,"
       "'fileMode':65536}]}}",
       "config.json: .linux.devices[0].fileMode: 65536 is out of range (0 to 65535)"},
      {"{" V ",'linux':{'devices':[{'path':'/dev/x','type':'c','major':1,'minor':1,"
       "'fileMode':-1}]}}",
       "config.json: .linux.devices[0].fileMode: -1 is out of range (0 to 65535)"},
      {"{" V ",'linux':{'devices':[{'path':'/dev/x','type':'c','major':'1','minor':1}]}}",
       "config.json: .linux.devices[0].major: expected an integer, got a string"},
      {"{" V ",'linux':{'netDevices':['eth0']}}",
       "config.json: .linux.netDevices: expected an object, got an array"},
      {"{" V ",'linux':{'netDevices':{'eth0':'ctr0'}}}",
       "config.json: .linux.netDevices.eth0: expected an object, got a string"},
      {"{" V ",'linux':{'netDevices':{'eth0':{'name':5}}}}",
       "config.json: .linux.netDevices.eth0.name: expected a string, got an integer"},
      {"{" V ",'linux':{'sysctl':{'net.ipv4.ip_forward':1}}}",
       "config.json: .linux.sysctl[\"net.ipv4.ip_forward\"]: expected a string, got an integer"},
      {"{" V ",'linux':{'maskedPaths':['/proc/kcore','proc/keys']}}",
       "config.json: .linux.maskedPaths[1]: must be an absolute path, got \"proc/keys\""},
      {"{" V ",'linux':{'readonlyPaths':[true]}}",
       "config.json: .linux.readonlyPaths[0]: expected a string, got a boolean"},
      {"{" V ",'linux':{'cgroupsPath':{}}}",
       "config.json: .linux.cgroupsPath: expected a string, got an object"},
      {"{" V ",'linux':{'intelRdt':{'memBwSchema':'L3:0=f'}}}",
       "config.json: .linux.intelRdt.memBwSchema: must start with \"MB:\", got \"L3:0=f\""},
      {"{" V ",'linux':{'intelRdt':{'memBwSchema':'MB:0=1\\n'}}}",
       "config.json: .linux.intelRdt.memBwSchema: must not contain a newline"},
      {"{" V ",'linux':{'intelRdt':{'schemata':['L3:0=f','MB:0=1\\nL2:0=f']}}}",
       "config.json: .linux.intelRdt.schemata[1]: must not contain a newline"},
      {"{" V ",'linux':{'memoryPolicy':{'nodes':'0'}}}",
       "config.json: .linux.memoryPolicy.mode: missing required field"},
      {"{" V ",'linux':{'memoryPolicy':{'mode':'MPOL_FOO'}}}",
       "config.json: .linux.memoryPolicy.mode: unknown memory policy mode \"MPOL_FOO\" (expected "
       "one of MPOL_DEFAULT, MPOL_BIND, MPOL_INTERLEAVE, MPOL_WEIGHTED_INTERLEAVE, "
       "MPOL_PREFERRED, MPOL_PREFERRED_MANY, MPOL_LOCAL)"},
      {"{" V ",'linux':{'memoryPolicy':{'mode':'MPOL_BIND','flags':['MPOL_F_X']}}}",
       "config.json: .linux.memoryPolicy.flags[0]: unknown memory policy flag \"MPOL_F_X\" "
       "(expected one of MPOL_F_NUMA_BALANCING, MPOL_F_RELATIVE_NODES, MPOL_F_STATIC_NODES)"},
      {"{" V ",'linux':{'personality':{'domain':'LINUX64'}}}",
       "config.json: .linux.personality.domain: unknown personality domain \"LINUX64\" "
       "(expected one of LINUX, LINUX32)"},
      {"{" V ",'linux':{'personality':{'flags':[]}}}",
       "config.json: .linux.personality.domain: missing required field"},
  };
  RUN(CONFIG, t);
  static const char *const props[] = {"private", "rprivate", "slave",      "rslave",
                                      "shared",  "rshared",  "unbindable", "runbindable"};
  for (size_t i = 0; i < sizeof props / sizeof *props; i++) {
    char json[128];
    snprintf(json, sizeof json, "{" V ",'linux':{'rootfsPropagation':'%s'}}", props[i]);
    expect_ok(CONFIG, json, props[i]);
  }
  oci_config *c = config_ok("{" V ",'linux':{'rootfsPropagation':''}}", "rootfsPropagation \"\"");
  ok(c && c->linux_->rootfs_propagation == NULL, "  means unset");
  oci_config_free(c);
  /* podman writes the whole st_mode: 0020666 for a character device */
  c = config_ok("{" V ",'linux':{'devices':[{'path':'/dev/x','type':'c','major':1,'minor':3,"
                "'fileMode':8630}]}}",
                "a device fileMode with the file type bits (podman)");
  ok(c && c->linux_->n_devices == 1 && c->linux_->devices[0].file_mode == 0666,
     "  the type bits are dropped");
  oci_config_free(c);
}

static void test_seccomp(void) {
  static const struct table t[] = {
      {"{" V ",'linux':{'seccomp':{}}}",
       "config.json: .linux.seccomp.defaultAction: missing required field"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_DENY'}}}",
       "config.json: .linux.seccomp.defaultAction: unknown action \"SCMP_ACT_DENY\" (expected one "
       "of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, "
       "SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY)"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','defaultErrnoRet':-1}}}",
       "config.json: .linux.seccomp.defaultErrnoRet: -1 is out of range (0 to 4294967295)"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW',"
       "'architectures':['SCMP_ARCH_X86_64','x86_64']}}}",
       "config.json: .linux.seccomp.architectures[1]: unknown architecture \"x86_64\" (expected "
       "one of SCMP_ARCH_X86, SCMP_ARCH_X86_64, SCMP_ARCH_X32, SCMP_ARCH_ARM, SCMP_ARCH_AARCH64, "
       "SCMP_ARCH_LOONGARCH64, SCMP_ARCH_M68K, SCMP_ARCH_MIPS, SCMP_ARCH_MIPS64, "
       "SCMP_ARCH_MIPS64N32, SCMP_ARCH_MIPSEL, SCMP_ARCH_MIPSEL64, SCMP_ARCH_MIPSEL64N32, "
       "SCMP_ARCH_PPC, SCMP_ARCH_PPC64, SCMP_ARCH_PPC64LE, SCMP_ARCH_S390, SCMP_ARCH_S390X, "
       "SCMP_ARCH_SH, SCMP_ARCH_SHEB, SCMP_ARCH_PARISC, SCMP_ARCH_PARISC64, SCMP_ARCH_RISCV64)"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','flags':['TSYNC']}}}",
       "config.json: .linux.seccomp.flags[0]: unknown seccomp flag \"TSYNC\" (expected one of "
       "SECCOMP_FILTER_FLAG_TSYNC, SECCOMP_FILTER_FLAG_LOG, SECCOMP_FILTER_FLAG_SPEC_ALLOW, "
       "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','listenerMetadata':'m'}}}",
       "config.json: .linux.seccomp.listenerMetadata: given without listenerPath"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'action':"
       "'SCMP_ACT_ERRNO'}]}}}",
       "config.json: .linux.seccomp.syscalls[0].names: missing required field"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':[],"
       "'action':'SCMP_ACT_ERRNO'}]}}}",
       "config.json: .linux.seccomp.syscalls[0].names: must have at least one entry"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':"
       "['read']}]}}}",
       "config.json: .linux.seccomp.syscalls[0].action: missing required field"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':"
       "['read'],'action':'ALLOW'}]}}}",
       "config.json: .linux.seccomp.syscalls[0].action: unknown action \"ALLOW\" (expected one "
       "of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, "
       "SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY)"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':"
       "['read'],'action':'SCMP_ACT_ERRNO','args':[{'value':1,'op':'SCMP_CMP_EQ'}]}]}}}",
       "config.json: .linux.seccomp.syscalls[0].args[0].index: missing required field"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':"
       "['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':1,'op':'SCMP_CMP_EQ'}]}]}}}",
       "config.json: .linux.seccomp.syscalls[0].args[0].value: missing required field"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':"
       "['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':1,'value':2}]}]}}}",
       "config.json: .linux.seccomp.syscalls[0].args[0].op: missing required field"},
      {"{" V ",'linux':{'seccomp':{'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':"
       "['read'],'action':'SCMP_ACT_ERRNO','args':[{'index':1,'value':2,'op':'EQ'}]}]}}}",
       "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown operator \"EQ\" (expected "
       "one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, "
       "SCMP_CMP_MASKED_EQ)"},
  };
  RUN(CONFIG, t);
}

static void test_resources(void) {
  static const struct table t[] = {
      {"{" V ",'linux':{'resources':{'pids':{}}}}",
       "config.json: .linux.resources.pids.limit: missing required field"},
      {"{" V ",'linux':{'resources':{'pids':{'limit':'max'}}}}",
       "config.json: .linux.resources.pids.limit: expected an integer, got a string"},
      {"{" V ",'linux':{'resources':{'hugepageLimits':[{'pageSize':'2mb','limit':1}]}}}",
       "config.json: .linux.resources.hugepageLimits[0].pageSize: invalid page size \"2mb\" "
       "(expected e.g. 64KB, 2MB, 1GB)"},
      {"{" V ",'linux':{'resources':{'hugepageLimits':[{'pageSize':'02MB','limit':1}]}}}",
       "config.json: .linux.resources.hugepageLimits[0].pageSize: invalid page size \"02MB\" "
       "(expected e.g. 64KB, 2MB, 1GB)"},
      {"{" V ",'linux':{'resources':{'hugepageLimits':[{'pageSize':'2MBB','limit':1}]}}}",
       "config.json: .linux.resources.hugepageLimits[0].pageSize: invalid page size \"2MBB\" "
       "(expected e.g. 64KB, 2MB, 1GB)"},
      {"{" V ",'linux':{'resources':{'hugepageLimits':[{'pageSize':'MB','limit':1}]}}}",
       "config.json: .linux.resources.hugepageLimits[0].pageSize: invalid page size \"MB\" "
       "(expected e.g. 64KB, 2MB, 1GB)"},
      {"{" V ",'linux':{'resources':{'hugepageLimits':[{'limit':1}]}}}",
       "config.json: .linux.resources.hugepageLimits[0].pageSize: missing required field"},
      {"{" V ",'linux':{'resources':{'hugepageLimits':[{'pageSize':'2MB'}]}}}",
       "config.json: .linux.resources.hugepageLimits[0].limit: missing required field"},
      {"{" V ",'linux':{'resources':{'devices':[{'access':'rwm'}]}}}",
       "config.json: .linux.resources.devices[0].allow: missing required field"},
      {"{" V ",'linux':{'resources':{'devices':[{'allow':'true'}]}}}",
       "config.json: .linux.resources.devices[0].allow: expected a boolean, got a string"},
      {"{" V ",'linux':{'resources':{'devices':[{'allow':true,'type':'p'}]}}}",
       "config.json: .linux.resources.devices[0].type: unknown device type \"p\" (expected one "
       "of a, c, b)"},
      {"{" V ",'linux':{'resources':{'devices':[{'allow':true,'access':'rwx'}]}}}",
       "config.json: .linux.resources.devices[0].access: invalid access \"rwx\" (expected a "
       "combination of r, w, m)"},
      {"{" V ",'linux':{'resources':{'blockIO':{'weightDevice':[{'major':8,'minor':0}]}}}}",
       "config.json: .linux.resources.blockIO.weightDevice[0]: at least one of weight and "
       "leafWeight is required"},
      {"{" V ",'linux':{'resources':{'blockIO':{'weightDevice':[{'minor':0,'weight':1}]}}}}",
       "config.json: .linux.resources.blockIO.weightDevice[0].major: missing required field"},
      {"{" V ",'linux':{'resources':{'blockIO':{'throttleReadBpsDevice':[{'major':8,'minor':0}]}"
       "}}}",
       "config.json: .linux.resources.blockIO.throttleReadBpsDevice[0].rate: missing required "
       "field"},
      {"{" V ",'linux':{'resources':{'blockIO':{'throttleWriteIOPSDevice':[{'major':8,"
       "'rate':1}]}}}}",
       "config.json: .linux.resources.blockIO.throttleWriteIOPSDevice[0].minor: missing "
       "required field"},
      {"{" V ",'linux':{'resources':{'network':{'priorities':[{'priority':1}]}}}}",
       "config.json: .linux.resources.network.priorities[0].name: missing required field"},
      {"{" V ",'linux':{'resources':{'network':{'priorities':[{'name':'eth0'}]}}}}",
       "config.json: .linux.resources.network.priorities[0].priority: missing required field"},
      {"{" V ",'linux':{'resources':{'rdma':{'mlx5_0':{}}}}}",
       "config.json: .linux.resources.rdma.mlx5_0: at least one of hcaHandles and hcaObjects is "
       "required"},
      {"{" V ",'linux':{'resources':{'rdma':{'mlx5_0':3}}}}",
       "config.json: .linux.resources.rdma.mlx5_0: expected an object, got an integer"},
      {"{" V ",'linux':{'resources':{'rdma':{'mlx-5':{'hcaHandles':-3}}}}}",
       "config.json: .linux.resources.rdma[\"mlx-5\"].hcaHandles: -3 is out of range (0 to "
       "4294967295)"},
      {"{" V ",'linux':{'resources':{'unified':{'memory.max':1024}}}}",
       "config.json: .linux.resources.unified[\"memory.max\"]: expected a string, got an "
       "integer"},
      {"{" V ",'linux':{'resources':5}}",
       "config.json: .linux.resources: expected an object, got an integer"},
  };
  RUN(CONFIG, t);
}

/* ---- process.json and resources.json ------------------------------------------------------ */

static void test_other_documents(void) {
  static const struct table p[] = {
      {"{'args':['sh']}", "process.json: .cwd: missing required field"},
      {"{'args':['sh'],'cwd':'relative'}",
       "process.json: .cwd: must be an absolute path, got \"relative\""},
      {"{'args':['sh'],'cwd':'/','rlimits':[{'type':'RLIMIT_X','soft':1,'hard':1}]}",
       "process.json: .rlimits[0].type: unknown rlimit type \"RLIMIT_X\" (expected one of "
       "RLIMIT_AS, RLIMIT_CORE, RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE, RLIMIT_LOCKS, "
       "RLIMIT_MEMLOCK, RLIMIT_MSGQUEUE, RLIMIT_NICE, RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_RSS, "
       "RLIMIT_RTPRIO, RLIMIT_RTTIME, RLIMIT_SIGPENDING, RLIMIT_STACK)"},
      {"{'args':['sh'],'cwd':'/','user':{'uid':'root'}}",
       "process.json: .user.uid: expected an integer, got a string"},
      {"['sh']", "process.json: expected an object, got an array"},
      {"{'args':", "process.json: invalid JSON: parse error: premature EOF at line 1, column 9"},
  };
  RUN(PROCESS, p);
  expect_ok(PROCESS, "{'args':['sh'],'cwd':'/','x-unknown':{}}", "a minimal process.json");

  static const struct table r[] = {
      {"{'memory':{'limit':'1G'}}",
       "resources.json: .memory.limit: expected an integer, got a string"},
      {"{'pids':{}}", "resources.json: .pids.limit: missing required field"},
      {"{'cpu':{'quota':1.5}}", "resources.json: .cpu.quota: expected an integer, got a number "
                                "(1.5)"},
      {"[]", "resources.json: expected an object, got an array"},
      {"{'memory':", "resources.json: invalid JSON: parse error: premature EOF at line 1, "
                     "column 11"},
  };
  RUN(RESOURCES, r);
  expect_ok(RESOURCES, "{}", "an empty resources.json");
}

/* ---- leniency: unknown members, nulls, other platforms, repeated keys --------------------- */

static void test_lenient(void) {
  oci_config *c = config_ok("{" V ",'x':1,'windows':5,'solaris':'s','vm':[],'zos':{'a':1},"
                            "'freebsd':true,'hostname':null,'process':null,'linux':{'x':[1],"
                            "'seccomp':null,'resources':{'x':{}}}}",
                            "unknown members, other platforms, nulls");
  ok(c && !c->hostname && !c->process && c->linux_ && !c->linux_->seccomp && c->linux_->resources,
     "  null members are absent");
  oci_config_free(c);

  c = config_ok("{" V ",'hostname':'a','hostname':'b','annotations':{'k':'1','j':'2','k':'3'}}",
                "repeated keys");
  ok(c && strcmp(c->hostname, "b") == 0, "  the last member wins");
  ok(c && c->annotations.n == 2 && strcmp(oci_map_get(&c->annotations, "k"), "3") == 0 &&
         strcmp(oci_map_get(&c->annotations, "j"), "2") == 0,
     "  a repeated annotation keeps its last value");
  oci_config_free(c);

  /* A large map goes through the sorted path. */
  char big[16384] = "{" V ",'annotations':{";
  size_t n = strlen(big);
  for (int i = 0; i < 200; i++)
    n += (size_t)snprintf(big + n, sizeof big - n, "%s'k%d':'v%d'", i ? "," : "", i % 150, i);
  snprintf(big + n, sizeof big - n, "}}");
  c = config_ok(big, "200 annotations with 50 repeated keys");
  ok(c && c->annotations.n == 150, "  150 distinct keys");
  ok(c && strcmp(oci_map_get(&c->annotations, "k10"), "v160") == 0 &&
         strcmp(oci_map_get(&c->annotations, "k60"), "v60") == 0,
     "  last values kept");
  oci_config_free(c);

  c = config_ok("{" V ",'linux':{'resources':{'rdma':{'a':{'hcaHandles':1},'a':{'hcaObjects':2}}},"
                "'netDevices':{'eth0':{'name':'x'},'eth0':{}}}}",
                "repeated keys in maps of objects");
  ok(c && c->linux_->resources->n_rdma == 1 && !c->linux_->resources->rdma[0].has_hca_handles &&
         c->linux_->resources->rdma[0].hca_objects == 2,
     "  rdma: the last entry wins");
  ok(c && c->linux_->n_net_devices == 1 && c->linux_->net_devices[0].name == NULL,
     "  netDevices: the last entry wins");
  oci_config_free(c);

  c = config_ok("{" V ",'mounts':[{'destination':'/a','uidMappings':null}]}",
                "a null uidMappings without gidMappings");
  oci_config_free(c);
}

int main(void) {
  test_malformed();
  test_version();
  test_types();
  test_integers();
  test_process();
  test_hooks();
  test_namespaces();
  test_linux_misc();
  test_seccomp();
  test_resources();
  test_other_documents();
  test_lenient();
  return tap_done();
}
