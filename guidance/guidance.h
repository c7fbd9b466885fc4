/* Guidance numbers from the plan and the tracked needle. */
#ifndef NG_GUIDANCE_H
#define NG_GUIDANCE_H

#include <stdbool.h>

#include "guidance/plan.h"
#include "tracking/tracker.h"

typedef enum { GD_TARGET_L4, GD_TARGET_L5 } ng_target;

typedef struct {
    bool valid;               /* numbers only from a confidently tracked needle */
    ng_target target;         /* the target whose planned path the needle follows best */
    double tip_to_target_mm;
    double angle_dev_deg;     /* needle against that planned path */
    double lateral_mm;        /* tip off the planned line, signed */
    bool at_target;           /* tip within the plan's tolerance */
} ng_guidance;

void guidance_update(const ng_plan *plan, double mm_per_px, const ng_track *track, ng_guidance *g);
const char *guidance_target_name(ng_target t);

#endif
