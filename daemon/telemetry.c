#include "daemon/telemetry.h"

#include <json-c/json.h>
#include <string.h>

/* A number, or null when the guidance has none for this frame. */
static const char *num(char *buf, size_t n, bool valid, double v)
{
    if (!valid)
        return "null";
    snprintf(buf, n, "%.2f", v);
    return buf;
}

void telemetry_frame_line(char *line, const telemetry_frame *t)
{
    const ng_track *k = &t->track;
    const guide_state *gs = &t->guide;
    const ng_guidance *g = &gs->numbers;
    char pos[160], gd[512], a[6][24];
    if (k->found)
        snprintf(pos, sizeof pos, "\"tip\":[%.2f,%.2f],\"shaft_start\":[%.2f,%.2f],\"angle_deg\":%.2f",
                 k->tip.x, k->tip.y, k->shaft_start.x, k->shaft_start.y, k->angle_deg);
    else
        snprintf(pos, sizeof pos, "\"tip\":null,\"shaft_start\":null,\"angle_deg\":null");
    ng_vec2 target = guidance_target_point(&gs->plan, g->target);
    snprintf(gd, sizeof gd,
             "\"phase\":\"%s\",\"target\":\"%s\",\"target_px\":[%.2f,%.2f],\"anchored\":%s,"
             "\"view_change\":%s,"
             "\"target_dist_mm\":%s,\"remaining_mm\":%s,\"angle_dev_deg\":%s,\"offset_mm\":%s,"
             "\"miss_mm\":%s",
             phase_name(gs->phase), guidance_target_name(g->target), target.x, target.y,
             gs->anchored ? "true" : "false", num(a[5], sizeof a[5], gs->view_change >= 0, gs->view_change),
             num(a[0], sizeof a[0], g->valid, g->tip_to_target_mm),
             num(a[1], sizeof a[1], g->valid, g->remaining_mm),
             num(a[2], sizeof a[2], g->valid, g->angle_dev_deg),
             num(a[3], sizeof a[3], g->valid, g->lateral_mm),
             num(a[4], sizeof a[4], g->valid && g->miss_valid, g->miss_mm));
    snprintf(line, TELEMETRY_LINE,
             "{\"frame\":%llu,\"t_ms\":%.3f,\"seq\":%llu,\"size\":[%d,%d],\"needle\":%s,%s,"
             "\"confidence\":%.3f,%s,\"still_ms\":%.0f,\"rendered\":%s,\"latency_ms\":%.3f}\n",
             (unsigned long long)t->frame, t->t_ms, (unsigned long long)t->seq, t->width,
             t->height, k->found ? "true" : "false", pos, k->confidence, gd, t->still_ms,
             t->rendered ? "true" : "false", t->latency_ms);
}

/* {"event":KIND,"state":S,"t_ms":T,"detail":D}; json-c for the detail, which may hold anything
 * (a driver's message, a path). */
static void state_line(char *line, const char *kind, const char *state, double t_ms,
                       const char *detail)
{
    json_object *d = json_object_new_string(detail ? detail : "");
    snprintf(line, TELEMETRY_LINE,
             "{\"event\":\"%s\",\"state\":\"%s\",\"t_ms\":%.3f,\"detail\":%.900s}\n", kind, state,
             t_ms, json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
    json_object_put(d);
}

void telemetry_source_line(char *line, const char *state, double t_ms, const char *detail)
{
    state_line(line, "source", state, t_ms, detail);
}

void telemetry_record_line(char *line, const char *state, double t_ms, const char *detail)
{
    state_line(line, "record", state, t_ms, detail);
}

void telemetry_phase_line(char *line, const phase_event *ev)
{
    phase_event_json(ev, line, TELEMETRY_LINE - 1);
    strcat(line, "\n");
}

void telemetry_plan_line(char *line, double t_ms, const ng_plan *plan)
{
    snprintf(line, TELEMETRY_LINE,
             "{\"event\":\"plan\",\"t_ms\":%.3f,\"entry\":[%.2f,%.2f],\"l4_target\":[%.2f,%.2f],"
             "\"l5_target\":[%.2f,%.2f],\"tolerance_mm\":%.2f}\n",
             t_ms, plan->entry.x, plan->entry.y, plan->l4_target.x, plan->l4_target.y,
             plan->l5_target.x, plan->l5_target.y, plan->tolerance_mm);
}
