/* The training report of a recorded session, from its telemetry and events alone: times, the
 * phases, punctures and redirections, accuracy at the injections, deviation from the plan and
 * how often the needle was seen. */
#ifndef NG_REPORT_H
#define NG_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "guidance/phase.h"
#include "guidance/plan.h"
#include "util/errbuf.h"

/* One telemetry frame, as much as the report needs. */
typedef struct {
    double t_ms;
    bool seen;               /* needle found with confidence >= TRACK_CONFIDENT */
    ng_vec2 tip, shaft_start;
    ng_phase phase;
    bool dist_valid;
    double dist_mm, offset_mm, angle_dev_deg;
    ng_vec2 target_px;
} report_frame;

typedef struct {
    double t_ms;
    ng_phase from, to;
} report_transition;

typedef struct {
    double t_ms;
    ng_plan plan;
} report_plan;               /* a plan set during the session (planning mode, later the socket) */

typedef struct {
    report_frame *frames;
    size_t nframes;
    report_transition *moves;
    size_t nmoves;
    report_plan *plans;
    size_t nplans;
    double t0_ms;            /* the session's start on the telemetry clock */
    ng_plan plan;
    double mm_per_px;
} report_input;

#define REPORT_GAP_MS 500.0  /* a needle unseen for less than this is the same sighting */

typedef struct {
    size_t frames;
    double session_s;
    double needle_in_s, needle_out_s;   /* first and last sight (s from the session start); -1 none */
    double procedure_s;                 /* needle in -> out */
    double phase_s[PHASE_COUNT];
    int punctures;                      /* sightings that begin outside a procedure (idle, done) */
    int redirections;                   /* the needle turned to the L5 target after a withdrawal */
    double l4_tip_mm, l5_tip_mm;        /* median tip-to-target at the injection; NAN: none */
    double max_offset_mm, max_angle_dev_deg;   /* from the planned path, while approaching */
    double seen_pct;
} report_figures;

/* Reads DIR/session.json, telemetry.jsonl and events.jsonl. 0, or -1 with the reason. */
int report_load(const char *dir, report_input *in, ng_errbuf *err);
/* The same without the frames (session.json and events.jsonl: the plans a replay sets). */
int report_load_events(const char *dir, report_input *in, ng_errbuf *err);
void report_input_free(report_input *in);
void report_compute(const report_input *in, report_figures *f);

#endif
