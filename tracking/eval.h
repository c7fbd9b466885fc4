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
    bool needle;           /* reported with at least the minimum confidence */
    ng_vec2 tip;
    double angle_deg;
    bool reported;         /* reported at all, whatever its confidence */
    double confidence;
    bool has_features;     /* the calibrated confidence's inputs (track --features) */
    double features[3];
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

/* Reliability of the confidence: for reported needles in bins of confidence, how often the tip
 * really is within EVAL_NEAR_MM. A calibrated confidence matches the fraction. */
void eval_print_reliability(FILE *f, const eval_truth *truth, const eval_track *track, int n,
                            double mm_per_px);
/* Fits the logistic weights of the calibrated confidence (track_filter_opts.calib) to the
 * reported needles with features; returns the number of frames used. */
int eval_fit_confidence(const eval_truth *truth, const eval_track *track, int n, double mm_per_px,
                        double w[4]);

int cmd_eval(int argc, char **argv);

#endif
