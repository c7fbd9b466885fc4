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

void telemetry_write_frame(FILE *f, const telemetry_frame *t)
{
    /* One write per line: the capture thread writes event lines to the same file. */
    const ng_track *k = &t->track;
    const guide_state *gs = &t->guide;
    const ng_guidance *g = &gs->numbers;
    char line[1024], pos[160], gd[512], a[6][24];
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
    snprintf(line, sizeof line,
             "{\"frame\":%llu,\"t_ms\":%.3f,\"seq\":%llu,\"size\":[%d,%d],\"needle\":%s,%s,"
             "\"confidence\":%.3f,%s,\"still_ms\":%.0f,\"rendered\":%s,\"latency_ms\":%.3f}\n",
             (unsigned long long)t->frame, t->t_ms, (unsigned long long)t->seq, t->width,
             t->height, k->found ? "true" : "false", pos, k->confidence, gd, t->still_ms,
             t->rendered ? "true" : "false", t->latency_ms);
    fputs(line, f);
}

void telemetry_write_source_event(FILE *f, const char *state, double t_ms, const char *detail)
{
    /* json-c for the detail: driver messages may hold anything */
    json_object *d = json_object_new_string(detail ? detail : "");
    char line[1024];
    snprintf(line, sizeof line, "{\"event\":\"source\",\"state\":\"%s\",\"t_ms\":%.3f,\"detail\":%s}\n",
             state, t_ms, json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN));
    json_object_put(d);
    fputs(line, f);
}

void telemetry_write_phase_event(FILE *f, const phase_event *ev)
{
    char line[256];
    phase_event_json(ev, line, sizeof line - 1);
    strcat(line, "\n");
    fputs(line, f);
}
