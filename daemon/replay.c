/* `needleguide replay SESSION_DIR`: a recorded session's raw.mkv through the live tracker and
 * guidance, with the configuration and plan it was recorded with; for training and review. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "daemon/commands.h"
#include "daemon/run.h"
#include "daemon/session_read.h"
#include "record/report.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: needleguide replay SESSION_DIR [--headless] [--once] [--fast] [--frames N]\n"
            "                          [--telemetry F.jsonl] [--snapshot F.png]\n"
            "  plays SESSION_DIR/raw.mkv with the session's own configuration and plan\n"
            "  --once   play once (default: loop)\n"
            "  --fast   as fast as the tracker goes, every frame processed (for analysis)\n"
            "  keys: Space pause, . / , step, + / - speed, Left/Right 5 s, Up/Down 30 s, L loop\n");
}

int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {
        { "headless", no_argument, 0, 'H' },  { "once", no_argument, 0, '1' },
        { "fast", no_argument, 0, 'f' },      { "frames", required_argument, 0, 'n' },
        { "telemetry", required_argument, 0, 't' }, { "snapshot", required_argument, 0, 'p' },
        { "help", no_argument, 0, 'h' },      { 0, 0, 0, 0 },
    };
    run_opts o = { 0 };
    bool headless = false, once = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'H': headless = true; break;
        case '1': once = true; break;
        case 'f': o.fast = o.every_frame = true; break;   /* for analysis: skip nothing */
        case 'n':
            if (run_parse_frames("replay", optarg, &o.max_frames) < 0)
                return 2;
            break;
        case 't': o.telemetry_path = optarg; break;
        case 'p': o.snapshot_path = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    const char *dir = argv[optind];
    ng_config cfg;
    ng_errbuf err = { 0 };
    if (session_config(dir, &cfg, &err) < 0) {
        fprintf(stderr, "needleguide: replay: %s", err.text);
        return 2;
    }
    char src[sizeof cfg.source];
    if (snprintf(src, sizeof src, "file:%s/raw.mkv", dir) >= (int)sizeof src) {
        fprintf(stderr, "needleguide: replay: %s: path too long\n", dir);
        return 2;
    }
    snprintf(cfg.source, sizeof cfg.source, "%s", src);
    cfg.record.start = false;   /* a replay is not a new session (R still records one) */
    /* where it is replayed, not where it was recorded, decides the window */
    cfg.headless = headless ? NG_HEADLESS_YES : NG_HEADLESS_AUTO;
    /* the plans set during the session, at their times in the file */
    report_input in;
    if (report_load_events(dir, &in, &err) < 0) {
        fprintf(stderr, "needleguide: replay: %s", err.text);
        report_input_free(&in);
        return 2;
    }
    replay_plan *plans = calloc(in.nplans + 1, sizeof *plans);
    for (size_t i = 0; plans && i < in.nplans; i++)
        plans[o.nplans++] = (replay_plan){ llround(in.plans[i].t_ms - in.t0_ms), in.plans[i].plan };
    report_input_free(&in);
    o.plans = plans;
    ng_playback play;
    playback_init(&play);
    atomic_store(&play.loop, !once);
    o.play = &play;
    int rc = run_main(cfg, &o);
    free(plans);
    return rc;
}
