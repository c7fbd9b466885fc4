#include "daemon/telemetry.h"

#include <json-c/json.h>

void telemetry_write_frame(FILE *f, const telemetry_frame *t)
{
    /* One write per line: the capture thread writes event lines to the same file. */
    const ng_track *k = &t->track;
    char line[512], pos[160];
    if (k->found)
        snprintf(pos, sizeof pos, "\"tip\":[%.2f,%.2f],\"shaft_start\":[%.2f,%.2f],\"angle_deg\":%.2f",
                 k->tip.x, k->tip.y, k->shaft_start.x, k->shaft_start.y, k->angle_deg);
    else
        snprintf(pos, sizeof pos, "\"tip\":null,\"shaft_start\":null,\"angle_deg\":null");
    snprintf(line, sizeof line,
             "{\"frame\":%llu,\"t_ms\":%.3f,\"seq\":%llu,\"size\":[%d,%d],\"needle\":%s,%s,"
             "\"confidence\":%.3f,\"rendered\":%s,\"latency_ms\":%.3f}\n",
             (unsigned long long)t->frame, t->t_ms, (unsigned long long)t->seq, t->width,
             t->height, k->found ? "true" : "false", pos, k->confidence, t->rendered ? "true" : "false",
             t->latency_ms);
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
