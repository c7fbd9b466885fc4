#include "guidance/phase.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const names[PHASE_COUNT] = {
    "idle", "l4_approach", "l4_at_target", "withdraw",
    "reposition", "l5_approach", "l5_at_target", "done",
};

const char *phase_name(ng_phase p)
{
    return (unsigned)p < PHASE_COUNT ? names[p] : "?";
}

bool phase_parse(const char *name, ng_phase *out)
{
    for (int p = 0; p < PHASE_COUNT; p++)
        if (strcmp(name, names[p]) == 0) {
            *out = (ng_phase)p;
            return true;
        }
    return false;
}

void phase_opts_default(phase_opts *o)
{
    o->dwell_ms = 1000;
    o->withdraw_frac = 0.5;
    o->view_change = 0.5;
    o->advance_mm = 3.0;
    o->gone_ms = 1000;
    o->near_mm = 5.0;
}

void phase_init(phase_machine *m, const phase_opts *o, const ng_plan *plan, double mm_per_px)
{
    memset(m, 0, sizeof *m);
    m->o = *o;
    m->plan = *plan;
    m->mm_per_px = mm_per_px;
    m->phase = PHASE_IDLE;
    m->near_since_ms = -1;
    m->last_seen_ms = -1;
    m->entered_ms = m->started_ms = m->ended_ms = -1;
    m->closest_mm = 1e9;
}

/* Entering a phase starts its evidence afresh. */
static bool enter(phase_machine *m, ng_phase to, double t_ms, bool automatic, phase_event *ev)
{
    if (to == m->phase)
        return false;
    *ev = (phase_event){ .from = m->phase, .to = to, .t_ms = t_ms, .automatic = automatic };
    m->phase = to;
    m->entered_ms = t_ms;
    if (to == PHASE_IDLE)
        m->started_ms = -1;
    else if (m->started_ms < 0)
        m->started_ms = t_ms;
    m->ended_ms = to == PHASE_DONE ? t_ms : -1;
    m->near_since_ms = -1;
    m->closest_mm = 1e9;
    if (to == PHASE_WITHDRAW || to == PHASE_REPOSITION)
        m->depth_min_mm = 1e9;
    if (to == PHASE_IDLE || to == PHASE_L4_APPROACH)
        m->depth_max_mm = 0;
    return true;
}

/* Tip held within tolerance of target for dwell_ms. Frames without a confident needle neither
 * confirm nor break the dwell: the tracker may lose a faint needle for a frame or two. */
static bool dwelt_at(phase_machine *m, const phase_input *in, ng_vec2 target)
{
    if (!in->needle)
        return false;
    if (ng_v2_dist(in->tip, target) * m->mm_per_px > m->plan.tolerance_mm) {
        m->near_since_ms = -1;
        return false;
    }
    if (m->near_since_ms < 0)
        m->near_since_ms = in->t_ms;
    return in->t_ms - m->near_since_ms >= m->o.dwell_ms;
}

/* The tip back along the shaft by more than withdraw_frac of the deepest insertion. */
static bool withdrawn(const phase_machine *m, double depth)
{
    return depth < (1 - m->o.withdraw_frac) * m->depth_max_mm;
}

static bool gone(const phase_machine *m, const phase_input *in)
{
    return !in->needle && m->last_seen_ms >= 0 && in->t_ms - m->last_seen_ms >= m->o.gone_ms;
}

bool phase_update(phase_machine *m, const phase_input *in, phase_event *ev)
{
    /* insertion depth: how far the tip is from the skin entry */
    double depth = in->needle ? ng_v2_dist(in->tip, m->plan.entry) * m->mm_per_px : 0;
    if (in->needle)
        m->last_seen_ms = in->t_ms;
    if (m->entered_ms < 0)
        m->entered_ms = in->t_ms;
    if (in->needle && (m->phase == PHASE_L4_APPROACH || m->phase == PHASE_L5_APPROACH)) {
        ng_vec2 target = m->phase == PHASE_L4_APPROACH ? m->plan.l4_target : m->plan.l5_target;
        m->closest_mm = fmin(m->closest_mm, ng_v2_dist(in->tip, target) * m->mm_per_px);
    }
    switch (m->phase) {
    case PHASE_IDLE:
        return in->needle && enter(m, PHASE_L4_APPROACH, in->t_ms, true, ev);
    case PHASE_L4_APPROACH:
        if (in->needle && depth > m->depth_max_mm)
            m->depth_max_mm = depth;
        if (dwelt_at(m, in, m->plan.l4_target))
            return enter(m, PHASE_L4_AT_TARGET, in->t_ms, true, ev);
        /* the target nearly reached, then the needle withdrawn: at_target went unseen */
        return in->needle && m->closest_mm <= m->o.near_mm && withdrawn(m, depth) &&
               enter(m, PHASE_WITHDRAW, in->t_ms, true, ev);
    case PHASE_L4_AT_TARGET:
        if (!in->needle)
            return false;
        if (depth > m->depth_max_mm)
            m->depth_max_mm = depth;
        return withdrawn(m, depth) && enter(m, PHASE_WITHDRAW, in->t_ms, true, ev);
    case PHASE_WITHDRAW:
    case PHASE_REPOSITION:
        if (in->needle && depth < m->depth_min_mm)
            m->depth_min_mm = depth;
        if (m->phase == PHASE_WITHDRAW)
            return in->view_change >= m->o.view_change &&
                   enter(m, PHASE_REPOSITION, in->t_ms, true, ev);
        /* in the new view: the needle advancing again from where it was withdrawn to */
        return in->needle && depth >= m->depth_min_mm + m->o.advance_mm &&
               enter(m, PHASE_L5_APPROACH, in->t_ms, true, ev);
    case PHASE_L5_APPROACH:
        if (dwelt_at(m, in, m->plan.l5_target))
            return enter(m, PHASE_L5_AT_TARGET, in->t_ms, true, ev);
        /* the target nearly reached, then the needle gone: at_target went unseen */
        return m->closest_mm <= m->o.near_mm && gone(m, in) && enter(m, PHASE_DONE, in->t_ms, true, ev);
    case PHASE_L5_AT_TARGET:
        return gone(m, in) && enter(m, PHASE_DONE, in->t_ms, true, ev);
    default:
        return false;
    }
}

bool phase_step(phase_machine *m, int dir, double t_ms, phase_event *ev)
{
    int to = (int)m->phase + (dir > 0 ? 1 : -1);
    if (to < 0 || to >= PHASE_COUNT)
        return false;
    return enter(m, (ng_phase)to, t_ms, false, ev);
}

bool phase_set(phase_machine *m, ng_phase to, double t_ms, phase_event *ev)
{
    if ((unsigned)to >= PHASE_COUNT)
        return false;
    return enter(m, to, t_ms, false, ev);
}

double phase_time_ms(const phase_machine *m, double now_ms)
{
    return m->entered_ms < 0 ? 0 : fmax(0, now_ms - m->entered_ms);
}

double phase_total_ms(const phase_machine *m, double now_ms)
{
    if (m->started_ms < 0)
        return 0;
    return fmax(0, (m->ended_ms >= 0 ? m->ended_ms : now_ms) - m->started_ms);
}

int phase_event_json(const phase_event *ev, char *buf, size_t size)
{
    return snprintf(buf, size, "{\"event\":\"phase\",\"from\":\"%s\",\"to\":\"%s\",\"t_ms\":%.1f,"
                    "\"auto\":%s}", phase_name(ev->from), phase_name(ev->to), ev->t_ms,
                    ev->automatic ? "true" : "false");
}
