#include "guidance/guidance.h"

#include <math.h>
#include <string.h>

const char *guidance_target_name(ng_target t) { return t == GD_TARGET_L4 ? "L4" : "L5"; }

ng_vec2 guidance_target_point(const ng_plan *plan, ng_target t)
{
    return t == GD_TARGET_L4 ? plan->l4_target : plan->l5_target;
}

/* Below this cosine between the needle and the path, the shaft never reaches the target's depth
 * in a way worth extrapolating (it runs across the path or back out). */
#define MISS_MIN_COS 0.26   /* 75 degrees */

void guidance_update(const ng_plan *plan, double mm_per_px, ng_target t, const ng_track *track,
                     ng_guidance *g)
{
    memset(g, 0, sizeof *g);
    g->target = t;
    if (!track->found || track->confidence < TRACK_CONFIDENT)
        return;
    ng_vec2 target = guidance_target_point(plan, t);
    ng_vec2 u = ng_v2_unit(ng_v2_sub(target, plan->entry));
    ng_vec2 d = ng_v2_unit(ng_v2_sub(track->tip, track->shaft_start));
    g->valid = true;
    g->angle_dev_deg = ng_line_angle_diff_deg(track->angle_deg, ng_angle_deg(plan->entry, target));
    g->tip_to_target_mm = ng_v2_dist(track->tip, target) * mm_per_px;
    g->remaining_mm = ng_v2_dot(ng_v2_sub(target, track->tip), u) * mm_per_px;
    g->lateral_mm = ng_dist_point_line_signed(track->tip, plan->entry, target) * mm_per_px;
    g->at_target = g->tip_to_target_mm <= plan->tolerance_mm;
    /* The shaft carried on from the tip to where it is as deep along the path as the target. */
    double c = ng_v2_dot(d, u);
    if (c >= MISS_MIN_COS) {
        ng_vec2 p = ng_v2_add(track->tip, ng_v2_scale(d, g->remaining_mm / mm_per_px / c));
        g->miss_valid = true;
        g->aim = p;
        g->miss_mm = ng_dist_point_line_signed(p, plan->entry, target) * mm_per_px;
    }
}
