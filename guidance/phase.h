/* The procedure's phases (one puncture, two points) and the automatic transitions between them,
 * from the tracked needle and the image: a pure state machine, fed one frame's evidence at a
 * time, so scripted inputs can drive every transition. */
#ifndef NG_PHASE_H
#define NG_PHASE_H

#include <stdbool.h>
#include <stddef.h>

#include "guidance/plan.h"

typedef enum {
    PHASE_IDLE,
    PHASE_L4_APPROACH,
    PHASE_L4_AT_TARGET,
    PHASE_WITHDRAW,      /* back to the subcutaneous layer */
    PHASE_REPOSITION,    /* probe rotated: lateral end fixed, medial end caudal */
    PHASE_L5_APPROACH,   /* redirected superolateral to inferomedial */
    PHASE_L5_AT_TARGET,
    PHASE_DONE,
    PHASE_COUNT
} ng_phase;

const char *phase_name(ng_phase p);
/* The phase called name; false when there is none. */
bool phase_parse(const char *name, ng_phase *out);

typedef struct {
    double dwell_ms;        /* tip within tolerance of a target this long: at target */
    double withdraw_frac;   /* tip back along the shaft by more than this part of its depth */
    double view_change;     /* image change (0 same view .. 1 unrelated) meaning a new view */
    double advance_mm;      /* after the rotation, the tip advancing this far: the L5 approach */
    double gone_ms;         /* at L5, the needle unseen this long: done */
    double near_mm;         /* a tip that came this close to a target but never held within
                             * tolerance (a faint tip lost against the bone) and was then withdrawn
                             * or gone: that target's injection was done, move on */
} phase_opts;

void phase_opts_default(phase_opts *o);

/* One frame's evidence. */
typedef struct {
    double t_ms;
    bool needle;            /* a confidently tracked needle (an uncertain one is no evidence) */
    ng_vec2 tip;            /* captured-frame pixels, when needle */
    double view_change;     /* from frame-to-frame registration of the image */
} phase_input;

typedef struct {
    ng_phase from, to;
    double t_ms;
    bool automatic;         /* false: forced (keys N/B, the control socket) */
} phase_event;

typedef struct {
    phase_opts o;
    ng_plan plan;
    double mm_per_px;
    ng_phase phase;
    double near_since_ms;   /* tip first seen within tolerance of this phase's target; < 0 none */
    double depth_max_mm;    /* deepest insertion seen at L4 */
    double depth_min_mm;    /* shallowest since the withdrawal */
    double last_seen_ms;    /* last confident needle */
    double closest_mm;      /* the tip's closest approach to this phase's target */
    double entered_ms;      /* when the current phase began; < 0 before the first frame */
    double started_ms;      /* when the procedure left idle; < 0 not yet */
    double ended_ms;        /* when it reached done; < 0 not yet */
} phase_machine;

void phase_init(phase_machine *m, const phase_opts *o, const ng_plan *plan, double mm_per_px);
/* Feeds one frame; true with *ev filled when the phase changed. */
bool phase_update(phase_machine *m, const phase_input *in, phase_event *ev);
/* Forces the next (dir > 0) or previous phase; false at either end. */
bool phase_step(phase_machine *m, int dir, double t_ms, phase_event *ev);
/* Forces a phase by name (the control socket's "phase set"); false when already in it. */
bool phase_set(phase_machine *m, ng_phase to, double t_ms, phase_event *ev);
/* Time in the current phase, and the procedure's time (leaving idle to done, or to now). */
double phase_time_ms(const phase_machine *m, double now_ms);
double phase_total_ms(const phase_machine *m, double now_ms);
/* The telemetry line of an event: {"event":"phase","from":A,"to":B,"t_ms":T,"auto":bool}. */
int phase_event_json(const phase_event *ev, char *buf, size_t size);

#endif
