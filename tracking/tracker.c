#include "tracking/tracker.h"

#include "tracking/line_cells.h"
#include "tracking/line_scan.h"
#include "tracking/motion.h"
#include "tracking/ridge.h"
#include "tracking/track_filter.h"
#include "util/box_average.h"
#include "util/vector_clones.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEG (M_PI / 180.0)
/* The tracker works on an image of scale x scale averaged frame pixels, the largest whole scale
 * whose working pixel is at most WORK_MM (never under 2): what it was tuned at (640x480 at
 * 0.15 mm/px), and its cost then follows the anatomy shown, not the capture's resolution
 * (1080p of the same sector costs about what 640x480 does). */
#define WORK_MM 0.3
#define MIN_SCALE 2
#define ANGLE_STEP_DEG 0.5
#define MIN_LENGTH_MM 3.0
#define RIDGE_SIGMA_MM 0.45
#define ORIENT_TOL_DEG 12.0   /* a pixel votes for lines along its own ridge only */
#define TIP_WINDOW_MM 1.2    /* echo compared before and after a candidate tip */
#define SHAFT_MIN_ECHO 0.2      /* a shaft echoes at least this far over its sides (contrast sd) */
#define MOTION_BAND_MM 10.0     /* depth bands of the global motion (tracking/motion.h) */
#define SCAN_STEP 2             /* the line scan samples every second working pixel (0.6 mm) */
#define SCAN_PEAKS 2            /* lines of the line scan walked, after the Hough's */
#define SCAN_MIN 3.0            /* and only those this far over their neighbours (noise sd) */
#define SHAFT_GAP_MM 1.5        /* the shaft carried on to its tip across dark gaps this long */
#define REFINE_SHIFTS 9         /* the line refinement's shifts: -2 .. +2 px in half pixels */

void tracker_opts_default(tracker_opts *o, ng_rect roi, double mm_per_px, const ng_plan *plan)
{
    o->roi = roi;
    o->mm_per_px = mm_per_px;
    o->plan = *plan;
    o->angle_window_deg = 12;
    o->corridor_mm = 8;
    o->grey_per_db = 219.0 / 60;   /* video-range grey over a 60 dB display dynamic range */
    /* Off: on the calibration set the trail's own speckle clutter cost more needles (-5 points of
     * detection at weight 1) than the fascia it cancels (-1 to -2 points of false positives). */
    o->temporal_weight = 0;
    o->trail_frames = 15;
}


struct tracker {
    tracker_opts o;
    int scale;                /* frame pixels per working pixel, each way */
    int w, h;                 /* working image */
    double px_mm;             /* mm per working pixel */
    uint8_t *img8;            /* the working image as box_average rounds it */
    float *img, *resp;          /* resp: ridge strength, finds the line */
    float *resp_corridor;       /* resp in the corridors, 0 elsewhere and at [w * h] */
    int *refine_idx;            /* the line refinement's samples: pixel indices (REFINE_SHIFTS
                                 * lines of at most 2 (w + h) + 3) */
    float *contrast;            /* brightness over the local mean, walks the shaft to its tip */
    double *integral;
    ridge_map ridge;
    motion_map motion;        /* the temporal cue */
    uint8_t *inside;          /* pixels showing the image (not the black screen around it) */
    uint8_t *corridor;        /* pixels near one of the planned paths */
    ng_rect corridor_box;     /* the working pixels that hold them */
    int nang, nrho, rho_max;
    double *ang;              /* candidate line directions, radians, y down */
    hough_dirs dirs;          /* and what the Hough's votes need of them */
    int *cells;               /* one candidate's cells, one per direction */
    float *acc;
    int *cand;                /* candidate pixel indices */
    float *cand_x, *cand_y;   /* and their positions relative to the entry, */
    float *cand_c2, *cand_s2, *cand_vote;   /* ridge directions (ridge.h) and votes, in a row */
    ng_vec2 entry;            /* entry point in working pixels */
    line_scan scan;           /* line integrals of the smoothed image over the corridors */
    int *path_idx[2], path_n[2];      /* each planned path's corridor pixels on the scan's grid */
    line_scan_pixels *scan_px[2];     /* and the scan's lines through them (that path's directions), */
    int scan_sets[2];                 /* in sets of at most LINE_SCAN_PIXELS_MAX pixels */
    float *prof;              /* echo profile along the found line, reused frame to frame */
    int prof_cap;
    track_filter filter;
};

int tracker_scale_for(double mm_per_px)
{
    int s = (int)floor(WORK_MM / mm_per_px + 1e-6);   /* 0.3 / 0.15 is 2, not 1.999... */
    return s < MIN_SCALE ? MIN_SCALE : s;
}

/* A working pixel averages frame pixels sx..sx+s-1: its centre is at sx + (s-1)/2. */
static ng_vec2 frame_to_work(const tracker *t, ng_vec2 p)
{
    const double c = 0.5 * (t->scale - 1);
    return ng_v2((p.x - t->o.roi.x - c) / t->scale, (p.y - t->o.roi.y - c) / t->scale);
}

static ng_vec2 work_to_frame(const tracker *t, ng_vec2 p)
{
    const double c = 0.5 * (t->scale - 1);
    return ng_v2(t->o.roi.x + p.x * t->scale + c, t->o.roi.y + p.y * t->scale + c);
}

tracker *tracker_new(const tracker_opts *o)
{
    tracker *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->o = *o;
    t->scale = tracker_scale_for(o->mm_per_px);
    t->w = o->roi.w / t->scale;
    t->h = o->roi.h / t->scale;
    t->px_mm = o->mm_per_px * t->scale;
    size_t n = (size_t)t->w * (size_t)t->h;
    t->img = malloc(n * sizeof(float));
    t->img8 = malloc(n);
    /* the temporal cue's buffers only when it is on (tracker_measure uses them only then) */
    bool ridge_ok = ridge_init(&t->ridge, t->w, t->h) == 0 &&
                    (o->temporal_weight <= 0 ||
                     motion_init(&t->motion, t->w, t->h, exp(-1 / fmax(o->trail_frames, 1)),
                                 (int)lround(MOTION_BAND_MM / t->px_mm)) == 0);
    t->resp = t->ridge.strength;
    t->contrast = malloc(n * sizeof(float));
    t->resp_corridor = calloc(n + 1, sizeof(float));
    t->refine_idx = malloc(sizeof(int) * REFINE_SHIFTS * (size_t)(2 * (t->w + t->h) + 3));
    t->integral = malloc((size_t)(t->w + 1) * (size_t)(t->h + 1) * sizeof(double));
    t->inside = malloc(n);
    t->cand = malloc(n * sizeof(int));
    t->cand_x = malloc(n * sizeof(float));
    t->cand_y = malloc(n * sizeof(float));
    t->cand_c2 = malloc(n * sizeof(float));
    t->cand_s2 = malloc(n * sizeof(float));
    t->cand_vote = malloc(n * sizeof(float));
    t->corridor = malloc(n);
    t->entry = frame_to_work(t, o->plan.entry);

    const ng_vec2 targets[2] = { o->plan.l4_target, o->plan.l5_target };
    int per = (int)(2 * o->angle_window_deg / ANGLE_STEP_DEG) + 1;
    t->ang = malloc(sizeof *t->ang * (size_t)(2 * per));
    t->cells = malloc(sizeof(int) * (size_t)(2 * per));
    if (!t->ang || !t->cells) {
        tracker_free(t);
        return NULL;
    }
    for (int k = 0; k < 2; k++) {
        double base = atan2(targets[k].y - o->plan.entry.y, targets[k].x - o->plan.entry.x);
        for (int i = 0; i < per; i++)
            t->ang[t->nang++] = base + (-o->angle_window_deg + i * ANGLE_STEP_DEG) * DEG;
    }
    if (hough_dirs_init(&t->dirs, t->ang, t->nang, ORIENT_TOL_DEG * DEG) != 0) {
        tracker_free(t);
        return NULL;
    }
    t->rho_max = (int)ceil(o->corridor_mm / t->px_mm);
    track_filter_opts fo;
    track_filter_opts_default(&fo, o->mm_per_px);
    track_filter_init(&t->filter, &fo);
    /* The corridors: within corridor_mm of each planned path, from the entry to 10 mm past the
     * target (a needle may overshoot); t->corridor is their union. */
    if (t->corridor)
        memset(t->corridor, 0, n);
    /* the scan's grid holds every SCAN_STEP-th pixel each way */
    size_t scan_n = (size_t)(t->w / SCAN_STEP + 1) * (size_t)(t->h / SCAN_STEP + 1);
    int bx0 = t->w, by0 = t->h, bx1 = -1, by1 = -1;   /* the corridors' bounding box */
    /* the paths' pixels from the entry, in scan steps: only to lay the scan's lines out */
    float *path_x[2] = { NULL, NULL }, *path_y[2] = { NULL, NULL };
    bool paths_ok = true;
    for (int k = 0; k < 2; k++) {
        t->path_idx[k] = malloc(scan_n * sizeof(int));
        path_x[k] = malloc(scan_n * sizeof(float));
        path_y[k] = malloc(scan_n * sizeof(float));
        if (!t->corridor || !t->path_idx[k] || !path_x[k] || !path_y[k]) {
            paths_ok = false;
            break;
        }
        ng_vec2 tg = frame_to_work(t, targets[k]);
        double len = ng_v2_dist(t->entry, tg) * t->px_mm;
        for (int y = 0; y < t->h; y++)
            for (int x = 0; x < t->w; x++) {
                ng_vec2 p = ng_v2(x, y);
                double along = ng_project_t(p, t->entry, tg) * len;
                double off = fabs(ng_dist_point_line_signed(p, t->entry, tg)) * t->px_mm;
                if (off <= o->corridor_mm && along >= 0 && along <= len + 10) {
                    t->corridor[y * t->w + x] = 1;
                    bx0 = x < bx0 ? x : bx0; bx1 = x > bx1 ? x : bx1;
                    by0 = y < by0 ? y : by0; by1 = y > by1 ? y : by1;
                    if (x % SCAN_STEP || y % SCAN_STEP)
                        continue;
                    int c = t->path_n[k]++;
                    t->path_idx[k][c] = y * t->w + x;
                    path_x[k][c] = (float)((x - t->entry.x) / SCAN_STEP);
                    path_y[k][c] = (float)((y - t->entry.y) / SCAN_STEP);
                }
            }
    }
    t->corridor_box = (ng_rect){ bx0, by0, bx1 - bx0 + 1, by1 - by0 + 1 };   /* empty: w, h <= 0 */
    t->nrho = 2 * t->rho_max + 1;
    t->acc = malloc(sizeof(float) * (size_t)t->nang * (size_t)t->nrho);
    int scan_rho_max = (t->rho_max + SCAN_STEP - 1) / SCAN_STEP;
    bool scan_ok = paths_ok && line_scan_init(&t->scan, t->nang, scan_rho_max) == 0;
    for (int k = 0; k < 2 && scan_ok; k++) {   /* ang[]: the L4 path's directions, then the L5's */
        int sets = (t->path_n[k] + LINE_SCAN_PIXELS_MAX - 1) / LINE_SCAN_PIXELS_MAX;
        scan_ok = (t->scan_px[k] = calloc((size_t)sets + 1, sizeof *t->scan_px[k])) != NULL;
        for (int q = 0; q < sets && scan_ok; q++) {
            int first = q * LINE_SCAN_PIXELS_MAX, n_q = t->path_n[k] - first;
            n_q = n_q < LINE_SCAN_PIXELS_MAX ? n_q : LINE_SCAN_PIXELS_MAX;
            scan_ok = line_scan_pixels_init(&t->scan_px[k][q], &t->scan, path_x[k] + first,
                                            path_y[k] + first, n_q, &t->dirs, k * per,
                                            (k + 1) * per) == 0;
            t->scan_sets[k] = q + 1;
        }
    }
    for (int k = 0; k < 2; k++) {
        free(path_x[k]);
        free(path_y[k]);
    }
    if (!scan_ok || !t->img || !t->img8 || !ridge_ok || !t->inside || !t->cand || !t->acc ||
        !t->contrast || !t->resp_corridor || !t->refine_idx || !t->integral || !t->cand_x ||
        !t->cand_y || !t->cand_c2 || !t->cand_s2 || !t->cand_vote) {
        tracker_free(t);
        return NULL;
    }
    return t;
}

void tracker_free(tracker *t)
{
    if (!t)
        return;
    free(t->img); free(t->img8); ridge_free(&t->ridge); motion_free(&t->motion); free(t->inside);
    free(t->contrast); free(t->integral); free(t->resp_corridor); free(t->refine_idx);
    free(t->cand); free(t->cand_x); free(t->cand_y);
    free(t->cand_c2); free(t->cand_s2); free(t->cand_vote);
    free(t->ang); hough_dirs_free(&t->dirs); free(t->cells); free(t->acc); free(t->corridor);
    free(t->prof);
    line_scan_free(&t->scan);
    for (int k = 0; k < 2; k++) {
        free(t->path_idx[k]);
        for (int q = 0; q < t->scan_sets[k]; q++)
            line_scan_pixels_free(&t->scan_px[k][q]);
        free(t->scan_px[k]);
    }
    free(t);
}

/* scale x scale average of the ROI into the working image; pixels outside the frame read as
 * black, and so count as outside the image. */
static void downsample(tracker *t, const uint8_t *luma, int stride, int fw, int fh)
{
    box_average(luma, stride, fw, fh, t->o.roi, t->scale, t->img, t->img8);
    const float *restrict img = t->img;
    uint8_t *restrict inside = t->inside;
    for (int i = 0, n = t->w * t->h; i < n; i++)
        inside[i] = img[i] > 20;
}

/* Brightness above the local mean over ~1.5 mm: echoes stand out of the slowly varying
 * tissue level; dark pixels give nothing. */
NG_VECTOR_CLONES
static void local_contrast(tracker *t)
{
    int w = t->w, h = t->h, W = w + 1;
    double *I = t->integral;
    memset(I, 0, sizeof(double) * (size_t)W);
    for (int y = 0; y < h; y++) {
        double row = 0;
        I[(y + 1) * W] = 0;
        for (int x = 0; x < w; x++) {
            row += t->img[y * w + x];
            I[(y + 1) * W + x + 1] = I[y * W + x + 1] + row;
        }
    }
    int r = (int)lround(1.5 / t->px_mm);
    for (int y = 0; y < h; y++) {
        int y0 = y - r < 0 ? 0 : y - r, y1 = y + r >= h ? h - 1 : y + r;
        const double *top = I + (size_t)y0 * W, *bottom = I + (size_t)(y1 + 1) * W;
        const float *img = t->img + (size_t)y * w;
        const uint8_t *in = t->inside + (size_t)y * w;
        float *restrict out = t->contrast + (size_t)y * w;
        /* the window clamped at the image's edges; x in [r, w - r) never is, and that run, the
         * most of the row, goes as vector code */
        int lo = r < w ? r : w, hi = w - r > lo ? w - r : lo;
        for (int x = 0; x < w; x++) {
            if (x == lo)
                x = hi;
            if (x >= w)
                break;
            int x0 = x - r < 0 ? 0 : x - r, x1 = x + r >= w ? w - 1 : x + r;
            double sum = bottom[x1 + 1] - top[x1 + 1] - bottom[x0] + top[x0];
            double v = img[x] - sum / ((x1 - x0 + 1) * (y1 - y0 + 1));
            out[x] = in[x] && v > 0 ? (float)v : 0;
        }
        const double area = (double)((2 * r + 1) * (y1 - y0 + 1));
        for (int x = lo; x < hi; x++) {
            double sum = bottom[x + r + 1] - top[x + r + 1] - bottom[x - r] + top[x - r];
            float v = (float)(img[x] - sum / area);   /* > 0 exactly when the double is */
            out[x] = ((in[x] != 0) & (v > 0)) ? v : 0;
        }
    }
}

static float sample_map(const tracker *t, const float *map, ng_vec2 p)
{
    if (p.x < -0.5 || p.y < -0.5)
        return 0;
    int x = (int)(p.x + 0.5), y = (int)(p.y + 0.5);   /* lround, without the libm call */
    if (x >= t->w || y >= t->h || !t->corridor[y * t->w + x])
        return 0;
    return map[y * t->w + x];
}

/* The integer steps s (within +-(w+h)) at which c0 + s*d can round into the box of pixels
 * b.x .. b.x+b.w-1, b.y .. b.y+b.h-1 of a w x h image: the samples outside it would read
 * nothing. */
static void line_span(ng_vec2 c0, ng_vec2 d, ng_rect b, int w, int h, int *s0, int *s1)
{
    double lo = -(w + h), hi = w + h;
    const double org[2] = { c0.x, c0.y }, dir[2] = { d.x, d.y };
    const double min[2] = { b.x - 0.5, b.y - 0.5 }, max[2] = { b.x + b.w - 0.5, b.y + b.h - 0.5 };
    for (int k = 0; k < 2; k++) {
        if (fabs(dir[k]) < 1e-12) {
            if (org[k] < min[k] || org[k] >= max[k])
                lo = 1, hi = 0;   /* parallel and outside: nothing */
            continue;
        }
        double a = (min[k] - org[k]) / dir[k], c = (max[k] - org[k]) / dir[k];
        if (a > c) { double tmp = a; a = c; c = tmp; }
        lo = fmax(lo, a);
        hi = fmin(hi, c);
    }
    *s0 = (int)floor(lo) - 1;   /* a step of margin each side: rounding at the border */
    *s1 = (int)ceil(hi) + 1;
    if (*s0 < -(w + h)) *s0 = -(w + h);
    if (*s1 > w + h) *s1 = w + h;
}

/* Mean local contrast on the line at p and just above it. Reverberations lie below the shaft
 * (further down the beam) and would drag the tip along it. */
static float across(const tracker *t, ng_vec2 p, ng_vec2 up)
{
    return 0.5f * (sample_map(t, t->contrast, p) +
                   sample_map(t, t->contrast, ng_v2_add(p, ng_v2_scale(up, 0.7))));
}

/* Mean of prof[c - half .. c + half], the part of it inside 0..n-1. */
static double window_mean(const float *prof, int n, int c, int half)
{
    double sum = 0;
    int cnt = 0;
    for (int k = c - half; k <= c + half; k++)
        if (k >= 0 && k < n) {
            sum += prof[k];
            cnt++;
        }
    return sum / cnt;
}

/* The tip: where the echo along the shaft steps down most, near the end of the run (the run's
 * own end lags behind it by the smoothing and the blur). Returns the index of the last sample
 * still on the needle. */
int tip_step(const float *prof, int steps, int start, int end, double px_mm)
{
    int win = (int)lround(TIP_WINDOW_MM / px_mm);
    int lo = end - (int)lround(2.5 / px_mm), hi = end + (int)lround(1.0 / px_mm);
    if (lo < start + win)
        lo = start + win;
    if (hi > steps - win)
        hi = steps - win;
    int best = end;
    double best_drop = -1e30;
    for (int s = lo; s <= hi; s++) {
        double before = 0, after = 0;
        for (int k = 1; k <= win; k++) {
            before += prof[s - k + 1];
            after += prof[s + k];
        }
        if (before - after > best_drop) {
            best_drop = before - after;
            best = s;
        }
    }
    return best;
}

/* The tip to a fraction of a sample on a profile of raw echo (grey) sampled every step_mm.
 * Log compression makes the blurred end of the shaft look longer than the needle: the tail of
 * the PSF stays bright for several dB. The tip is where the echo has fallen 6 dB (half the
 * amplitude) below the shaft's own level; on a faint shaft, halfway down to what lies beyond. */
double tip_edge(const float *prof, int n, int coarse, double step_mm, double grey_per_db)
{
    int sm = (int)lround(0.3 / step_mm);   /* light smoothing against the needle's own speckle */
    int p0 = coarse - (int)lround(2.0 / step_mm), p1 = coarse;
    int b0 = coarse + (int)lround(1.0 / step_mm), b1 = coarse + (int)lround(2.5 / step_mm);
    if (p0 - sm < 0 || b1 >= n)
        return coarse;
    double plateau = -1e30, beyond = 0;
    for (int k = p0; k <= p1; k++)   /* the brightest stretch of the end of the shaft: the bevel */
        plateau = fmax(plateau, window_mean(prof, n, k, sm));
    for (int k = b0; k <= b1; k++)
        beyond += prof[k];
    beyond /= b1 - b0 + 1;
    if (plateau <= beyond)
        return coarse;
    double thr = fmax(plateau - 6 * grey_per_db, 0.5 * (plateau + beyond));
    double prev = 0;
    /* the outermost crossing: a dark speckle spot inside the shaft does not cut it short */
    for (int k = b0; k >= p0; k--) {
        double v = window_mean(prof, n, k, sm);
        if (v >= thr)
            return k == b0 ? k : k + (v - thr) / (v - prev);
        prev = v;
    }
    return coarse;
}

/* Mean of prof[a..b], each sample clipped at clip. */
static double clipped_mean(const float *prof, int a, int b, double clip)
{
    double sum = 0;
    for (int s = a; s <= b; s++)
        sum += fmin(prof[s], clip);
    return sum / (b - a + 1);
}

/* The stretch of a noisy echo profile most likely to be the shaft: the segment whose samples
 * (clipped at clip: one bright layer crossing the line is not a shaft) exceed k by the most in
 * total, with k half the segment's own mean echo (a shift of the mean by m is best told from
 * noise at m/2), found by iterating from k0. A dark gap stays in the shaft when the echo either
 * side outweighs it. Returns 0 and the segment, or -1 when nothing exceeds k0. */
int shaft_segment(const float *prof, int n, double k0, double clip, int *start, int *end)
{
    double k = k0;
    for (int iter = 0; iter < 4; iter++) {
        double run = 0, best = 0;
        int run_start = 0, a = -1, b = -1;
        for (int s = 0; s < n; s++) {
            if (run <= 0) {
                run = 0;
                run_start = s;
            }
            run += fmin(prof[s], clip) - k;
            if (run > best) {
                best = run;
                a = run_start;
                b = s;
            }
        }
        if (a < 0)
            return -1;
        *start = a;
        *end = b;
        double next = fmax(k0, 0.5 * clipped_mean(prof, a, b, clip));
        if (fabs(next - k) < 1e-3 * fabs(k) + 1e-9)
            break;
        k = next;
    }
    return 0;
}

/* The shaft prof[start..end] carried on along up[], its echo against the probe's side alone, as
 * far as that still pays (each sample worth its echo less half the shaft's mean), across gaps
 * of at most max_gap samples. Where the needle lies against bone, the side beyond the shaft is
 * bright too and the echo against both sides ends short of the tip; the side towards the probe
 * is tissue there. Returns the new end (end when nothing pays). */
int shaft_extend(const float *up, int n, int start, int end, double clip, int max_gap)
{
    double k = 0.5 * clipped_mean(up, start, end, clip);
    if (k <= 0)
        return end;
    double run = 0, best = 0;
    int best_s = end;
    for (int s = end + 1; s < n; s++) {
        run += fmin(up[s], clip) - k;
        if (run > best) {
            best = run;
            best_s = s;
        } else if (run < best - k * max_gap) {
            break;
        }
    }
    return best_s;
}

/* Bilinear sample of the working image; outside reads 0. */
static float sample_img(const tracker *t, double x, double y)
{
    if (x < 0 || y < 0 || x >= t->w - 1 || y >= t->h - 1)
        return 0;
    int xi = (int)x, yi = (int)y;
    float fx = (float)(x - xi), fy = (float)(y - yi);
    const float *p = t->img + (size_t)yi * t->w + xi;
    return (p[0] * (1 - fx) + p[1] * fx) * (1 - fy) + (p[t->w] * (1 - fx) + p[t->w + 1] * fx) * fy;
}

/* Moves the tip found on the contrast profile (at s along the line) to the edge of the raw
 * echo; returns the shift in working pixels. */
static double refine_tip(tracker *t, ng_vec2 centre, ng_vec2 dir, double s, ng_vec2 nrm)
{
    enum { PER_PX = 4, BEFORE = 4 * 12, AFTER = 4 * 10 };   /* quarter-pixel steps */
    float prof[BEFORE + AFTER + 1];
    for (int k = 0; k <= BEFORE + AFTER; k++) {
        ng_vec2 p = ng_v2_add(centre, ng_v2_scale(dir, s + (double)(k - BEFORE) / PER_PX));
        float v = 0;
        for (int j = -1; j <= 1; j++)   /* across the shaft's width */
            v += sample_img(t, p.x + nrm.x * 0.5 * j, p.y + nrm.y * 0.5 * j);
        prof[k] = v / 3;
    }
    double e = tip_edge(prof, BEFORE + AFTER + 1, BEFORE, t->px_mm / PER_PX, t->o.grey_per_db);
    return (e - BEFORE) / PER_PX;
}

/* The needle along the line of Hough cell `best`: the line refined, then walked to its tip.
 * Fills out (found or not) and returns the evidence for it, to compare lines by: the length of
 * shaft seen times its contrast (unlike the confidence, it does not saturate). */
static double measure_line(tracker *t, int best, int ncand, float thr, float level, double csd,
                           ng_track *out)
{
    memset(out, 0, sizeof *out);
    /* Refine: weighted least-squares line through the candidates near the best cell. */
    double theta = t->ang[best / t->nrho], rho = best % t->nrho - t->rho_max;
    ng_vec2 dir = ng_v2(cos(theta), sin(theta)), nrm = ng_v2(-sin(theta), cos(theta));
    double sw = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int c = 0; c < ncand; c++) {
        int i = t->cand[c];
        ng_vec2 p = ng_v2(i % t->w, i / t->w);
        if (fabs(ng_v2_dot(nrm, ng_v2_sub(p, t->entry)) - rho) > 1.5)
            continue;
        double wgt = t->resp[i] - thr;
        sw += wgt; sx += wgt * p.x; sy += wgt * p.y;
        sxx += wgt * p.x * p.x; syy += wgt * p.y * p.y; sxy += wgt * p.x * p.y;
    }
    ng_vec2 centre = ng_v2_add(t->entry, ng_v2_scale(nrm, rho));
    if (sw > 0) {
        centre = ng_v2(sx / sw, sy / sw);
        double cxx = sxx / sw - centre.x * centre.x, cyy = syy / sw - centre.y * centre.y;
        double cxy = sxy / sw - centre.x * centre.y;
        double th = 0.5 * atan2(2 * cxy, cxx - cyy);   /* principal axis */
        ng_vec2 d = ng_v2(cos(th), sin(th));
        if (ng_v2_dot(d, dir) < 0)
            d = ng_v2_scale(d, -1);
        if (acos(fmin(1.0, ng_v2_dot(d, dir))) < 3 * DEG) {
            dir = d;
            nrm = ng_v2(-d.y, d.x);
        }
    }

    /* Sub-degree refinement: small turns and shifts about the centroid, keeping the line
     * that collects the most echo. Each line's pixels are found first (vector code), then the
     * shifts of one turn are summed side by side, each its own sum in its own order (the same
     * bits as one line at a time; outside a line's span it reads zeros), so that no add waits
     * on the one before. */
    {
        double best_score = -1, base_th = atan2(dir.y, dir.x);
        ng_vec2 best_c = centre, best_d = dir;
        for (double dth = -2.0; dth <= 2.0001; dth += 0.25) {
            double th = base_th + dth * DEG;
            ng_vec2 d = ng_v2(cos(th), sin(th)), nn = ng_v2(-d.y, d.x);
            ng_vec2 c0[REFINE_SHIFTS];
            double score[REFINE_SHIFTS] = { 0 };
            int lo = INT_MAX, hi = INT_MIN;
            for (int k = 0; k < REFINE_SHIFTS; k++) {
                c0[k] = ng_v2_add(centre, ng_v2_scale(nn, -2.0 + 0.5 * k));
                int s0, s1;
                line_span(c0[k], d, t->corridor_box, t->w, t->h, &s0, &s1);
                lo = s0 < lo ? s0 : lo;
                hi = s1 > hi ? s1 : hi;
            }
            int len = hi - lo + 1;   /* at most 2 (w + h) + 1 (line_span) */
            int *idx = t->refine_idx;
            for (int k = 0; k < REFINE_SHIFTS && len > 0; k++)
                line_pixels(c0[k], d, lo, len, t->w, t->h, idx + (size_t)k * len);
            for (int j = 0; j < len; j++)
                for (int k = 0; k < REFINE_SHIFTS; k++)
                    score[k] += t->resp_corridor[idx[k * len + j]];
            for (int k = 0; k < REFINE_SHIFTS; k++)
                if (score[k] > best_score) {
                    best_score = score[k];
                    best_c = c0[k];
                    best_d = d;
                }
        }
        centre = best_c;
        dir = best_d;
        nrm = ng_v2(-dir.y, dir.x);
    }

    /* Walk the line in the insertion direction, smoothing the echo along it over ~2 mm,
     * and keep the longest run of echo, bridging short gaps (the shaft fades where the beam
     * meets it obliquely). Its ends are where the shaft enters the image and the tip. */
    double t0 = ng_v2_dot(ng_v2_sub(t->entry, centre), dir);
    int steps = (int)(hypot(t->w, t->h) + fabs(t0));
    if (steps + 1 > t->prof_cap) {
        float *grown = realloc(t->prof, 2 * sizeof(float) * (size_t)(steps + 1));
        if (!grown)
            return 0;
        t->prof = grown;
        t->prof_cap = steps + 1;
    }
    float *prof = t->prof, *prof_up = t->prof + t->prof_cap;
    /* Echo on the line minus the echo on parallel lines ~1.5 mm either side. */
    int side = (int)lround(1.5 / t->px_mm);
    ng_vec2 up = nrm.y < 0 ? nrm : ng_v2_scale(nrm, -1);   /* towards the probe */
    for (int s = 0; s <= steps; s++) {
        ng_vec2 p = ng_v2_add(centre, ng_v2_scale(dir, t0 + s));
        float bg = 0.5f * (across(t, ng_v2_add(p, ng_v2_scale(nrm, side)), up) +
                           across(t, ng_v2_sub(p, ng_v2_scale(nrm, side)), up));
        prof[s] = across(t, p, up) - bg;
        /* raw echo: the local contrast next to bone is taken against the bone's own brightness */
        float echo = sample_img(t, p.x, p.y);
        ng_vec2 q = ng_v2_add(p, ng_v2_scale(up, side));
        prof_up[s] = echo - sample_img(t, q.x, q.y);
        /* Not carried on over a shadow: a line there runs on the bone's own surface, which the
         * needle does not enter. Shadow at two distances: a dark speckle is smaller. */
        ng_vec2 r = ng_v2_sub(p, ng_v2_scale(up, side));
        ng_vec2 r2 = ng_v2_sub(p, ng_v2_scale(up, 1.5 * side));
        if (fmaxf(sample_img(t, r.x, r.y), sample_img(t, r2.x, r2.y)) < 0.5f * level)
            prof_up[s] = fminf(prof_up[s], 0);
        /* A needle echoes above the mean tissue level: a speck in an anechoic pool or in a
         * bone's shadow stands out of its dark surroundings but is not the shaft. */
        if (echo < level) {
            prof[s] = fminf(prof[s], 0);
            prof_up[s] = fminf(prof_up[s], 0);
        }
    }
    /* The shaft: the stretch of the line with the most echo above half its own level. A walk
     * of samples above a threshold breaks up on a faint shaft; the sum bridges its dark gaps. */
    int best_start, best_end;
    if (shaft_segment(prof, steps + 1, SHAFT_MIN_ECHO * csd, 2 * csd, &best_start, &best_end) < 0)
        return 0;
    /* fill: how much of it shows echo over ~2 mm, a feature of the confidence */
    int half = (int)lround(1.0 / t->px_mm), best_on = 0;
    float on = (float)(0.45 * csd);
    for (int s = best_start; s <= best_end; s++)
        best_on += window_mean(prof, steps + 1, s, half) > on && prof[s] > 0;
    /* Contrast over the whole stretch, gaps included: a true shaft is brighter than its sides all
     * along; a line through crossing horizontal layers is not. */
    double run_total = 0;
    for (int s = best_start; s <= best_end; s++)
        run_total += prof[s];
    int shaft_end = best_end;
    best_end = shaft_extend(prof_up, steps + 1, best_start, best_end, 255,
                            (int)lround(SHAFT_GAP_MM / t->px_mm));
    bool extended = best_end > shaft_end;
    /* carried on against the probe's side: its tip is found on that profile too */
    best_end = tip_step(extended ? prof_up : prof, steps, best_start, best_end, t->px_mm);
    double tip_s = best_end + refine_tip(t, centre, dir, t0 + best_end, nrm);
    /* the evidence is the shaft seen against both sides: carried on, a short bright speck
     * would grow into a confident shaft */
    double len_mm = ((extended ? shaft_end : tip_s) - best_start) * t->px_mm;
    double contrast = run_total / (shaft_end - best_start + 1) / csd;
    double fill = (double)best_on / (shaft_end - best_start + 1);
    /* full credit from 16 mm of visible shaft (12 mm: +1 % detection but 1.2 % false +) */
    double c = fmin(1, fmax(0, (contrast - 0.3) / 1.0)) * fmin(1, len_mm / 16) * fmin(1, fill / 0.6);

    ng_vec2 ps = ng_v2_add(centre, ng_v2_scale(dir, t0 + best_start));
    ng_vec2 pt = ng_v2_add(centre, ng_v2_scale(dir, t0 + tip_s));
    out->shaft_start = work_to_frame(t, ps);
    out->tip = work_to_frame(t, pt);
    out->angle_deg = ng_angle_deg(out->shaft_start, out->tip);
    out->confidence = c;
    out->found = len_mm >= MIN_LENGTH_MM && c >= 0.2;
    return fmin(2, fmax(0, contrast)) * len_mm * fmin(1, fill / 0.6);
}

/* Walks the `peaks` highest cells of t->acc above min, each a little apart from the others,
 * and keeps in out the needle with the most evidence (best_ev) so far. */
static void walk_peaks(tracker *t, int peaks, float min, int ncand, float thr, float level,
                       double csd, ng_track *out, double *best_ev)
{
    const int sup_a = (int)lround(2.0 / ANGLE_STEP_DEG), sup_r = 3;
    for (int k = 0; k < peaks; k++) {
        int best = 0;
        for (int i = 1; i < t->nang * t->nrho; i++)
            if (t->acc[i] > t->acc[best])
                best = i;
        if (t->acc[best] <= min)
            break;
        ng_track cand;
        double ev = measure_line(t, best, ncand, thr, level, csd, &cand);
        if (cand.found && (!out->found || ev > *best_ev)) {
            *out = cand;
            *best_ev = ev;
        }
        int ba = best / t->nrho, br = best % t->nrho;   /* no second peak next to this one */
        for (int a = ba - sup_a; a <= ba + sup_a; a++)
            for (int r = br - sup_r; r <= br + sup_r; r++)
                if (a >= 0 && a < t->nang && r >= 0 && r < t->nrho)
                    t->acc[a * t->nrho + r] = 0;
    }
}

void tracker_process(tracker *t, const uint8_t *luma, int stride, int width, int height,
                     ng_track *out)
{
    ng_track meas;
    tracker_measure(t, luma, stride, width, height, &meas);
    track_filter_update(&t->filter, &meas, out);
}

void tracker_measure(tracker *t, const uint8_t *luma, int stride, int width, int height,
                     ng_track *out)
{
    memset(out, 0, sizeof *out);
    downsample(t, luma, stride, width, height);
    /* the needle is ~0.7 mm wide: a ridge scale of half that */
    double sigma = RIDGE_SIGMA_MM / t->px_mm;
    ridge_smooth(&t->ridge, t->img, sigma);
    /* The temporal cue: the path the needle has just advanced along joins the echo the line is
     * searched on. The tip and the confidence still come from this frame alone. */
    if (t->o.temporal_weight > 0) {
        motion_update(&t->motion, t->ridge.smooth, t->inside);
        float k = (float)t->o.temporal_weight;
        for (int i = 0; i < t->w * t->h; i++)
            t->ridge.smooth[i] += k * t->motion.trail[i];
    }
    ridge_hessian(&t->ridge, t->ridge.smooth, t->inside, sigma);
    local_contrast(t);

    /* Statistics of the ridge strength and the local contrast inside the image. */
    double sum = 0, sum2 = 0, csum = 0, csum2 = 0, isum = 0, ssum = 0, ssum2 = 0;
    long n = 0;
    for (int i = 0; i < t->w * t->h; i++)
        if (t->inside[i]) {
            sum += t->resp[i];
            sum2 += (double)t->resp[i] * t->resp[i];
            csum += t->contrast[i];
            isum += t->img[i];
            csum2 += (double)t->contrast[i] * t->contrast[i];
            ssum += t->ridge.smooth[i];
            ssum2 += (double)t->ridge.smooth[i] * t->ridge.smooth[i];
            n++;
        }
    if (n < 100)
        return;
    double mean = sum / n, sd = sqrt(fmax(sum2 / n - mean * mean, 1e-9));
    double cmean = csum / n, csd = sqrt(fmax(csum2 / n - cmean * cmean, 1e-9));
    float thr = (float)(mean + 1.5 * sd);
    float level = (float)(isum / n);
    double smean = ssum / n, ssd = sqrt(fmax(ssum2 / n - smean * smean, 1e-9));

    /* Constrained Hough: lines near each planned path, voted by the strong pixels. */
    float cap = (float)(2 * sd);
    int ncand = 0;
    const ng_rect box = t->corridor_box;   /* no corridor pixel outside it */
    for (int y = box.y; y < box.y + box.h; y++)
        for (int x = box.x; x < box.x + box.w; x++) {
            int i = y * t->w + x;
            t->cand[ncand] = i;   /* kept when it is one: no branch to mispredict */
            ncand += (t->resp[i] > thr) & (t->corridor[i] != 0);
            /* the ridge strength in the corridors, for the line refinement (0 at [w * h]) */
            t->resp_corridor[i] = t->corridor[i] ? t->resp[i] : 0;
        }
    memset(t->acc, 0, sizeof(float) * (size_t)t->nang * (size_t)t->nrho);
    for (int c = 0; c < ncand; c++) {   /* what each angle's votes read, once and in a row */
        int i = t->cand[c];
        t->cand_x[c] = (float)(i % t->w - t->entry.x);
        t->cand_y[c] = (float)(i / t->w - t->entry.y);
        t->cand_c2[c] = t->ridge.cos2[i];
        t->cand_s2[c] = t->ridge.sin2[i];
        /* Capped votes: a short bright bone edge must not outvote a long faint shaft. */
        t->cand_vote[c] = fminf(t->resp[i] - thr, cap);
    }
    /* Each candidate's cells first (vector code), then its votes; a cell's votes still come in
     * the candidates' order. */
    for (int c = 0; c < ncand; c++) {
        hough_cells(&t->dirs, t->cand_x[c], t->cand_y[c], t->cand_c2[c], t->cand_s2[c],
                    t->rho_max, t->cells);
        for (int a = 0; a < t->nang; a++)
            if (t->cells[a] >= 0)
                t->acc[t->cells[a]] += t->cand_vote[c];
    }
    /* The strongest few lines, each walked: the line with the most votes is not always the
     * shaft (a bright stretch in the fat can tilt it off the deep part), the one that walks
     * into the best needle is. */
    double best_ev = 0;
    walk_peaks(t, 3, 0, ncand, thr, level, csd, out, &best_ev);

    /* The faint shaft: line integrals of the smoothed image, no threshold. */
    line_scan_clear(&t->scan);
    float clip = (float)(smean + 2 * ssd);   /* a bright bone edge must not outweigh a shaft */
    for (int k = 0; k < 2; k++)
        for (int q = 0; q < t->scan_sets[k]; q++) {
            line_scan_pixels *px = &t->scan_px[k][q];
            const int *idx = t->path_idx[k] + (size_t)q * LINE_SCAN_PIXELS_MAX;
            for (int c = 0; c < px->n; c++)
                line_scan_set(px, c, fminf(t->ridge.smooth[idx[c]], clip), t->inside[idx[c]]);
            line_scan_sum(&t->scan, px);
        }
    /* Scores onto the Hough cells (a scan bin is SCAN_STEP of them): each line against those
     * 1 mm either side; lines under 10 mm are not judged. */
    double scan_mm = t->px_mm * SCAN_STEP;
    int side = (int)lround(1.0 / scan_mm), min_count = (int)lround(10 / scan_mm);
    memset(t->acc, 0, sizeof(float) * (size_t)t->nang * (size_t)t->nrho);
    for (int a = 0; a < t->nang; a++)
        for (int rs = 0; rs < t->scan.nrho; rs++) {
            int r = t->rho_max + SCAN_STEP * (rs - t->scan.rho_max);
            if (r >= 0 && r < t->nrho)
                t->acc[a * t->nrho + r] =
                    (float)line_scan_score(&t->scan, a, rs, side, ssd, min_count);
        }
    walk_peaks(t, SCAN_PEAKS, SCAN_MIN, ncand, thr, level, csd, out, &best_ev);
}

