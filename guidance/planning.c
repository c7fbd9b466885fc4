#include "guidance/planning.h"

void planning_start(planning *pl, const ng_plan *current, ng_phase phase)
{
    pl->plan = *current;
    pl->step = phase >= PHASE_REPOSITION && phase != PHASE_DONE ? PLANNING_L5 : PLANNING_ENTRY;
}

planning_result planning_click(planning *pl, ng_vec2 at)
{
    switch (pl->step) {
    case PLANNING_ENTRY:
        pl->plan.entry = at;
        pl->step = PLANNING_L4;
        return PLANNING_MORE;
    case PLANNING_L4:
        pl->plan.l4_target = at;
        pl->step = PLANNING_OFF;
        return PLANNING_NEW_PLAN;
    case PLANNING_L5:
        pl->plan.l5_target = at;
        pl->step = PLANNING_OFF;
        return PLANNING_L5_SET;
    case PLANNING_OFF:
        break;
    }
    return PLANNING_MORE;
}

planning_result planning_accept(planning *pl)
{
    if (pl->step != PLANNING_L5)
        return PLANNING_MORE;
    pl->step = PLANNING_OFF;
    return PLANNING_L5_ACCEPTED;
}

void planning_cancel(planning *pl) { pl->step = PLANNING_OFF; }

const char *planning_prompt(const planning *pl)
{
    switch (pl->step) {
    case PLANNING_ENTRY: return "PLANNING: click the skin entry";
    case PLANNING_L4: return "PLANNING: click the L4 target";
    case PLANNING_L5: return "PLANNING: click the L5 target, or Enter to accept it";
    case PLANNING_OFF: break;
    }
    return NULL;
}
