#include "tracking/track_filter.h"

#include <math.h>
#include <string.h>

void track_filter_opts_default(track_filter_opts *o, double mm_per_px)
{
    o->mm_per_px = mm_per_px;
    o->gate_mm = 3.0;
    o->gate_along_mm = 8.0;
    o->gate_deg = 5.0;
    o->alpha = 0.6;
    o->beta = 0.2;
    o->alpha_angle = 0.4;
    o->confirm = 2;
    o->coast = 4;
    /* make calibrate-confidence: 8,624 reported frames of 24 sequences apart from the bench */
    static const double fitted[4] = { -4.342, 4.619, 2.275, -0.460 };
    memcpy(o->calib, fitted, sizeof fitted);
}

/* The chance that the reported tip is within 3 mm of the true one. */
static double calibrated(const track_filter_opts *o, const double x[3])
{
    double z = o->calib[0] + o->calib[1] * x[0] + o->calib[2] * x[1] + o->calib[3] * x[2];
    return 1 / (1 + exp(-z));
}

void track_filter_init(track_filter *f, const track_filter_opts *o)
{
    memset(f, 0, sizeof *f);
    f->o = *o;
    f->state = TF_LOST;
}

/* A needle moves along its own shaft (advance, withdrawal) much faster than across it: the
 * tip innovation is gated apart along and across the shaft. */
static bool consistent(const track_filter_opts *o, ng_vec2 tip_a, double ang_a, ng_vec2 tip_b,
                       double ang_b)
{
    double a = ang_a * M_PI / 180;
    ng_vec2 d = ng_v2_scale(ng_v2_sub(tip_b, tip_a), o->mm_per_px);
    double along = d.x * cos(a) + d.y * sin(a), across = -d.x * sin(a) + d.y * cos(a);
    return fabs(along) <= o->gate_along_mm && fabs(across) <= o->gate_mm &&
           ng_line_angle_diff_deg(ang_a, ang_b) <= o->gate_deg;
}

static void start_track(track_filter *f, const ng_track *m)
{
    f->state = TF_TRACKING;
    f->tip = m->tip;
    f->start = m->shaft_start;
    f->angle = m->angle_deg;
    f->vel = ng_v2(0, 0);
    f->confidence = m->confidence;
    f->misses = 0;
    f->hits = 0;
    f->have_alt = false;
}

/* Counts m towards the challenger; true once it has been seen `confirm` times in a row. */
static bool challenger(track_filter *f, const ng_track *m)
{
    if (f->have_alt && consistent(&f->o, f->alt.tip, f->alt.angle_deg, m->tip, m->angle_deg))
        f->alt_hits++;
    else
        f->alt_hits = 1;
    f->alt = *m;
    f->have_alt = true;
    return f->alt_hits >= f->o.confirm;
}

void track_filter_update(track_filter *f, const ng_track *meas, ng_track *out)
{
    memset(out, 0, sizeof *out);
    out->confidence = meas->confidence;
    const track_filter_opts *o = &f->o;
    if (f->state == TF_LOST) {
        if (meas->found && challenger(f, meas))
            start_track(f, &f->alt);   /* confirmed: report from now on */
        else if (!meas->found)
            f->have_alt = false;
        if (f->state == TF_LOST)
            return;   /* not (yet) a needle we stand behind */
    } else {
        ng_vec2 pred = ng_v2_add(f->tip, f->vel);
        if (meas->found && consistent(o, pred, f->angle, meas->tip, meas->angle_deg)) {
            ng_vec2 innov = ng_v2_sub(meas->tip, pred);
            f->tip = ng_v2_add(pred, ng_v2_scale(innov, o->alpha));
            f->vel = ng_v2_add(f->vel, ng_v2_scale(innov, o->beta));
            double da = meas->angle_deg - f->angle;
            while (da > 90) da -= 180;
            while (da < -90) da += 180;
            f->angle += o->alpha_angle * da;
            f->start = ng_v2_lerp(f->start, meas->shaft_start, o->alpha);
            f->confidence = meas->confidence;
            f->misses = 0;
            f->hits++;
            f->have_alt = false;
        } else {
            /* a miss, or an outlier the gate rejects: coast on the prediction */
            if (meas->found && challenger(f, meas)) {
                start_track(f, &f->alt);   /* consistent disagreement: the needle moved on */
            } else {
                if (!meas->found)
                    f->have_alt = false;
                f->tip = pred;
                f->vel = ng_v2_scale(f->vel, 0.5);
                /* one frame the line was not seen takes away half the track's standing, not
                 * all of it: a faint needle drops out for a frame now and then */
                f->hits /= 2;
                if (++f->misses > o->coast) {
                    f->state = TF_LOST;
                    return;
                }
            }
        }
    }
    out->found = true;
    out->tip = f->tip;
    out->angle_deg = f->angle;
    /* the start lies on the filtered line, where the measured shaft entered the image */
    double len = ng_v2_dist(f->start, f->tip);
    double a = f->angle * M_PI / 180;
    out->shaft_start = ng_v2_sub(f->tip, ng_v2_scale(ng_v2(cos(a), sin(a)), len));
    out->features[0] = f->confidence;
    out->features[1] = fmin(f->hits, 10) / 10.0;
    out->features[2] = f->misses > 0;
    out->confidence = calibrated(o, out->features);
    /* coasting is a guess: shown as uncertain, never as a confident line, whatever the fit */
    if (f->misses)
        out->confidence = fmin(out->confidence, TRACK_CONFIDENT * 0.8);
}
