/* Telemetry: JSON Lines, one object per processed frame. */
#ifndef NG_TELEMETRY_H
#define NG_TELEMETRY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "guidance/guide.h"
#include "guidance/phase.h"
#include "tracking/tracker.h"

typedef struct {
    uint64_t frame;       /* processed-frame counter */
    double t_ms;          /* capture time since the pipeline started */
    uint64_t seq;         /* source sequence number */
    int width, height;    /* frame size */
    ng_track track;
    guide_state guide;    /* phase, anchored targets, guidance numbers */
    double still_ms;      /* the picture unchanged this long */
    bool rendered;        /* shown on screen, or superseded by a newer frame first */
    double latency_ms;    /* capture to render (or, not rendered, to end of processing) */
} telemetry_frame;

#define TELEMETRY_LINE 1024   /* room for any one line */

/* Each formats one line, newline included, into line[TELEMETRY_LINE]. */
/* A frame. */
void telemetry_frame_line(char *line, const telemetry_frame *t);
/* {"event":"source","state":S,"t_ms":T,"detail":D} */
void telemetry_source_line(char *line, const char *state, double t_ms, const char *detail);
/* {"event":"phase","from":A,"to":B,"t_ms":T,"auto":bool} */
void telemetry_phase_line(char *line, const phase_event *ev);
/* {"event":"plan","t_ms":T,"entry":[x,y],"l4_target":[x,y],"l5_target":[x,y],...} */
void telemetry_plan_line(char *line, double t_ms, const ng_plan *plan);
/* {"event":"record","state":S,"t_ms":T,"detail":D}: a recording started, stopped or failed */
void telemetry_record_line(char *line, const char *state, double t_ms, const char *detail);

#endif
