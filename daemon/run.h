/* The live loop shared by `run` and `replay`. */
#ifndef NG_RUN_H
#define NG_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/source.h"
#include "config/config.h"
#include "daemon/pipeline.h"
#include "daemon/stage_stats.h"

typedef struct {
    const char *config_path;
    const char *telemetry_path;
    const char *snapshot_path;
    const char *plan_out;
    uint64_t max_frames;
    bool fast;
    bool every_frame;    /* files: process every frame, waiting for the tracker (replay --fast) */
    ng_playback *play;   /* replay: the file plays under these controls; NULL for run */
    const replay_plan *plans;   /* replay: plans to set as the file reaches them, in time order */
    size_t nplans;
    /* make bench: */
    const ng_source_ops *source_ops;   /* a source of the caller's instead of cfg.source's kind */
    stage_stats *stats;                /* each presented frame's stage times are added here */
} run_opts;

/* --frames N: 0, or -1 after saying what was wrong. */
int run_parse_frames(const char *cmd, const char *text, uint64_t *n);

/* Runs until quit, the frame limit or (headless) the end of the source. Exit status. */
int run_main(ng_config cfg, run_opts *o);

#endif
