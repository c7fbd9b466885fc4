#include "guidance/guide.h"

#include <math.h>
#include <stdlib.h>

struct guide {
    guide_opts o;
    double mm_per_px;
    ng_plan plan;             /* as configured (or set in planning mode) */
    ng_plan base;             /* the targets on the current reference frame */
    ng_register *reg;         /* against the view's reference */
    ng_register *settle;      /* after the rotation: against a recent frame, until it holds still */
    double settle_since_ms;   /* when settle's reference was taken; < 0 none */
    bool need_ref;            /* the next frame becomes the reference */
    bool reanchored;          /* the L5 view's reference is taken */
    bool l5_to_confirm;
    ng_vec2 shift;
    phase_machine pm;
};

void guide_opts_default(guide_opts *o)
{
    phase_opts_default(&o->phase);
    o->window_mm = 20;
    o->same_view = 0.5;
    o->max_follow_mm = 8;
    o->settled = 0.8;
    o->settle_ms = 300;
}

ng_target guide_phase_target(ng_phase p)
{
    return p >= PHASE_REPOSITION ? GD_TARGET_L5 : GD_TARGET_L4;
}

/* The targets' box grown by window_mm, inside the ROI; the whole ROI if that leaves too little. */
static ng_rect window_of(const guide_opts *o, ng_rect roi, double mm_per_px, const ng_plan *plan)
{
    double m = o->window_mm / mm_per_px;
    double x0 = fmin(plan->l4_target.x, plan->l5_target.x) - m;
    double x1 = fmax(plan->l4_target.x, plan->l5_target.x) + m;
    double y0 = fmin(plan->l4_target.y, plan->l5_target.y) - m;
    double y1 = fmax(plan->l4_target.y, plan->l5_target.y) + m;
    x0 = fmax(x0, roi.x);
    y0 = fmax(y0, roi.y);
    x1 = fmin(x1, roi.x + roi.w);
    y1 = fmin(y1, roi.y + roi.h);
    if (x1 - x0 < 64 || y1 - y0 < 64)
        return roi;
    return (ng_rect){ (int)x0, (int)y0, (int)(x1 - x0), (int)(y1 - y0) };
}

void guide_free(guide *g)
{
    if (!g)
        return;
    register_free(g->reg);
    register_free(g->settle);
    free(g);
}

guide *guide_new(const guide_opts *o, ng_rect roi, double mm_per_px, const ng_plan *plan)
{
    guide *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->o = *o;
    g->mm_per_px = mm_per_px;
    ng_rect win = window_of(o, roi, mm_per_px, plan);
    g->reg = register_new(win);
    g->settle = register_new(win);
    if (!g->reg || !g->settle) {
        guide_free(g);
        return NULL;
    }
    phase_init(&g->pm, &o->phase, plan, mm_per_px);
    guide_set_plan(g, plan);
    return g;
}

void guide_set_plan(guide *g, const ng_plan *plan)
{
    g->plan = g->base = *plan;
    g->need_ref = true;
    g->reanchored = false;
    g->l5_to_confirm = false;
    g->settle_since_ms = -1;
    g->shift = ng_v2(0, 0);
    g->pm.plan = *plan;
}

/* The plan with the targets where the anatomy is now; the skin entry stays with the probe. */
static ng_plan anchored_plan(const guide *g)
{
    ng_plan p = g->base;
    p.l4_target = ng_v2_add(p.l4_target, g->shift);
    p.l5_target = ng_v2_add(p.l5_target, g->shift);
    return p;
}

/* After the rotation: once the new view holds still for settle_ms, it is the reference and the
 * L5 target goes back to where the plan puts it on that view, to be confirmed. */
static void reanchor(guide *g, const uint8_t *luma, int stride, int width, int height, double t_ms)
{
    if (g->settle_since_ms < 0) {
        register_set_reference(g->settle, luma, stride, width, height);
        g->settle_since_ms = t_ms;
        return;
    }
    if (t_ms - g->settle_since_ms < g->o.settle_ms)
        return;
    reg_result r;
    if (register_match(g->settle, luma, stride, width, height, &r) && r.similarity >= g->o.settled) {
        register_set_reference(g->reg, luma, stride, width, height);
        g->base.l5_target = g->plan.l5_target;
        g->shift = ng_v2(0, 0);
        g->reanchored = true;
        g->l5_to_confirm = true;
        return;
    }
    register_set_reference(g->settle, luma, stride, width, height);   /* still moving */
    g->settle_since_ms = t_ms;
}

int guide_update(guide *g, const uint8_t *luma, int stride, int width, int height,
                 const ng_track *track, double t_ms, guide_state *out, phase_event *ev)
{
    out->anchored = false;
    out->view_change = -1;
    if (g->need_ref) {
        register_set_reference(g->reg, luma, stride, width, height);
        g->need_ref = false;
        out->anchored = true;
        out->view_change = 0;
    } else {
        reg_result r;
        if (register_match(g->reg, luma, stride, width, height, &r)) {
            out->view_change = 1 - fmax(0, r.similarity);
            if (r.similarity >= g->o.same_view &&
                ng_v2_len(r.shift) * g->mm_per_px <= g->o.max_follow_mm) {
                g->shift = r.shift;
                out->anchored = true;
            }
        }
    }
    ng_phase ph = g->pm.phase;
    if (ph >= PHASE_REPOSITION && ph != PHASE_DONE && !g->reanchored) {
        reanchor(g, luma, stride, width, height, t_ms);
        if (g->reanchored) {   /* this frame is the new view's reference */
            out->anchored = true;
            out->view_change = 0;
        }
    }

    g->pm.plan = anchored_plan(g);
    phase_input in = {
        .t_ms = t_ms,
        .needle = track->found && track->confidence >= TRACK_CONFIDENT,
        .tip = track->tip,
        .view_change = out->view_change < 0 ? 0 : out->view_change,
    };
    int changed = phase_update(&g->pm, &in, ev) ? 1 : 0;

    out->phase = g->pm.phase;
    out->plan = g->pm.plan;
    out->shift = g->shift;
    out->l5_to_confirm = g->l5_to_confirm;
    out->phase_ms = phase_time_ms(&g->pm, t_ms);
    out->total_ms = phase_total_ms(&g->pm, t_ms);
    guidance_update(&out->plan, g->mm_per_px, guide_phase_target(out->phase), track, &out->numbers);
    return changed;
}

bool guide_step(guide *g, int dir, double t_ms, phase_event *ev)
{
    return phase_step(&g->pm, dir, t_ms, ev);
}

bool guide_set_phase(guide *g, ng_phase to, double t_ms, phase_event *ev)
{
    return phase_set(&g->pm, to, t_ms, ev);
}

ng_phase guide_phase(const guide *g) { return g->pm.phase; }

void guide_confirm_l5(guide *g, const ng_vec2 *at)
{
    if (at)
        g->base.l5_target = ng_v2_sub(*at, g->shift);
    g->l5_to_confirm = false;
}

const ng_plan *guide_plan(const guide *g) { return &g->plan; }
