/* Where a frame's time goes, stage by stage, from the card's time stamp to the screen: collected
 * by the main loop for each frame it presents (run_opts.stats), summarised by make bench. */
#ifndef NG_STAGE_STATS_H
#define NG_STAGE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/pipeline.h"

typedef enum {
    STAGE_DEQUEUE,    /* captured (the card's time stamp) -> the capture thread has it */
    STAGE_HANDOVER,   /* -> the processing thread takes it */
    STAGE_CONVERT,    /* -> ARGB for the screen, luma for tracking */
    STAGE_TRACK,      /* -> the needle (and the frozen-picture check) */
    STAGE_GUIDE,      /* -> phase, targets, distances */
    STAGE_TO_MAIN,    /* -> the main thread begins drawing it */
    STAGE_RENDER,     /* -> drawn */
    STAGE_PRESENT,    /* -> presented */
    STAGE_TOTAL,      /* captured -> presented: the latency needleguide adds */
    STAGE_COUNT
} stage_id;

typedef struct {
    size_t warmup;                 /* the first frames presented are not counted */
    size_t seen;                   /* frames offered, warm-up included */
    double *ms[STAGE_COUNT];
    size_t n, cap;                 /* frames counted */
    uint64_t first_seq, last_seq;  /* the source's sequence numbers of the first and last counted */
    /* the process's CPU time and the monotonic clock when the first and the last counted frame
     * were added: the CPU the pipeline takes after the warm-up, as its stages are timed */
    int64_t cpu_ns[2], wall_ns[2];
} stage_stats;

typedef struct {
    double p50, p99, max;
} stage_summary;

const char *stage_name(stage_id s);
/* One presented frame: the main thread began drawing at draw_ns, had drawn at drawn_ns and
 * presented at presented_ns. -1 when out of memory. */
int stage_stats_add(stage_stats *s, const processed_frame *pf, int64_t draw_ns, int64_t drawn_ns,
                    int64_t presented_ns);
/* Frames the source delivered between the first and the last counted that never reached the
 * screen (skipped to stay current): the frames we dropped. */
uint64_t stage_stats_dropped(const stage_stats *s);
/* CPU time of the whole process (every thread) between the first and the last frame counted, as
 * a percentage of one core over the same stretch of the clock; NAN before two frames. */
double stage_stats_cpu_percent(const stage_stats *s);
/* Summary of one stage over every frame added (NAN when none; sorts a copy). */
stage_summary stage_stats_summary(const stage_stats *s, stage_id id);
void stage_stats_free(stage_stats *s);

#endif
