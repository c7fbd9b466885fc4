/* Needle tracker: a line search constrained by the plan (corridor and angle window around the
 * entry->L4 and entry->L5 paths): a Hough transform voted by a Hessian ridge map (optionally
 * with the temporal cue of tracking/motion.h added) and a line scan of the smoothed image
 * (tracking/line_scan.h) for shafts too faint to vote; the strongest few lines of each walked
 * for the shaft and tip on the local-contrast profile, the best kept, then a temporal filter
 * (tracking/track_filter.h). */
#ifndef NG_TRACKER_H
#define NG_TRACKER_H

#include <stdbool.h>
#include <stdint.h>

#include "guidance/plan.h"
#include "util/geom.h"

typedef struct {
    ng_rect roi;          /* image area in the captured frame */
    double mm_per_px;
    ng_plan plan;
    double angle_window_deg;  /* search this far either side of each planned path */
    double corridor_mm;       /* and this far either side of it */
    double grey_per_db;       /* the scanner's log compression: grey levels per dB of echo */
    double temporal_weight;   /* how much the trail of new echo (tracking/motion.h) adds to the
                               * image the line is searched on; 0 = the frame alone */
    double trail_frames;      /* the trail's memory (frames for it to fall to 1/e) */
} tracker_opts;

void tracker_opts_default(tracker_opts *o, ng_rect roi, double mm_per_px, const ng_plan *plan);

typedef struct {
    bool found;
    ng_vec2 tip, shaft_start;   /* captured-frame pixels */
    double angle_deg;           /* atan2 of tip - shaft_start, y down */
    double confidence;          /* 0..1; after the filter, calibrated: the chance that the tip
                                 * is within 3 mm of the true one (tracking/track_filter.h) */
    double features[3];         /* after the filter, what that chance is computed from */
} ng_track;

/* Frame pixels per working pixel (each way) the tracker averages at this pixel size: its cost
 * follows the anatomy shown, not the capture's resolution. */
int tracker_scale_for(double mm_per_px);

/* Below this confidence a found needle is shown as uncertain, never as a confident line. */
#define TRACK_CONFIDENT 0.5

typedef struct tracker tracker;

tracker *tracker_new(const tracker_opts *o);
void tracker_free(tracker *t);
/* Tracks on the next luma image of the captured frame (width x height): the frame's own
 * measurement through the temporal filter. */
void tracker_process(tracker *t, const uint8_t *luma, int stride, int width, int height,
                     ng_track *out);
/* This frame's measurement alone, no temporal filter. */
void tracker_measure(tracker *t, const uint8_t *luma, int stride, int width, int height,
                     ng_track *out);

/* Stages, exposed for their tests. */
/* Index of the tip in a profile of echo along the shaft (samples start..end are the shaft as
 * first seen): the strongest step down near end. */
int tip_step(const float *prof, int steps, int start, int end, double px_mm);
/* The stretch of prof[0..n) most likely to be the shaft: a maximum-sum segment of the clipped
 * echo less half its own mean (at least k0). -1 when none. */
int shaft_segment(const float *prof, int n, double k0, double clip, int *start, int *end);
/* The shaft prof[start..end] carried on along up[] (its echo against the probe's side alone)
 * while that pays, across gaps of at most max_gap samples: the new end. */
int shaft_extend(const float *up, int n, int start, int end, double clip, int max_gap);
/* The tip to a fraction of a sample on a raw echo profile (grey, one sample per step_mm) near
 * the coarse tip index: where the echo falls 6 dB below the shaft's level. */
double tip_edge(const float *prof, int n, int coarse, double step_mm, double grey_per_db);

#endif
