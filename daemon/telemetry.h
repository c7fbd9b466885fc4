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

/* Writes one line (with newline) for a frame. */
void telemetry_write_frame(FILE *f, const telemetry_frame *t);
/* {"event":"source","state":S,"t_ms":T,"detail":D} */
void telemetry_write_source_event(FILE *f, const char *state, double t_ms, const char *detail);
/* {"event":"phase","from":A,"to":B,"t_ms":T,"auto":bool} */
void telemetry_write_phase_event(FILE *f, const phase_event *ev);

#endif
