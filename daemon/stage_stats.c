#include "daemon/stage_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/stats.h"

static const char *const names[STAGE_COUNT] = {
    "dequeue", "handover", "convert", "track", "guide", "to_main", "render", "present", "total",
};

const char *stage_name(stage_id s)
{
    return s < STAGE_COUNT ? names[s] : "?";
}

int stage_stats_add(stage_stats *s, const processed_frame *pf, int64_t draw_ns, int64_t drawn_ns,
                    int64_t presented_ns)
{
    if (s->seen++ < s->warmup)
        return 0;
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        for (int i = 0; i < STAGE_COUNT; i++) {
            double *m = realloc(s->ms[i], cap * sizeof *m);
            if (!m)
                return -1;
            s->ms[i] = m;
        }
        s->cap = cap;
    }
    const int64_t at[STAGE_COUNT + 1] = {
        pf->t_capture_ns, pf->t_dequeued_ns, pf->t_taken_ns, pf->t_converted_ns, pf->t_tracked_ns,
        pf->t_done_ns, draw_ns, drawn_ns, presented_ns,
    };
    for (int i = 0; i < STAGE_TOTAL; i++)
        s->ms[i][s->n] = ng_ns_to_ms(at[i + 1] - at[i]);
    s->ms[STAGE_TOTAL][s->n] = ng_ns_to_ms(presented_ns - pf->t_capture_ns);
    int end = s->n ? 1 : 0;
    s->cpu_ns[end] = ng_process_cpu_ns();
    s->wall_ns[end] = ng_now_ns();
    if (!s->n)
        s->first_seq = pf->seq;
    s->last_seq = pf->seq;
    s->n++;
    return 0;
}

uint64_t stage_stats_dropped(const stage_stats *s)
{
    return s->n ? s->last_seq - s->first_seq + 1 - s->n : 0;
}

double stage_stats_cpu_percent(const stage_stats *s)
{
    int64_t wall = s->wall_ns[1] - s->wall_ns[0];
    return s->n >= 2 && wall > 0 ? 100.0 * (double)(s->cpu_ns[1] - s->cpu_ns[0]) / (double)wall
                                 : NAN;
}

stage_summary stage_stats_summary(const stage_stats *s, stage_id id)
{
    stage_summary r = { NAN, NAN, NAN };
    if (!s->n || id >= STAGE_COUNT)
        return r;
    double *v = malloc(s->n * sizeof *v);
    if (!v)
        return r;
    memcpy(v, s->ms[id], s->n * sizeof *v);
    ng_sort_doubles(v, s->n);
    r.p50 = ng_percentile(v, s->n, 50);
    r.p99 = ng_percentile(v, s->n, 99);
    r.max = v[s->n - 1];
    free(v);
    return r;
}

void stage_stats_free(stage_stats *s)
{
    for (int i = 0; i < STAGE_COUNT; i++)
        free(s->ms[i]);
    memset(s, 0, sizeof *s);
}
