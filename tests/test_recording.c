/* Recording, replay and the report through the real binary: a simulated session checked with
 * ffprobe and decoded (masks black, the overlay burned in), a kill -9 mid-recording, a file
 * size limit mid-recording (guidance goes on), a replay whose tracking matches the live run's,
 * and the report's figures against the simulator's truth. */
#include "test_bin.h"
#include "test_json.h"
#include "test_video.h"

#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>

#include <SDL.h>
#include <SDL_image.h>
#include <json-c/json.h>

#include "capture/source.h"
#include "util/clock.h"

/* frame pixels blacked out in the recordings: the simulated scanner's top line of text (where
 * a patient's name would be), outside the image area, so a replay tracks the same picture */
#define MASK_X 0
#define MASK_Y 0
#define MASK_W 640
#define MASK_H 34

static int setup(void **s)
{
    (void)s;
    bin_setup();
    if (system("command -v ffprobe >/dev/null") != 0) {
        fprintf(stderr, "test_recording: SKIPPED: ffprobe is missing (scripts/deps.sh installs ffmpeg)\n");
        return -1;
    }
    return 0;
}

/* The one session folder under parent. */
static void session_in(const char *parent, char *dir, size_t n)
{
    DIR *d = opendir(parent);
    assert_non_null(d);
    struct dirent *e;
    int found = 0;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(dir, n, "%s/%s", parent, e->d_name);
            found++;
        }
    closedir(d);
    assert_int_equal(found, 1);
}

static json_object **read_jsonl(const char *path, int *count, bool frames_only)
{
    return read_jsonl_lines(path, count, frames_only);
}

static double jget(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_double(v) : NAN;
}

static const char *jstr(json_object *o, const char *k)
{
    json_object *v;
    return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

/* ffprobe's answer for one entry of one file ("stream=nb_read_frames" ...). */
static void probe(const char *file, const char *entries, char *out, size_t n)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ffprobe -v error -count_frames -show_entries %s -of csv=p=0 '%s'",
             entries, file);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t k = fread(out, 1, n - 1, p);
    out[k] = '\0';
    while (k && (out[k - 1] == '\n' || out[k - 1] == ','))
        out[--k] = '\0';
    assert_int_equal(pclose(p), 0);
}

/* The n-th frame of a video (0: the first). */
static ng_frame *frame_at(const char *path, int n)
{
    ng_source *src = open_video(path, NULL);
    ng_frame *f = NULL;
    ng_errbuf err = { 0 };
    for (int i = 0; i <= n; i++) {
        frame_free(f);
        f = NULL;
        assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    }
    source_close(src);
    return f;
}

static int luma_max(const ng_frame *f, int x0, int y0, int w, int h)
{
    int m = 0;
    for (int y = y0; y < y0 + h; y++)
        for (int x = x0; x < x0 + w; x++)
            if (f->plane[0][y * f->stride[0] + x] > m)
                m = f->plane[0][y * f->stride[0] + x];
    return m;
}

/* A 3 s simulated session with a mask: both videos play, have the frames, and the mask is
 * black in both while the overlay's panel is burned into the screen recording. */
static void test_recorded_session(void **s)
{
    (void)s;
    char conf[256], rec[256], tel[256], dir[512], file[600], got[256];
    snprintf(conf, sizeof conf, "%s/masked.conf", out_dir);
    char text[256];
    snprintf(text, sizeof text, "[record]\nmask = %d,%d,%d,%d\nmask = 600,40,40,400\n", MASK_X,
             MASK_Y, MASK_W, MASK_H);
    test_write_file(conf, text);
    snprintf(rec, sizeof rec, "%s/rec", out_dir);
    snprintf(tel, sizeof tel, "%s/live.jsonl", out_dir);
    char err[4096];
    char png[256];
    snprintf(png, sizeof png, "%s/live.png", out_dir);
    assert_int_equal(sh(err, sizeof err, "%s run --headless --config %s --frames 90 --record %s "
                        "--telemetry %s --snapshot %s", BIN, conf, rec, tel, png), 0);
    /* the live display is untouched: the scanner's text where the recordings are black */
    SDL_Surface *live_png = IMG_Load(png);
    assert_non_null(live_png);
    SDL_Surface *rgb = SDL_ConvertSurfaceFormat(live_png, SDL_PIXELFORMAT_ARGB8888, 0);
    int bright = 0;
    for (int y = MASK_Y; y < MASK_Y + MASK_H; y++)
        for (int x = MASK_X; x < MASK_X + MASK_W; x++)
            bright += (((Uint32 *)((Uint8 *)rgb->pixels + y * rgb->pitch))[x] & 0xFF) > 150;
    SDL_FreeSurface(rgb);
    SDL_FreeSurface(live_png);
    assert_true(bright > 50);
    session_in(rec, dir, sizeof dir);
    snprintf(file, sizeof file, "%s/raw.mkv", dir);
    probe(file, "stream=codec_name,width,height,nb_read_frames", got, sizeof got);
    assert_string_equal(got, "ffv1,640,480,90");
    probe(file, "format=duration", got, sizeof got);
    double dur = atof(got);
    int nl;
    json_object **live = read_jsonl(tel, &nl, true);
    assert_int_equal(nl, 90);
    /* the frames' own span (a slow build may skip some to stay current), and one frame's */
    double span = (jget(live[nl - 1], "t_ms") - jget(live[0], "t_ms")) / 1000 + 1.0 / 30;
    print_message("raw.mkv: %s s, the frames span %.3f s\n", got, span);
    assert_true(fabs(dur - span) < 0.05);
    ng_frame *raw = frame_at(file, 60);
    assert_int_equal(luma_max(raw, MASK_X, MASK_Y, MASK_W, MASK_H), 16);   /* black, exactly */
    assert_int_equal(luma_max(raw, 600, 40, 40, 400), 16);
    assert_true(luma_max(raw, 0, 440, 640, 40) > 200);   /* the scanner's text not masked */

    snprintf(file, sizeof file, "%s/overlay.mkv", dir);
    probe(file, "stream=codec_name,pix_fmt", got, sizeof got);
    assert_string_equal(got, "h264,yuv420p");
    probe(file, "stream=nb_read_frames", got, sizeof got);
    assert_true(atoi(got) >= 85);   /* one per screen drawn */
    ng_frame *scr = frame_at(file, 60);
    /* the window: the 640x480 frame at scale 1 beside the HUD panel */
    assert_true(scr->width > raw->width);
    assert_true(luma_max(scr, MASK_X + 2, MASK_Y + 2, MASK_W - 4, MASK_H - 4) < 30);
    assert_true(luma_max(scr, 602, 42, 36, 396) < 30);
    assert_true(luma_max(scr, 0, 440, 640, 40) > 200);
    assert_true(luma_max(scr, raw->width + 4, 4, scr->width - raw->width - 8, 60) > 150);   /* HUD text */
    frame_free(scr);
    frame_free(raw);

    /* session.json and the lines: the session's telemetry is the live run's */
    snprintf(file, sizeof file, "%s/session.json", dir);
    json_object *js = json_object_from_file(file), *files, *o;
    assert_non_null(js);
    assert_string_equal(jstr(js, "end_reason"), "stopped: frame limit");
    assert_true(json_object_object_get_ex(js, "files", &files));
    assert_true(json_object_object_get_ex(files, "raw", &o));
    assert_int_equal((int)jget(o, "frames"), 90);
    assert_int_equal((int)jget(o, "dropped"), 0);
    json_object_put(js);
    int nr;
    snprintf(file, sizeof file, "%s/telemetry.jsonl", dir);
    json_object **sess = read_jsonl(file, &nr, true);
    assert_int_equal(nr, 90);
    for (int i = 0; i < nl; i++)
        assert_string_equal(json_object_to_json_string(live[i]), json_object_to_json_string(sess[i]));
    free_jsonl(live, nl);
    free_jsonl(sess, nr);
    snprintf(file, sizeof file, "%s/events.jsonl", dir);
    json_object **ev = read_jsonl(file, &nr, false);
    assert_true(nr >= 2);
    assert_string_equal(jstr(ev[0], "event"), "record");
    assert_string_equal(jstr(ev[nr - 1], "state"), "stop");
    free_jsonl(ev, nr);
}

/* The recording replayed headless through the tracker: frame for frame the live run's track. */
static void test_replay_matches_live(void **s)
{
    (void)s;
    char rec[256], dir[512], tel[256], rtel[256], err[4096];
    snprintf(rec, sizeof rec, "%s/rec", out_dir);
    session_in(rec, dir, sizeof dir);
    snprintf(tel, sizeof tel, "%s/live.jsonl", out_dir);
    snprintf(rtel, sizeof rtel, "%s/replay.jsonl", out_dir);
    /* --fast: every frame, as fast as the tracker goes (a loaded machine skips none) */
    assert_int_equal(sh(err, sizeof err, "%s replay --headless --once --fast --telemetry %s %s",
                        BIN, rtel, dir), 0);
    int nl, nr;
    json_object **live = read_jsonl(tel, &nl, true);
    json_object **rep = read_jsonl(rtel, &nr, true);
    assert_int_equal(nr, nl);
    static const char *const keys[] = { "needle", "tip", "shaft_start", "angle_deg", "confidence",
                                        "phase", "target_dist_mm" };
    for (int i = 0; i < nl; i++)
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            json_object *a, *b;
            json_object_object_get_ex(live[i], keys[k], &a);
            json_object_object_get_ex(rep[i], keys[k], &b);
            const char *sa = a ? json_object_to_json_string(a) : "null";
            const char *sb = b ? json_object_to_json_string(b) : "null";
            if (strcmp(sa, sb))
                fail_msg("frame %d %s: live %s, replay %s", i, keys[k], sa, sb);
        }
    free_jsonl(rep, nr);

    /* a plan set during the session (as planning mode does) is set again when the replay
     * reaches it: the L4 target moved 30 px right 1.5 s in */
    char events[600], session[600], line[512];
    snprintf(session, sizeof session, "%s/session.json", dir);
    json_object *js = json_object_from_file(session);
    double t0 = jget(js, "t0_ms");
    json_object_put(js);
    snprintf(events, sizeof events, "%s/events.jsonl", dir);
    FILE *f = fopen(events, "a");
    assert_non_null(f);
    snprintf(line, sizeof line, "{\"event\":\"plan\",\"t_ms\":%.3f,\"entry\":[160,35.33],"
             "\"l4_target\":[423.33,335.33],\"l5_target\":[353.33,348.67],\"tolerance_mm\":2}\n",
             t0 + 1500);
    fputs(line, f);
    fclose(f);
    assert_int_equal(sh(err, sizeof err, "%s replay --headless --once --fast --telemetry %s %s",
                        BIN, rtel, dir), 0);
    rep = read_jsonl(rtel, &nr, true);
    assert_int_equal(nr, nl);
    int moved = 0, early_moved = 0;
    for (int i = 0; i < nl; i++) {
        double dx = json_object_get_double(json_object_array_get_idx(json_object_object_get(rep[i], "target_px"), 0)) -
                    json_object_get_double(json_object_array_get_idx(json_object_object_get(live[i], "target_px"), 0));
        double t = jget(live[i], "t_ms") - t0;
        if (t < 1400)
            early_moved += fabs(dx) > 0.5;
        else if (t > 1700)
            moved += fabs(dx - 30) < 10;   /* the new plan is on the frame it was set on */
    }
    print_message("replayed plan: %d frames after 1.7 s with the target ~30 px on, %d before 1.4 s moved\n",
                  moved, early_moved);
    assert_int_equal(early_moved, 0);
    assert_true(moved > 20);
    free_jsonl(live, nl);
    free_jsonl(rep, nr);
    /* bad input: exit 2 and the reason */
    assert_int_equal(sh(err, sizeof err, "%s replay %s/nothing-here", BIN, out_dir), 2);
    assert_non_null(strstr(err, "session.json"));
    assert_int_equal(sh(err, sizeof err, "%s report %s", BIN, out_dir), 2);
    assert_non_null(strstr(err, "session.json"));
}

/* kill -9 mid-recording: both videos play up to within a second of the kill and every line
 * of telemetry left is whole. The kill's moment is the last line of the live telemetry file,
 * which is written line by line as frames are shown. */
static void test_kill_9_leaves_a_playable_recording(void **s)
{
    (void)s;
    char rec[256], tel[256], dir[512], file[600], err[256];
    snprintf(rec, sizeof rec, "%s/killed", out_dir);
    snprintf(tel, sizeof tel, "%s/killed.jsonl", out_dir);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl(BIN, BIN, "run", "--headless", "--record", rec, "--telemetry", tel, (char *)NULL);
        _exit(127);
    }
    ng_sleep_until_ns(ng_now_ns() + 4000000000LL);
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFSIGNALED(st));
    int nl;
    json_object **live = read_jsonl(tel, &nl, true);
    assert_true(nl > 30);
    double killed_ms = jget(live[nl - 1], "t_ms");
    free_jsonl(live, nl);
    session_in(rec, dir, sizeof dir);
    snprintf(file, sizeof file, "%s/session.json", dir);
    json_object *js = json_object_from_file(file);
    assert_non_null(js);   /* whole, saying the session never ended */
    assert_string_equal(jstr(js, "end_reason"), "running");
    double t0 = jget(js, "t0_ms");
    json_object_put(js);
    const char *names[] = { "raw.mkv", "overlay.mkv" };
    for (int i = 0; i < 2; i++) {
        snprintf(file, sizeof file, "%s/%s", dir, names[i]);
        char frames[64];
        probe(file, "stream=nb_read_frames", frames, sizeof frames);   /* ffprobe reads it */
        ng_source *src = open_video(file, NULL);
        ng_frame *f = NULL;
        ng_errbuf e = { 0 };
        int64_t last = -1;
        int n = 0;
        while (source_next(src, &f, &e) == NG_SRC_FRAME) {
            last = f->pts_ms;
            n++;
            frame_free(f);
        }
        source_close(src);
        double lost = killed_ms - (t0 + (double)last);
        print_message("%s: %d frames (ffprobe %s) to %.0f ms; killed at %.0f ms: %.0f ms lost\n",
                      names[i], n, frames, t0 + (double)last, killed_ms, lost);
        assert_int_equal(atoi(frames), n);
        assert_true(lost <= 1000);
    }
    snprintf(file, sizeof file, "%s/telemetry.jsonl", dir);
    live = read_jsonl(file, &nl, false);   /* fails on a line cut in two */
    assert_true(nl > 0);
    free_jsonl(live, nl);
    (void)err;
}

/* The recording may not grow past 3 MB (RLIMIT_FSIZE, as a full disk): it stops and says why,
 * the run goes on to its last frame. */
static void test_full_disk_stops_the_recording_not_guidance(void **s)
{
    (void)s;
    char rec[256], tel[256], dir[512], file[600], err[4096];
    snprintf(rec, sizeof rec, "%s/limited", out_dir);
    snprintf(tel, sizeof tel, "%s/limited.jsonl", out_dir);
    assert_int_equal(sh(err, sizeof err, "ulimit -f 3000; trap '' XFSZ; %s run --headless "
                        "--frames 150 --record %s --telemetry %s", BIN, rec, tel), 0);
    assert_non_null(strstr(err, "File too large"));
    int nl;
    json_object **live = read_jsonl(tel, &nl, true);
    assert_int_equal(nl, 150);   /* guidance went on to the end */
    free_jsonl(live, nl);
    session_in(rec, dir, sizeof dir);
    snprintf(file, sizeof file, "%s/session.json", dir);
    json_object *js = json_object_from_file(file), *v;
    assert_non_null(js);
    assert_true(json_object_object_get_ex(js, "failed", &v));
    assert_true(json_object_get_boolean(v));
    assert_non_null(strstr(jstr(js, "end_reason"), "File too large"));
    json_object_put(js);
    /* a folder that cannot be made: bad input, exit 2, nothing started */
    assert_int_equal(sh(err, sizeof err, "%s run --headless --frames 5 --record /proc/no/such",
                        BIN), 2);
    assert_non_null(strstr(err, "/proc/no/such"));
}

/* The truth of the simulated procedure, per frame. */
typedef struct {
    int n;
    double in_s, out_s;          /* first and last frame the needle is visible */
    double step_s[9];            /* time in each script step */
    int punctures, redirections;
    double seen_pct;
} truth;

static void read_truth(const char *path, truth *t)
{
    static const char *const steps[] = { "idle", "advance_l4", "at_l4", "withdraw", "rotate",
                                         "advance_l5", "at_l5", "exit", "done" };
    memset(t, 0, sizeof *t);
    t->in_s = -1;
    int n;
    json_object **v = read_jsonl(path, &n, true);
    const char *prev = "idle";
    int seen = 0;
    for (int i = 0; i < n; i++) {
        const char *step = jstr(v[i], "step");
        json_object *nd;
        json_object_object_get_ex(v[i], "needle", &nd);
        if (json_object_get_boolean(nd)) {
            if (t->in_s < 0)
                t->in_s = jget(v[i], "t_s");
            t->out_s = jget(v[i], "t_s");
            seen++;
        }
        for (int k = 0; k < 9; k++)
            if (!strcmp(step, steps[k]))
                t->step_s[k] += 1.0 / 30;
        if (!strcmp(step, "advance_l4") && strcmp(prev, "advance_l4"))
            t->punctures++;
        if (!strcmp(step, "advance_l5") && strcmp(prev, "advance_l5"))
            t->redirections++;
        prev = step;
    }
    t->n = n;
    t->seen_pct = 100.0 * seen / n;
    free_jsonl(v, n);
}

/* One pass of the simulated procedure (a bright needle, 17 s) recorded and reported; the
 * figures against the simulator's truth. */
static void test_report_against_truth(void **s)
{
    (void)s;
    char y4m[256], tr[256], conf[256], rec[256], dir[512], file[600], err[4096];
    snprintf(y4m, sizeof y4m, "%s/pass.y4m", out_dir);
    snprintf(tr, sizeof tr, "%s/pass-truth.jsonl", out_dir);
    snprintf(conf, sizeof conf, "%s/pass.conf", out_dir);
    snprintf(rec, sizeof rec, "%s/pass", out_dir);
    assert_int_equal(sh(err, sizeof err, "%s simulate --out %s --truth %s --frames 510 "
                        "--needle-db 18 >/dev/null", BIN, y4m, tr), 0);
    assert_int_equal(sh(err, sizeof err, "%s run --headless --config %s --source file:%s "
                        "--record %s", BIN, conf, y4m, rec), 0);
    session_in(rec, dir, sizeof dir);
    assert_int_equal(sh(err, sizeof err, "%s report %s >/dev/null", BIN, dir), 0);
    truth t;
    read_truth(tr, &t);
    snprintf(file, sizeof file, "%s/report.json", dir);
    json_object *r = json_object_from_file(file), *ph;
    assert_non_null(r);
    assert_true(json_object_object_get_ex(r, "phase_s", &ph));
    double proc = jget(r, "procedure_s"), truth_proc = t.out_s - t.in_s;
    print_message("procedure %.2f s (truth %.2f), seen %.1f %% (truth %.1f), punctures %d, "
                  "redirections %d, L4 %.2f mm, L5 %.2f mm\n", proc, truth_proc,
                  jget(r, "needle_seen_pct"), t.seen_pct, (int)jget(r, "skin_punctures"),
                  (int)jget(r, "redirections"), jget(r, "l4_tip_to_target_mm"),
                  jget(r, "l5_tip_to_target_mm"));
    assert_true(fabs(proc - truth_proc) <= 1.0);
    assert_int_equal((int)jget(r, "skin_punctures"), t.punctures);
    assert_int_equal((int)jget(r, "redirections"), t.redirections);
    /* every frame line of the session counted (a slow build skips some to stay current) */
    int nl;
    snprintf(file, sizeof file, "%s/telemetry.jsonl", dir);
    json_object **lines = read_jsonl(file, &nl, true);
    free_jsonl(lines, nl);
    assert_int_equal((int)jget(r, "frames"), nl);
    assert_true(nl >= 0.8 * t.n);
    assert_true(fabs(jget(r, "needle_seen_pct") - t.seen_pct) <= 10);
    /* the phases the guidance went through, against the script's steps (the L4 dwell may be
     * counted in the approach when the guidance did not confirm it: the two together) */
    double l4 = jget(ph, "l4_approach") + jget(ph, "l4_at_target");
    double l5 = jget(ph, "l5_approach") + jget(ph, "l5_at_target");
    print_message("L4 %.2f (truth %.2f), withdraw %.2f (%.2f), reposition %.2f (%.2f), "
                  "L5 %.2f (%.2f)\n", l4, t.step_s[1] + t.step_s[2], jget(ph, "withdraw"),
                  t.step_s[3], jget(ph, "reposition"), t.step_s[4], l5,
                  t.step_s[5] + t.step_s[6] + t.step_s[7]);
    assert_true(fabs(l4 - (t.step_s[1] + t.step_s[2])) <= 1.0);
    assert_true(fabs(jget(ph, "withdraw") - t.step_s[3]) <= 1.0);
    assert_true(fabs(jget(ph, "reposition") - t.step_s[4]) <= 1.0);
    assert_true(fabs(l5 - (t.step_s[5] + t.step_s[6] + t.step_s[7])) <= 1.5);
    /* the sim's tip stops within 2 mm of each target */
    assert_true(jget(r, "l4_tip_to_target_mm") <= 2.5);
    assert_true(jget(r, "l5_tip_to_target_mm") <= 2.5);
    json_object_put(r);
    /* the page: self-contained, both plots and both key frames inline */
    snprintf(file, sizeof file, "%s/report.html", dir);
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    static char html[4 << 20];
    size_t n = fread(html, 1, sizeof html - 1, f);
    html[n] = '\0';
    fclose(f);
    int svgs = 0, pngs = 0;
    for (const char *p = html; (p = strstr(p, "<svg")); p++)
        svgs++;
    for (const char *p = html; (p = strstr(p, "data:image/png;base64,")); p++)
        pngs++;
    assert_int_equal(svgs, 3);
    assert_int_equal(pngs, 2);
    assert_null(strstr(html, "src="));   /* nothing fetched from elsewhere */
    assert_non_null(strstr(html, "306"));
}

static void test_check_config_warns_without_mask(void **s)
{
    (void)s;
    char conf[256], err[4096];
    snprintf(conf, sizeof conf, "%s/card.conf", out_dir);
    test_write_file(conf, "[capture]\nsource = v4l2:/dev/video0\n[record]\ndir = /tmp/sessions\n");
    assert_int_equal(sh(err, sizeof err, "%s check-config %s >/dev/null", BIN, conf), 0);
    assert_non_null(strstr(err, "without any mask"));
    test_write_file(conf, "[capture]\nsource = v4l2:/dev/video0\n[record]\ndir = /tmp/sessions\n"
                          "mask = 0,0,200,30\n");
    assert_int_equal(sh(err, sizeof err, "%s check-config %s >/dev/null", BIN, conf), 0);
    assert_null(strstr(err, "warning"));
    test_write_file(conf, "[record]\nmask = 0,0,640,34\nmask = 300,200,40,40\n");
    assert_int_equal(sh(err, sizeof err, "%s check-config %s >/dev/null", BIN, conf), 0);
    assert_non_null(strstr(err, ":3: warning: [record] mask 300,200,40,40 covers part of [image] roi"));
    assert_null(strstr(err, ":2: warning"));
    test_write_file(conf, "[record]\nmask = 0,0,0,40\n");
    assert_int_equal(sh(err, sizeof err, "%s check-config %s >/dev/null", BIN, conf), 2);
    assert_non_null(strstr(err, ":2: [record] mask"));
}

/* file: reads what FFmpeg reads: H.264 in MP4, MJPEG in AVI, and formats of no frame type of
 * ours (10-bit, RGB) converted; each run through the tracker frame by frame. */
static void test_file_source_reads_common_containers(void **s)
{
    (void)s;
    char y4m[256], tr[256], err[4096];
    snprintf(y4m, sizeof y4m, "%s/short.y4m", out_dir);
    snprintf(tr, sizeof tr, "%s/short-truth.jsonl", out_dir);
    assert_int_equal(sh(err, sizeof err, "%s simulate --out %s --truth %s --frames 40 >/dev/null",
                        BIN, y4m, tr), 0);
    static const struct {
        const char *name, *args;
    } files[] = {
        { "h264.mp4", "-c:v libx264 -preset ultrafast -pix_fmt yuv420p" },
        { "mjpeg.avi", "-c:v mjpeg -q:v 3" },
        { "yuv10.mkv", "-c:v ffv1 -pix_fmt yuv420p10le" },
        { "rgb.mkv", "-c:v ffv1 -pix_fmt bgr0" },
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char file[300], tel[300];
        snprintf(file, sizeof file, "%s/%s", out_dir, files[i].name);
        snprintf(tel, sizeof tel, "%s/%s.jsonl", out_dir, files[i].name);
        assert_int_equal(sh(err, sizeof err, "ffmpeg -v error -y -i %s %s %s", y4m, files[i].args,
                            file), 0);
        assert_int_equal(sh(err, sizeof err, "%s run --headless --source file:%s --telemetry %s",
                            BIN, file, tel), 0);
        int n;
        json_object **v = read_jsonl(tel, &n, true);
        print_message("%s: %d frames\n", files[i].name, n);
        assert_true(n >= 36);   /* paced at 30 fps: the odd frame may be skipped to stay current */
        json_object *size = json_object_object_get(v[0], "size");
        assert_int_equal(json_object_get_int(json_object_array_get_idx(size, 0)), 640);
        assert_int_equal(json_object_get_int(json_object_array_get_idx(size, 1)), 480);
        /* the picture itself: luma within a few levels of the original's */
        ng_source *a = open_video(y4m, NULL), *b = open_video(file, NULL);
        ng_frame *fa = NULL, *fb = NULL;
        ng_errbuf e = { 0 };
        for (int k = 0; k < 20; k++) {
            frame_free(fa);
            frame_free(fb);
            fa = fb = NULL;
            assert_int_equal(source_next(a, &fa, &e), NG_SRC_FRAME);
            assert_int_equal(source_next(b, &fb, &e), NG_SRC_FRAME);
        }
        if (fb->fmt != NG_PIX_BGR24) {
            double diff = 0;   /* in full range: MJPEG's JPEG luma is 0..255 */
            for (int y = 0; y < 480; y++)
                for (int x = 0; x < 640; x++) {
                    double va = fa->plane[0][y * fa->stride[0] + x];
                    double vb = fb->plane[0][y * fb->stride[0] + x];
                    va = fa->full_range ? va : (va - 16) * 255 / 219;
                    vb = fb->full_range ? vb : (vb - 16) * 255 / 219;
                    diff += fabs(va - vb);
                }
            diff /= 640.0 * 480.0;
            print_message("%s: %s, mean luma difference %.2f\n", files[i].name, pixfmt_name(fb->fmt), diff);
            assert_true(diff < 4);
        }
        frame_free(fa);
        frame_free(fb);
        source_close(a);
        source_close(b);
        free_jsonl(v, n);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recorded_session),
        cmocka_unit_test(test_replay_matches_live),
        cmocka_unit_test(test_kill_9_leaves_a_playable_recording),
        cmocka_unit_test(test_full_disk_stops_the_recording_not_guidance),
        cmocka_unit_test(test_report_against_truth),
        cmocka_unit_test(test_check_config_warns_without_mask),
        cmocka_unit_test(test_file_source_reads_common_containers),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, setup, NULL));
}
