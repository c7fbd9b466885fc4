/* Guidance numbers from the plan and the tracked needle. */
#ifndef NG_GUIDANCE_H
#define NG_GUIDANCE_H

#include <stdbool.h>

#include "guidance/plan.h"
#include "tracking/tracker.h"

typedef enum { GD_TARGET_L4, GD_TARGET_L5 } ng_target;

typedef struct {
    bool valid;               /* numbers only from a confidently tracked needle */
    ng_target target;         /* the target of the current phase */
    double tip_to_target_mm;
    double remaining_mm;      /* depth left along the planned path (negative: past the target) */
    double angle_dev_deg;     /* needle against the planned path */
    double lateral_mm;        /* tip off the planned line, signed */
    bool miss_valid;          /* the needle points towards the target's depth */
    double miss_mm;           /* the shaft extrapolated to the target's depth: off the target by */
    ng_vec2 aim;              /* where the extrapolated shaft reaches the target's depth */
    bool at_target;           /* tip within the plan's tolerance */
} ng_guidance;

/* The numbers of a needle against the planned path from the entry to target t. */
void guidance_update(const ng_plan *plan, double mm_per_px, ng_target t, const ng_track *track,
                     ng_guidance *g);
const char *guidance_target_name(ng_target t);
ng_vec2 guidance_target_point(const ng_plan *plan, ng_target t);

#endif
