/* Temporal filter over per-frame needle measurements: alpha-beta on the tip (with velocity) and
 * on the angle, innovation gating, confirmation before a needle is reported, a short coast
 * through misses (reported as uncertain), an explicit lost state, and a challenger that takes
 * over when consistent measurements keep disagreeing with the track (a redirection). */
#ifndef NG_TRACK_FILTER_H
#define NG_TRACK_FILTER_H

#include <stdbool.h>

#include "tracking/tracker.h"

typedef struct {
    double mm_per_px;
    double gate_mm;      /* tip innovation accepted up to this across the shaft ... */
    double gate_along_mm;   /* ... and this along it */
    double gate_deg;     /* angle innovation accepted up to this */
    double alpha, beta;  /* tip position and velocity gains */
    double alpha_angle;
    int confirm;         /* consistent measurements before a needle is reported */
    int coast;           /* misses tolerated before the track is lost */
    /* Calibrated confidence: logistic weights on (1, this frame's measurement score, track
     * age up to 10 frames / 10, coasting). Fitted by `make calibrate-confidence` on simulated sequences
     * apart from the benchmark's. */
    double calib[4];
} track_filter_opts;

void track_filter_opts_default(track_filter_opts *o, double mm_per_px);

typedef enum { TF_LOST, TF_TRACKING } track_filter_state;

typedef struct {
    track_filter_opts o;
    track_filter_state state;
    ng_vec2 tip, vel, start;
    double angle, confidence;
    int misses;
    int hits;            /* frames the track was updated by a measurement, halved by each miss */
    /* a candidate that does not fit the track (or, lost, the one being confirmed) */
    bool have_alt;
    ng_track alt;
    int alt_hits;
} track_filter;

void track_filter_init(track_filter *f, const track_filter_opts *o);
/* One frame: meas is this frame's measurement; out what to report. */
void track_filter_update(track_filter *f, const ng_track *meas, ng_track *out);

#endif
