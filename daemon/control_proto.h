/* The control protocol: one JSON object per line, {"cmd":NAME,"args":[...]}; one JSON reply per
 * request, {"ok":true,...} or {"ok":false,"error":"..."}.
 *   status                          state, phase, fps, latency, recording, needle
 *   phase next | prev | set NAME    (NAME: idle, l4_approach, ..., done)
 *   record start | stop
 *   plan set   with "plan":{"entry":[x,y],"l4_target":[x,y],"l5_target":[x,y]}
 *   freeze on | off
 *   snapshot PATH                   a PNG of the screen */
#ifndef NG_CONTROL_PROTO_H
#define NG_CONTROL_PROTO_H

#include <stdbool.h>
#include <stddef.h>

#include "guidance/phase.h"
#include "guidance/plan.h"

#define CONTROL_LINE_MAX 4096   /* longest request line, newline included */
/* json-c's flags for a request or reply: one line, paths as they are */
#define CONTROL_JSON (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

typedef enum { CTL_STATUS, CTL_PHASE, CTL_RECORD, CTL_PLAN, CTL_FREEZE, CTL_SNAPSHOT } control_cmd;

typedef struct {
    control_cmd cmd;
    int step;              /* phase next (+1) / prev (-1); 0: set */
    ng_phase phase;        /* phase set */
    bool on;               /* record start, freeze on */
    ng_plan plan;          /* plan set (tolerance_mm 0: keep the running one) */
    char path[512];        /* snapshot */
} control_request;

/* Parses one request; -1 with what was wrong in why. */
int control_parse(const char *line, control_request *req, char *why, size_t n);

/* {"ok":false,"error":WHY} (JSON-escaped) into reply. */
void control_error_reply(char *reply, size_t n, const char *why);

/* The request the ctl client sends for its command line words (e.g. "phase" "set" "done"; a
 * plan as a JSON object word). NULL (malloc'd otherwise) with the reason in why. */
char *control_request_from_words(int argc, char **argv, char *why, size_t n);

#endif
