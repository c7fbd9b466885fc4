/* `needleguide track --input F --config C --output O.jsonl`: offline tracking of every frame of a
 * video file, one JSON line per frame, and the tracker's time per frame. */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/convert.h"
#include "capture/y4m.h"
#include "config/config.h"
#include "tracking/track_cmd.h"
#include "tracking/tracker.h"
#include "util/clock.h"
#include "util/stats.h"

void track_write_line(FILE *f, uint64_t n, const ng_track *k, bool features)
{
    char line[400], feat[100] = "";
    if (features)
        snprintf(feat, sizeof feat, ",\"features\":[%.4f,%.2f,%.0f]", k->features[0],
                 k->features[1], k->features[2]);
    if (k->found)
        snprintf(line, sizeof line,
                 "{\"frame\":%llu,\"needle\":true,\"tip\":[%.2f,%.2f],\"shaft_start\":[%.2f,%.2f],"
                 "\"angle_deg\":%.2f,\"confidence\":%.3f%s}\n",
                 (unsigned long long)n, k->tip.x, k->tip.y, k->shaft_start.x, k->shaft_start.y,
                 k->angle_deg, k->confidence, feat);
    else
        snprintf(line, sizeof line,
                 "{\"frame\":%llu,\"needle\":false,\"tip\":null,\"shaft_start\":null,"
                 "\"angle_deg\":null,\"confidence\":%.3f}\n",
                 (unsigned long long)n, k->confidence);
    fputs(line, f);
}

int cmd_track(int argc, char **argv)
{
    static const struct option opts[] = {
        { "input", required_argument, 0, 'i' }, { "config", required_argument, 0, 'c' },
        { "output", required_argument, 0, 'o' }, { "timings", required_argument, 0, 't' },
        { "raw", no_argument, 0, 'r' }, { "features", no_argument, 0, 'f' },
        { 0, 0, 0, 0 },
    };
    const char *input = NULL, *conf = NULL, *output = NULL, *timings = NULL;
    bool raw = false;   /* each frame's own measurement, without the temporal filter */
    bool features = false;   /* what the calibrated confidence is computed from (calibration) */
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'i': input = optarg; break;
        case 'c': conf = optarg; break;
        case 'o': output = optarg; break;
        case 't': timings = optarg; break;
        case 'r': raw = true; break;
        case 'f': features = true; break;
        default: goto usage;
        }
    }
    if (!input || !conf || !output || optind != argc)
        goto usage;

    ng_config cfg;
    config_defaults(&cfg);
    ng_errbuf err = { 0 };
    if (config_load(conf, &cfg, &err) < 0) {
        fputs(err.text, stderr);
        return 2;
    }
    y4m_reader r;
    if (y4m_open(&r, input, &err) < 0) {
        fprintf(stderr, "needleguide: track: %s", err.text);
        return 2;
    }
    FILE *out = fopen(output, "w");
    if (!out) {
        fprintf(stderr, "needleguide: track: %s: cannot create\n", output);
        y4m_close(&r);
        return 2;
    }
    tracker_opts to;
    tracker_opts_default(&to, cfg.roi, cfg.mm_per_px, &cfg.plan);
    tracker *t = tracker_new(&to);
    ng_converter conv;
    convert_init(&conv);
    uint8_t *argb = malloc((size_t)r.width * (size_t)r.height * 4);
    size_t cap = 1024, n = 0;
    double *ms = malloc(sizeof(double) * cap);
    int rc = 0;
    ng_frame *f;
    int got;
    while ((got = y4m_read(&r, &f, &err)) == 1) {
        const uint8_t *luma;
        int ls;
        convert_frame(&conv, f, argb, r.width * 4, &luma, &ls);
        ng_track k;
        int64_t t0 = ng_now_ns();
        if (raw)
            tracker_measure(t, luma, ls, f->width, f->height, &k);
        else
            tracker_process(t, luma, ls, f->width, f->height, &k);
        if (n == cap)
            ms = realloc(ms, sizeof(double) * (cap *= 2));
        ms[n] = ng_ns_to_ms(ng_now_ns() - t0);
        track_write_line(out, n, &k, features && !raw);
        n++;
        frame_free(f);
    }
    if (got < 0) {
        fprintf(stderr, "needleguide: track: %s", err.text);   /* lines so far are kept */
        rc = 2;
    }
    if (fclose(out) != 0) {
        fprintf(stderr, "needleguide: track: %s: write failed\n", output);
        rc = 1;
    }
    if (timings) {   /* appended: one tracker time in ms per line, for benchmarks over many files */
        FILE *tf = fopen(timings, "a");
        for (size_t i = 0; tf && i < n; i++)
            fprintf(tf, "%.4f\n", ms[i]);
        if (!tf || fclose(tf) != 0)
            fprintf(stderr, "needleguide: track: %s: cannot write timings\n", timings);
    }
    ng_sort_doubles(ms, n);
    if (n)
        fprintf(stderr, "track: %zu frames -> %s; tracker %.2f ms/frame p50, %.2f p99 (ROI %dx%d)\n",
                n, output, ng_percentile(ms, n, 50), ng_percentile(ms, n, 99), cfg.roi.w, cfg.roi.h);
    free(ms);
    free(argb);
    convert_free(&conv);
    tracker_free(t);
    y4m_close(&r);
    return rc;
usage:
    fprintf(stderr, "usage: needleguide track --input F.y4m --config C --output O.jsonl [--timings F]\n"
                    "       [--raw | --features]\n");
    return 2;
}
