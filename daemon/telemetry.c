#include "daemon/telemetry.h"

void telemetry_write_frame(FILE *f, const telemetry_frame *t)
{
    const ng_track *k = &t->track;
    fprintf(f, "{\"frame\":%llu,\"t_ms\":%.3f,\"seq\":%llu,\"needle\":%s,",
            (unsigned long long)t->frame, t->t_ms, (unsigned long long)t->seq,
            k->found ? "true" : "false");
    if (k->found)
        fprintf(f, "\"tip\":[%.2f,%.2f],\"shaft_start\":[%.2f,%.2f],\"angle_deg\":%.2f,", k->tip.x,
                k->tip.y, k->shaft_start.x, k->shaft_start.y, k->angle_deg);
    else
        fputs("\"tip\":null,\"shaft_start\":null,\"angle_deg\":null,", f);
    fprintf(f, "\"confidence\":%.3f,\"latency_ms\":%.3f}\n", k->confidence, t->latency_ms);
}
