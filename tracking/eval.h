/* Scores a track against ground truth: detection, tip and angle errors, false positives,
 * re-acquisition delay, broken down by insertion angle and needle contrast. */
#ifndef NG_EVAL_H
#define NG_EVAL_H

#include <stdbool.h>
#include <stdio.h>

#include "util/geom.h"

typedef struct {
    bool visible;          /* truth: a needle to find */
    ng_vec2 tip;
    double angle_deg;
    double contrast_db;    /* needle echo over the speckle around it (NAN if unknown) */
} eval_truth;

typedef struct {
    bool needle;
    ng_vec2 tip;
    double angle_deg;
} eval_track;

#define EVAL_NEAR_MM 3.0

typedef struct {
    int needle_frames, detected;          /* detected: reported within EVAL_NEAR_MM */
    int found;                            /* reported at all on needle frames */
    double tip_median_mm, tip_p90_mm, tip_p95_mm, angle_median_deg;
    int empty_frames, false_pos;
    int reacquisitions;                   /* needle reappearances */
    double reacq_mean_frames, reacq_max_frames;
} eval_stats;

/* Scores n frames (truth[i] against track[i]). */
void eval_score(const eval_truth *truth, const eval_track *track, int n, double mm_per_px,
                eval_stats *out);
/* Prints the summary and the breakdown by angle and contrast. */
void eval_print(FILE *f, const eval_truth *truth, const eval_track *track, int n, double mm_per_px);

int cmd_eval(int argc, char **argv);

#endif
