#include "guidance/guidance.h"

#include <math.h>
#include <string.h>

const char *guidance_target_name(ng_target t) { return t == GD_TARGET_L4 ? "L4" : "L5"; }

void guidance_update(const ng_plan *plan, double mm_per_px, const ng_track *track, ng_guidance *g)
{
    memset(g, 0, sizeof *g);
    if (!track->found || track->confidence < TRACK_CONFIDENT)
        return;
    const ng_vec2 targets[2] = { plan->l4_target, plan->l5_target };
    double dev[2];
    for (int k = 0; k < 2; k++)
        dev[k] = ng_line_angle_diff_deg(track->angle_deg, ng_angle_deg(plan->entry, targets[k]));
    int k = dev[1] < dev[0] ? 1 : 0;
    g->valid = true;
    g->target = (ng_target)k;
    g->angle_dev_deg = dev[k];
    g->tip_to_target_mm = ng_v2_dist(track->tip, targets[k]) * mm_per_px;
    g->lateral_mm = ng_dist_point_line_signed(track->tip, plan->entry, targets[k]) * mm_per_px;
    g->at_target = g->tip_to_target_mm <= plan->tolerance_mm;
}
