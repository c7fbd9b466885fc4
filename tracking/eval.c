#include "tracking/eval.h"

#include "tracking/tracker.h"
#include "util/stats.h"

#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void eval_score(const eval_truth *truth, const eval_track *track, int n, double mm_per_px,
                eval_stats *out)
{
    memset(out, 0, sizeof *out);
    double *tip = malloc(sizeof(double) * (size_t)(n + 1));
    double *ang = malloc(sizeof(double) * (size_t)(n + 1));
    int ntip = 0, gap_start = -1;
    double reacq_sum = 0;
    bool prev_visible = false;
    for (int i = 0; i < n; i++) {
        const eval_truth *t = &truth[i];
        const eval_track *k = &track[i];
        if (t->visible) {
            out->needle_frames++;
            if (!prev_visible && i > 0)
                gap_start = i;   /* the needle (re)appears: count frames until it is found */
            bool near = false;
            if (k->needle) {
                out->found++;
                double e = ng_v2_dist(k->tip, t->tip) * mm_per_px;
                tip[ntip] = e;
                ang[ntip++] = ng_line_angle_diff_deg(k->angle_deg, t->angle_deg);
                near = e <= EVAL_NEAR_MM;
            }
            if (near) {
                out->detected++;
                if (gap_start >= 0) {
                    double d = i - gap_start;
                    reacq_sum += d;
                    if (d > out->reacq_max_frames)
                        out->reacq_max_frames = d;
                    out->reacquisitions++;
                    gap_start = -1;
                }
            }
        } else {
            out->empty_frames++;
            out->false_pos += k->needle;
            gap_start = -1;
        }
        prev_visible = t->visible;
    }
    ng_sort_doubles(tip, (size_t)ntip);
    ng_sort_doubles(ang, (size_t)ntip);
    out->tip_median_mm = ng_percentile(tip, (size_t)ntip, 50);
    out->tip_p90_mm = ng_percentile(tip, (size_t)ntip, 90);
    out->tip_p95_mm = ng_percentile(tip, (size_t)ntip, 95);
    out->angle_median_deg = ng_percentile(ang, (size_t)ntip, 50);
    out->reacq_mean_frames = out->reacquisitions ? reacq_sum / out->reacquisitions : NAN;
    free(tip);
    free(ang);
}

static void print_row(FILE *f, const char *label, const eval_stats *s)
{
    fprintf(f, "%-22s %7d %8.1f%% %8.2f %8.2f %8.2f %9.2f %7d %7.1f%%\n", label, s->needle_frames,
            s->needle_frames ? 100.0 * s->detected / s->needle_frames : NAN, s->tip_median_mm,
            s->tip_p90_mm, s->tip_p95_mm, s->angle_median_deg, s->empty_frames,
            s->empty_frames ? 100.0 * s->false_pos / s->empty_frames : NAN);
}

/* Scores the frames a predicate selects (needle-free frames always count, for false positives). */
static void print_subset(FILE *f, const char *label, const eval_truth *truth, const eval_track *track,
                         int n, double mm_per_px, bool (*keep)(const eval_truth *, double, double),
                         double lo, double hi)
{
    eval_truth *t = malloc(sizeof *t * (size_t)n);
    eval_track *k = malloc(sizeof *k * (size_t)n);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (truth[i].visible && keep(&truth[i], lo, hi)) {
            t[m] = truth[i];
            k[m++] = track[i];
        }
    if (m > 0) {
        eval_stats s;
        eval_score(t, k, m, mm_per_px, &s);
        s.empty_frames = 0;
        print_row(f, label, &s);
    }
    free(t);
    free(k);
}

static bool by_angle(const eval_truth *t, double lo, double hi)
{
    double a = fabs(t->angle_deg) > 90 ? 180 - fabs(t->angle_deg) : fabs(t->angle_deg);
    return a >= lo && a < hi;
}

static bool by_contrast(const eval_truth *t, double lo, double hi)
{
    return !isnan(t->contrast_db) && t->contrast_db >= lo && t->contrast_db < hi;
}

void eval_print(FILE *f, const eval_truth *truth, const eval_track *track, int n, double mm_per_px)
{
    eval_stats s;
    eval_score(truth, track, n, mm_per_px, &s);
    fprintf(f, "%-22s %7s %9s %8s %8s %8s %9s %7s %8s\n", "", "needle", "detected", "tip p50",
            "tip p90", "tip p95", "angle p50", "empty", "false +");
    fprintf(f, "%-22s %7s %9s %8s %8s %8s %9s %7s %8s\n", "", "frames", "(<=3 mm)", "mm", "mm", "mm",
            "deg", "frames", "");
    print_row(f, "all", &s);
    static const double angles[][2] = { { 0, 35 }, { 35, 50 }, { 50, 65 }, { 65, 91 } };
    for (int i = 0; i < 4; i++) {
        char label[40];
        snprintf(label, sizeof label, "angle %.0f-%.0f deg", angles[i][0], angles[i][1]);
        print_subset(f, label, truth, track, n, mm_per_px, by_angle, angles[i][0], angles[i][1]);
    }
    static const double contrasts[][2] = { { -99, 8 }, { 8, 14 }, { 14, 99 } };
    static const char *const clabels[] = { "contrast < 8 dB", "contrast 8-14 dB", "contrast > 14 dB" };
    for (int i = 0; i < 3; i++)
        print_subset(f, clabels[i], truth, track, n, mm_per_px, by_contrast, contrasts[i][0],
                     contrasts[i][1]);
    if (s.reacquisitions)
        fprintf(f, "re-acquisition: %d reappearances, %.1f frames on average, %.0f at most\n",
                s.reacquisitions, s.reacq_mean_frames, s.reacq_max_frames);
    else
        fprintf(f, "re-acquisition: no reappearance detected\n");
}

static bool near_truth(const eval_truth *t, const eval_track *k, double mm_per_px)
{
    return t->visible && ng_v2_dist(k->tip, t->tip) * mm_per_px <= EVAL_NEAR_MM;
}

void eval_print_reliability(FILE *f, const eval_truth *truth, const eval_track *track, int n,
                            double mm_per_px)
{
    enum { BINS = 5 };
    int count[BINS] = { 0 }, near[BINS] = { 0 };
    double conf[BINS] = { 0 }, brier = 0;
    int total = 0;
    for (int i = 0; i < n; i++) {
        if (!track[i].reported)
            continue;
        double c = track[i].confidence;
        int b = (int)(c * BINS);
        b = b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
        bool ok = near_truth(&truth[i], &track[i], mm_per_px);
        count[b]++;
        near[b] += ok;
        conf[b] += c;
        brier += (c - ok) * (c - ok);
        total++;
    }
    fprintf(f, "confidence reliability (reported needles: how often the tip is within %.0f mm):\n",
            EVAL_NEAR_MM);
    for (int b = 0; b < BINS; b++)
        if (count[b])
            fprintf(f, "  confidence %.1f-%.1f: %6d frames, mean %.2f, within %.0f mm %5.1f%%\n",
                    (double)b / BINS, (double)(b + 1) / BINS, count[b], conf[b] / count[b],
                    EVAL_NEAR_MM, 100.0 * near[b] / count[b]);
    if (total)
        fprintf(f, "  Brier score %.3f over %d frames\n", brier / total, total);
}

/* Solves the 4x4 system a x = b in place (Gaussian elimination, partial pivoting). */
static bool solve4(double a[4][4], double b[4])
{
    for (int c = 0; c < 4; c++) {
        int p = c;
        for (int r = c + 1; r < 4; r++)
            if (fabs(a[r][c]) > fabs(a[p][c]))
                p = r;
        if (fabs(a[p][c]) < 1e-12)
            return false;
        for (int k = 0; k < 4; k++) {
            double tmp = a[c][k]; a[c][k] = a[p][k]; a[p][k] = tmp;
        }
        double tb = b[c]; b[c] = b[p]; b[p] = tb;
        for (int r = c + 1; r < 4; r++) {
            double m = a[r][c] / a[c][c];
            for (int k = c; k < 4; k++)
                a[r][k] -= m * a[c][k];
            b[r] -= m * b[c];
        }
    }
    for (int c = 3; c >= 0; c--) {
        for (int k = c + 1; k < 4; k++)
            b[c] -= a[c][k] * b[k];
        b[c] /= a[c][c];
    }
    return true;
}

int eval_fit_confidence(const eval_truth *truth, const eval_track *track, int n, double mm_per_px,
                        double w[4])
{
    memset(w, 0, sizeof(double) * 4);
    int used = 0;
    /* Logistic regression by Newton's method (iteratively reweighted least squares), with a
     * whisper of ridge so separable data cannot run off to infinity. */
    for (int iter = 0; iter < 25; iter++) {
        double h[4][4] = { { 0 } }, g[4] = { 0 };
        used = 0;
        for (int i = 0; i < n; i++) {
            const eval_track *k = &track[i];
            if (!k->reported || !k->has_features)
                continue;
            double x[4] = { 1, k->features[0], k->features[1], k->features[2] };
            double z = w[0] * x[0] + w[1] * x[1] + w[2] * x[2] + w[3] * x[3];
            double p = 1 / (1 + exp(-z)), y = near_truth(&truth[i], k, mm_per_px);
            for (int a = 0; a < 4; a++) {
                g[a] += (y - p) * x[a];
                for (int b = 0; b < 4; b++)
                    h[a][b] += p * (1 - p) * x[a] * x[b];
            }
            used++;
        }
        for (int a = 0; a < 4; a++) {
            g[a] -= 1e-3 * w[a];
            h[a][a] += 1e-3;
        }
        if (!used || !solve4(h, g))
            return used;
        double step = 0;
        for (int a = 0; a < 4; a++) {
            w[a] += g[a];
            step = fmax(step, fabs(g[a]));
        }
        if (step < 1e-6)
            break;
    }
    return used;
}

/* ---- the command ---- */

static bool get_point(json_object *o, const char *key, ng_vec2 *p)
{
    json_object *a;
    if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array) ||
        json_object_array_length(a) != 2)
        return false;
    *p = ng_v2(json_object_get_double(json_object_array_get_idx(a, 0)),
               json_object_get_double(json_object_array_get_idx(a, 1)));
    return true;
}

/* Reads JSON lines keyed by "frame" into rows[frame]; returns the frame count or -1. */
static int read_lines(const char *path, bool is_truth, double min_conf, eval_truth **truth,
                      eval_track **track, int *cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "needleguide: eval: %s: cannot open\n", path);
        return -1;
    }
    char line[4096];
    int lineno = 0, n = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        json_object *o = json_tokener_parse(line), *v;
        if (!o || !json_object_object_get_ex(o, "frame", &v) ||
            !json_object_object_get_ex(o, "needle", NULL)) {
            fprintf(stderr, "needleguide: eval: %s:%d: expected a JSON object with frame and needle\n",
                    path, lineno);
            json_object_put(o);
            fclose(f);
            return -1;
        }
        int frame = json_object_get_int(v);
        if (frame < 0 || frame > 10000000) {
            fprintf(stderr, "needleguide: eval: %s:%d: frame %d out of range\n", path, lineno, frame);
            json_object_put(o);
            fclose(f);
            return -1;
        }
        if (frame >= *cap) {
            int nc = frame * 2 + 64;
            *truth = realloc(*truth, sizeof **truth * (size_t)nc);
            *track = realloc(*track, sizeof **track * (size_t)nc);
            memset(*truth + *cap, 0, sizeof **truth * (size_t)(nc - *cap));
            memset(*track + *cap, 0, sizeof **track * (size_t)(nc - *cap));
            for (int i = *cap; i < nc; i++)
                (*truth)[i].contrast_db = NAN;
            *cap = nc;
        }
        bool needle = json_object_get_boolean(json_object_object_get(o, "needle"));
        double angle = json_object_get_double(json_object_object_get(o, "angle_deg"));
        ng_vec2 tip = ng_v2(0, 0);
        if (needle && !get_point(o, "tip", &tip)) {
            fprintf(stderr, "needleguide: eval: %s:%d: needle without a tip [x,y]\n", path, lineno);
            json_object_put(o);
            fclose(f);
            return -1;
        }
        if (is_truth) {
            (*truth)[frame].visible = needle;
            (*truth)[frame].tip = tip;
            (*truth)[frame].angle_deg = angle;
            if (json_object_object_get_ex(o, "contrast_db", &v))
                (*truth)[frame].contrast_db = json_object_get_double(v);
        } else {
            eval_track *k = &(*track)[frame];
            k->reported = needle;
            json_object *cv;
            k->confidence = json_object_object_get_ex(o, "confidence", &cv) ? json_object_get_double(cv) : 1;
            if (json_object_object_get_ex(o, "features", &cv) && json_object_is_type(cv, json_type_array) &&
                json_object_array_length(cv) == 3) {
                k->has_features = true;
                for (int j = 0; j < 3; j++)
                    k->features[j] = json_object_get_double(json_object_array_get_idx(cv, j));
            }
            /* a needle shown as uncertain (grey, dashed) is not a claim */
            if (k->confidence < min_conf)
                needle = false;
            (*track)[frame].needle = needle;
            (*track)[frame].tip = tip;
            (*track)[frame].angle_deg = angle;
        }
        if (frame + 1 > n)
            n = frame + 1;
        json_object_put(o);
    }
    fclose(f);
    return n;
}

int cmd_eval(int argc, char **argv)
{
    static const struct option opts[] = {
        { "truth", required_argument, 0, 't' }, { "track", required_argument, 0, 'k' },
        { "mm-per-px", required_argument, 0, 'm' }, { "min-confidence", required_argument, 0, 'c' },
        { "fit-confidence", no_argument, 0, 'f' },
        { 0, 0, 0, 0 },
    };
    double min_conf = TRACK_CONFIDENT;
    bool fit = false;
    const char *truth_path = NULL, *track_path = NULL;
    double mmpp = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': truth_path = optarg; break;
        case 'k': track_path = optarg; break;
        case 'm': {
            char *end;
            mmpp = strtod(optarg, &end);
            if (end == optarg || *end || !(mmpp > 0 && mmpp < 10)) {
                fprintf(stderr, "needleguide: eval: --mm-per-px '%s': expected a scale in mm\n", optarg);
                return 2;
            }
            break;
        }
        case 'c': {
            char *end;
            min_conf = strtod(optarg, &end);
            if (end == optarg || *end || !(min_conf >= 0 && min_conf <= 1)) {
                fprintf(stderr, "needleguide: eval: --min-confidence '%s': expected 0..1\n", optarg);
                return 2;
            }
            break;
        }
        case 'f': fit = true; break;
        default: goto usage;
        }
    }
    if (!truth_path || !track_path || mmpp <= 0 || optind != argc)
        goto usage;
    eval_truth *truth = NULL;
    eval_track *track = NULL;
    int cap = 0;
    int nt = read_lines(truth_path, true, min_conf, &truth, &track, &cap);
    int nk = nt < 0 ? -1 : read_lines(track_path, false, min_conf, &truth, &track, &cap);
    if (nt < 0 || nk < 0) {
        free(truth);
        free(track);
        return 2;
    }
    if (nk != nt)
        fprintf(stderr, "needleguide: eval: warning: %d truth frames, %d tracked\n", nt, nk);
    int n = nt < nk ? nt : nk;
    printf("%d frames; a needle counts when reported with confidence >= %.2f\n", n, min_conf);
    eval_print(stdout, truth, track, n, mmpp);
    eval_print_reliability(stdout, truth, track, n, mmpp);
    if (fit) {
        double w[4];
        int used = eval_fit_confidence(truth, track, n, mmpp, w);
        if (used)
            printf("fitted confidence weights over %d frames: { %.3f, %.3f, %.3f, %.3f }\n", used,
                   w[0], w[1], w[2], w[3]);
        else
            printf("no reported needle with features to fit (track --features)\n");
    }
    free(truth);
    free(track);
    return 0;
usage:
    fprintf(stderr, "usage: needleguide eval --truth GT.jsonl --track O.jsonl --mm-per-px X "
                    "[--min-confidence C]\n       [--fit-confidence]\n");
    return 2;
}
