#include "sim/simulate.h"

#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "capture/y4m.h"
#include "config/config.h"
#include "sim/sim_render.h"

void sim_truth_write(FILE *f, const sim_scene_layout *l, uint64_t n, const sim_state *st,
                     const sim_truth *t, double contrast_db)
{
    /* where the targets are in the image now: the anatomy moves with breathing */
    ng_vec2 t4 = sim_mm_to_px(l, sim_tissue_to_image(st, sim_l4_target_mm));
    ng_vec2 t5 = sim_mm_to_px(l, sim_tissue_to_image(st, sim_l5_target_mm));
    fprintf(f,
            "{\"frame\":%llu,\"t_s\":%.4f,\"needle\":%s,\"tip\":[%.2f,%.2f],\"shaft_start\":[%.2f,%.2f],"
            "\"angle_deg\":%.2f,\"contrast_db\":%.1f,\"phase\":\"%s\",\"step\":\"%s\",\"view\":%.3f,"
            "\"l4_target\":[%.2f,%.2f],\"l5_target\":[%.2f,%.2f]}",
            (unsigned long long)n, st->t_s, t->visible ? "true" : "false", t->tip.x, t->tip.y,
            t->shaft_start.x, t->shaft_start.y, t->angle_deg, contrast_db,
            phase_name(sim_true_phase(st)), sim_step_name(st->step), st->view, t4.x, t4.y, t5.x, t5.y);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: needleguide simulate --out F.y4m --truth F.jsonl [--seed S] [--frames N] "
               "[--fps R]\n       [--angle DEG] [--needle-db DB] [--chrome yes|no] [--gain-swing DB]\n"
               "       [--speckle-m M] [--dropouts MM]\n"
               "Writes the simulated one-puncture-two-point scan, its ground truth per frame and, "
               "beside the video, F.conf: the config that run and track need for it.\n");
}

static int parse_real(const char *opt, const char *v, double lo, double hi, double *out)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || !(d >= lo && d <= hi)) {
        fprintf(stderr, "needleguide: simulate: %s '%s': expected a number %g..%g\n", opt, v, lo, hi);
        return -1;
    }
    *out = d;
    return 0;
}

static int parse_count(const char *opt, const char *v, long lo, long hi, long *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (end == v || *end || n < lo || n > hi) {
        fprintf(stderr, "needleguide: simulate: %s '%s': expected a whole number %ld..%ld\n", opt,
                v, lo, hi);
        return -1;
    }
    *out = n;
    return 0;
}

int cmd_simulate(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, 0, 'o' },   { "truth", required_argument, 0, 't' },
        { "seed", required_argument, 0, 's' },  { "frames", required_argument, 0, 'n' },
        { "fps", required_argument, 0, 'r' },   { "help", no_argument, 0, 'h' },
        { "angle", required_argument, 0, 'a' }, { "needle-db", required_argument, 0, 'd' },
        { "chrome", required_argument, 0, 'C' }, { "gain-swing", required_argument, 0, 'g' },
        { "speckle-m", required_argument, 0, 'm' }, { "dropouts", required_argument, 0, 'w' },
        { 0, 0, 0, 0 },
    };
    const char *out = NULL, *truth = NULL;
    long seed = 1, frames = 0, fps = 30;
    sim_scene_layout layout;
    sim_scene_default_layout(&layout);
    sim_params params;
    sim_params_default(&params);
    double v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 't': truth = optarg; break;
        case 's': if (parse_count("--seed", optarg, 0, UINT_MAX, &seed) < 0) return 2; break;
        case 'n': if (parse_count("--frames", optarg, 1, 1000000, &frames) < 0) return 2; break;
        case 'r': if (parse_count("--fps", optarg, 1, 240, &fps) < 0) return 2; break;
        case 'a':
            if (parse_real("--angle", optarg, 15, 75, &v) < 0) return 2;
            sim_scene_set_angle(&layout, v);
            break;
        case 'd':
            if (parse_real("--needle-db", optarg, 0, 30, &v) < 0) return 2;
            sim_params_set_needle_db(&params, v);
            break;
        case 'g':
            if (parse_real("--gain-swing", optarg, 0, 20, &v) < 0) return 2;
            params.gain_swing_db = v;
            break;
        case 'm':
            if (parse_real("--speckle-m", optarg, 0.2, 1, &v) < 0) return 2;
            params.speckle_m = v;
            break;
        case 'w':
            if (parse_real("--dropouts", optarg, 0, 3, &v) < 0) return 2;
            params.elevation_wobble_mm = v;
            break;
        case 'C':
            if (strcmp(optarg, "yes") && strcmp(optarg, "no")) {
                fprintf(stderr, "needleguide: simulate: --chrome '%s': expected yes or no\n", optarg);
                return 2;
            }
            params.chrome = !strcmp(optarg, "yes");
            break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!out || !truth || optind != argc) {
        usage(stderr);
        return 2;
    }
    if (frames == 0)
        frames = (long)(sim_script_period_s() * (double)fps + 0.5);

    ng_errbuf err = { 0 };
    y4m_writer w;
    if (y4m_writer_open(&w, out, NG_PIX_I420, layout.width, layout.height, (int)fps, 1, &err) < 0) {
        fprintf(stderr, "needleguide: simulate: %s", err.text);
        return 2;
    }
    FILE *tf = fopen(truth, "w");
    if (!tf) {
        fprintf(stderr, "needleguide: simulate: %s: cannot create\n", truth);
        y4m_writer_close(&w);
        return 2;
    }
    sim_renderer *r = sim_renderer_new(&layout, &params, (unsigned)seed);
    ng_frame *f = frame_alloc(NG_PIX_I420, layout.width, layout.height);
    int rc = 0;
    for (long n = 0; n < frames && rc == 0; n++) {
        sim_state st;
        sim_truth t;
        sim_script_state(&layout, (double)n / (double)fps, &st);
        sim_truth_of(&layout, &st, &t);
        sim_render(r, &st, (uint64_t)n, f);
        if (y4m_write(&w, f) < 0)
            rc = 1;
        sim_truth_write(tf, &layout, (uint64_t)n, &st, &t, sim_needle_contrast_db(&layout, &params, &st));
        fputc('\n', tf);
    }
    frame_free(f);
    sim_renderer_free(r);
    if (fclose(tf) != 0 || y4m_writer_close(&w) < 0 || rc) {
        fprintf(stderr, "needleguide: simulate: write failed\n");
        return 1;
    }

    /* The config beside the video: F.y4m -> F.conf. */
    char conf[PATH_MAX], abs_out[PATH_MAX];
    size_t len = strlen(out);
    if (len > 4 && !strcmp(out + len - 4, ".y4m"))
        len -= 4;
    snprintf(conf, sizeof conf, "%.*s.conf", (int)len, out);
    ng_config cfg;
    config_defaults(&cfg);
    cfg.fps = (double)fps;
    cfg.plan = layout.plan;   /* the entry moves with --angle */
    int n = snprintf(cfg.source, sizeof cfg.source, "file:%s",
                     realpath(out, abs_out) ? abs_out : out);
    if (n < 0 || (size_t)n >= sizeof cfg.source) {
        fprintf(stderr, "needleguide: simulate: %s: path too long for a config\n", out);
        return 2;
    }
    if (config_write(&cfg, conf) < 0) {
        fprintf(stderr, "needleguide: simulate: %s: cannot write\n", conf);
        return 1;
    }
    printf("simulate: %ld frames -> %s\nsimulate: truth -> %s\nsimulate: config -> %s\n", frames,
           out, truth, conf);
    return 0;
}
