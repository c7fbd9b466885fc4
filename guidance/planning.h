/* Planning on a frozen frame (key P): click the skin entry, then the L4 target; after the probe
 * rotation, click the L5 target or accept the configured one (Enter). A pure state machine: the
 * main loop feeds it clicks in frame pixels and applies the plan it completes. */
#ifndef NG_PLANNING_H
#define NG_PLANNING_H

#include <stdbool.h>

#include "guidance/phase.h"
#include "guidance/plan.h"

typedef enum { PLANNING_OFF, PLANNING_ENTRY, PLANNING_L4, PLANNING_L5 } planning_step;

typedef enum {
    PLANNING_MORE,        /* waiting for the next click */
    PLANNING_NEW_PLAN,    /* entry and L4 target set: apply the whole plan */
    PLANNING_L5_SET,      /* the L5 target clicked on the new view: confirm it there */
    PLANNING_L5_ACCEPTED  /* the configured L5 target accepted as it is */
} planning_result;

typedef struct {
    planning_step step;
    ng_plan plan;         /* the plan being made; the current one until clicked */
} planning;

/* Starts planning over the current plan: the L5 target after the rotation, else entry and L4. */
void planning_start(planning *pl, const ng_plan *current, ng_phase phase);
planning_result planning_click(planning *pl, ng_vec2 at);
/* Enter: accepts the configured L5 target (only in the L5 step). */
planning_result planning_accept(planning *pl);
void planning_cancel(planning *pl);
/* What the HUD asks for; NULL when not planning. */
const char *planning_prompt(const planning *pl);

#endif
