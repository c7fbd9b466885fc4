#include "record/report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "tracking/tracker.h"
#include "util/stats.h"

static ng_phase phase_of(const char *name)
{
    for (int p = 0; p < PHASE_COUNT; p++)
        if (name && !strcmp(name, phase_name((ng_phase)p)))
            return (ng_phase)p;
    return PHASE_IDLE;
}

static double num(json_object *o, const char *key, bool *valid)
{
    json_object *v;
    bool ok = json_object_object_get_ex(o, key, &v) &&
              (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int));
    if (valid)
        *valid = ok;
    return ok ? json_object_get_double(v) : 0;
}

static ng_vec2 pair(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array) ||
        json_object_array_length(v) != 2)
        return ng_v2(NAN, NAN);
    return ng_v2(json_object_get_double(json_object_array_get_idx(v, 0)),
                 json_object_get_double(json_object_array_get_idx(v, 1)));
}

static const char *str(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : NULL;
}

static bool flag(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

/* Calls fn for each JSON object line of path; lines that do not parse (a cut-off last line
 * after a crash) are skipped. */
static int each_line(const char *path, void (*fn)(json_object *, void *), void *ctx,
                     ng_errbuf *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        ng_err_add(err, "%s: cannot open", path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_object *o = json_tokener_parse(line);
        if (o && json_object_is_type(o, json_type_object))
            fn(o, ctx);
        json_object_put(o);
    }
    free(line);
    fclose(f);
    return 0;
}

static void add_frame(json_object *o, void *ctx)
{
    report_input *in = ctx;
    bool has_frame;
    num(o, "frame", &has_frame);
    if (!has_frame)
        return;
    report_frame *fr = realloc(in->frames, (in->nframes + 1) * sizeof *fr);
    if (!fr)
        return;
    in->frames = fr;
    report_frame *r = &fr[in->nframes++];
    memset(r, 0, sizeof *r);
    r->t_ms = num(o, "t_ms", NULL);
    r->seen = flag(o, "needle") && num(o, "confidence", NULL) >= TRACK_CONFIDENT;
    r->tip = pair(o, "tip");
    r->shaft_start = pair(o, "shaft_start");
    r->phase = phase_of(str(o, "phase"));
    r->dist_mm = num(o, "target_dist_mm", &r->dist_valid);
    r->offset_mm = num(o, "offset_mm", NULL);
    r->angle_dev_deg = num(o, "angle_dev_deg", NULL);
    r->target_px = pair(o, "target_px");
}

static void add_plan(json_object *o, report_input *in)
{
    report_plan *p = realloc(in->plans, (in->nplans + 1) * sizeof *p);
    if (!p)
        return;
    in->plans = p;
    p[in->nplans++] = (report_plan){
        num(o, "t_ms", NULL),
        { .entry = pair(o, "entry"), .l4_target = pair(o, "l4_target"),
          .l5_target = pair(o, "l5_target"), .tolerance_mm = num(o, "tolerance_mm", NULL) },
    };
}

static void add_event(json_object *o, void *ctx)
{
    report_input *in = ctx;
    const char *ev = str(o, "event");
    if (ev && !strcmp(ev, "plan"))
        add_plan(o, in);
    if (!ev || strcmp(ev, "phase"))
        return;
    report_transition *m = realloc(in->moves, (in->nmoves + 1) * sizeof *m);
    if (!m)
        return;
    in->moves = m;
    m[in->nmoves++] = (report_transition){ num(o, "t_ms", NULL), phase_of(str(o, "from")),
                                           phase_of(str(o, "to")) };
}

int report_load_events(const char *dir, report_input *in, ng_errbuf *err)
{
    memset(in, 0, sizeof *in);
    char path[1100];
    snprintf(path, sizeof path, "%s/session.json", dir);
    json_object *s = json_object_from_file(path);
    if (!s) {
        ng_err_add(err, "%s: cannot read: %s", path, json_util_get_last_err());
        return -1;
    }
    in->t0_ms = num(s, "t0_ms", NULL);
    json_object *plan;
    if (json_object_object_get_ex(s, "plan", &plan)) {
        in->plan.entry = pair(plan, "entry");
        in->plan.l4_target = pair(plan, "l4_target");
        in->plan.l5_target = pair(plan, "l5_target");
        in->plan.tolerance_mm = num(plan, "tolerance_mm", NULL);
        in->mm_per_px = num(plan, "mm_per_px", NULL);
    }
    json_object_put(s);
    snprintf(path, sizeof path, "%s/events.jsonl", dir);
    return each_line(path, add_event, in, err);
}

int report_load(const char *dir, report_input *in, ng_errbuf *err)
{
    if (report_load_events(dir, in, err) < 0)
        return -1;
    char path[1100];
    snprintf(path, sizeof path, "%s/telemetry.jsonl", dir);
    return each_line(path, add_frame, in, err);
}

void report_input_free(report_input *in)
{
    free(in->frames);
    free(in->moves);
    free(in->plans);
    memset(in, 0, sizeof *in);
}

#define DWELL_MM 1.0   /* the needle held within this of its deepest point: the injection */

/* The tip's distance to the target at an injection: the median over the confident frames of
 * the at-target phase, or, where the guidance never confirmed it (the dwell interrupted), over
 * the approach's frames with the tip held at its deepest (within DWELL_MM). NAN if none. */
static double injection_dist(const report_input *in, size_t from, ng_phase at, ng_phase approach)
{
    double *v = malloc((in->nframes + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = from; v && i < in->nframes; i++) {
        const report_frame *r = &in->frames[i];
        if (r->phase == at && r->seen && r->dist_valid)
            v[n++] = r->dist_mm;
    }
    double deepest = -1;
    for (size_t i = from; v && !n && i < in->nframes; i++) {
        const report_frame *r = &in->frames[i];
        if (r->phase == approach && r->seen && r->dist_valid)
            deepest = fmax(deepest, ng_v2_dist(r->tip, in->plan.entry));
    }
    for (size_t i = from; v && deepest > 0 && i < in->nframes; i++) {
        const report_frame *r = &in->frames[i];
        if (r->phase == approach && r->seen && r->dist_valid &&
            ng_v2_dist(r->tip, in->plan.entry) * in->mm_per_px >= deepest * in->mm_per_px - DWELL_MM)
            v[n++] = r->dist_mm;
    }
    double m = NAN;
    if (n) {
        ng_sort_doubles(v, n);
        m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
    free(v);
    return m;
}

void report_compute(const report_input *in, report_figures *f)
{
    memset(f, 0, sizeof *f);
    f->needle_in_s = f->needle_out_s = -1;
    f->l4_tip_mm = f->l5_tip_mm = NAN;
    size_t first = 0;
    while (first < in->nframes && in->frames[first].t_ms < in->t0_ms)
        first++;   /* lines of frames from before the session began */
    f->frames = in->nframes - first;
    if (!f->frames)
        return;
    double t0 = in->t0_ms;
    f->session_s = (in->frames[in->nframes - 1].t_ms - t0) / 1000;

    size_t seen = 0;
    /* sightings: runs of confident frames, gaps shorter than REPORT_GAP_MS bridged; a run of
     * fewer than 3 frames is a flicker, not a needle */
    double run_start = -1, run_end = -1, last_seen = -1e18;
    ng_phase run_phase = PHASE_IDLE;
    int run_frames = 0;
    for (size_t i = first; i <= in->nframes; i++) {
        const report_frame *r = i < in->nframes ? &in->frames[i] : NULL;
        bool ends = !r || (r->seen && r->t_ms - last_seen >= REPORT_GAP_MS);
        if (ends && run_frames >= 3) {
            if (f->needle_in_s < 0)
                f->needle_in_s = (run_start - t0) / 1000;
            f->needle_out_s = (run_end - t0) / 1000;
            f->punctures += run_phase == PHASE_IDLE || run_phase == PHASE_DONE;
        }
        if (!r)
            break;
        if (i + 1 < in->nframes)
            f->phase_s[r->phase] += (in->frames[i + 1].t_ms - r->t_ms) / 1000;
        if (!r->seen)
            continue;
        seen++;
        if (ends || run_frames == 0) {
            run_start = r->t_ms;
            /* the phase it came into: seeing it may itself move idle on to the approach */
            run_phase = i > first ? in->frames[i - 1].phase : PHASE_IDLE;
            run_frames = 0;
        }
        run_frames++;
        run_end = last_seen = r->t_ms;
        if (r->dist_valid && (r->phase == PHASE_L4_APPROACH || r->phase == PHASE_L5_APPROACH)) {
            f->max_offset_mm = fmax(f->max_offset_mm, fabs(r->offset_mm));
            f->max_angle_dev_deg = fmax(f->max_angle_dev_deg, fabs(r->angle_dev_deg));
        }
    }
    if (f->needle_in_s >= 0)
        f->procedure_s = f->needle_out_s - f->needle_in_s;
    f->seen_pct = 100.0 * (double)seen / (double)f->frames;
    for (size_t i = 0; i < in->nmoves; i++) {
        const report_transition *m = &in->moves[i];
        if (m->t_ms >= t0 && m->to == PHASE_L5_APPROACH &&
            (m->from == PHASE_WITHDRAW || m->from == PHASE_REPOSITION))
            f->redirections++;
    }
    f->l4_tip_mm = injection_dist(in, first, PHASE_L4_AT_TARGET, PHASE_L4_APPROACH);
    f->l5_tip_mm = injection_dist(in, first, PHASE_L5_AT_TARGET, PHASE_L5_APPROACH);
}
