/* The real binary end to end: run on the simulator headless, simulate + run on its file,
 * check-config, and bad input. Telemetry is parsed with json-c, the snapshot read back with
 * SDL_image and checked where the overlay must have drawn. */
#include <SDL.h>
#include <SDL_image.h>
#include <json-c/json.h>
#include <sys/wait.h>

#include "test_image.h"
#include "test_bin.h"
#include "test_json.h"

#include "guidance/phase.h"
#include "overlay/overlay.h"
#include "sim/sim_scene.h"
#include "tracking/tracker.h"

static int setup(void **s)
{
    (void)s;
    bin_setup();
    return 0;
}

static json_object **read_jsonl(const char *path, int *count)
{
    return read_jsonl_lines(path, count, false);
}

/* Moves the event lines ({"event":...}) of v out into *events (in order); v keeps the frames. */
static int take_events(json_object **v, int *n, json_object ***events)
{
    int nf = 0, ne = 0;
    *events = malloc(sizeof **events * (size_t)(*n + 1));
    for (int i = 0; i < *n; i++) {
        if (json_object_object_get(v[i], "event"))
            (*events)[ne++] = v[i];
        else
            v[nf++] = v[i];
    }
    *n = nf;
    return ne;
}

static ng_vec2 point_of(json_object *o, const char *key)
{
    json_object *a = json_object_object_get(o, key);
    return ng_v2(json_object_get_double(json_object_array_get_idx(a, 0)),
                 json_object_get_double(json_object_array_get_idx(a, 1)));
}

/* Counts pixels near p (radius r) whose colour is within tol of (R,G,B). */
static int colour_near(SDL_Surface *s, ng_vec2 p, int r, Uint8 R, Uint8 G, Uint8 B, int tol)
{
    int n = 0;
    for (int y = (int)p.y - r; y <= (int)p.y + r; y++)
        for (int x = (int)p.x - r; x <= (int)p.x + r; x++)
            n += image_near(s, x, y, R, G, B, tol);
    return n;
}

static SDL_Surface *load_png(const char *path)
{
    SDL_Surface *s = image_load(path);
    assert_non_null(s);
    return s;
}

static void dump_on_failure(const char *png)
{
    fprintf(stderr, "snapshot kept for inspection: %s\n", png);
    setenv("NG_KEEP_TMP", "1", 1);
}

static void test_run_on_simulator(void **s)
{
    (void)s;
    char tel[256], png[256], truth[256], y4m[256], err[4096];
    snprintf(tel, sizeof tel, "%s/t.jsonl", out_dir);
    snprintf(png, sizeof png, "%s/s.png", out_dir);
    snprintf(truth, sizeof truth, "%s/truth.jsonl", out_dir);
    snprintf(y4m, sizeof y4m, "%s/sim.y4m", out_dir);
    assert_int_equal(sh(err, sizeof err, "%s run --source sim:1 --headless --frames 150 "
                        "--telemetry %s --snapshot %s", BIN, tel, png), 0);
    assert_non_null(strstr(err, "snapshot: "));
    /* The same seed's ground truth, frame by frame (the simulator is deterministic per seq). */
    assert_int_equal(sh(NULL, 0, "%s simulate --seed 1 --frames 200 --out %s --truth %s >/dev/null",
                        BIN, y4m, truth), 0);

    int n, nt;
    json_object **rows = read_jsonl(tel, &n), **events;
    json_object **tr = read_jsonl(truth, &nt);
    int ne = take_events(rows, &n, &events);
    assert_int_equal(n, 150);
    /* Five seconds in, the needle has appeared: the first phase transition, automatic. */
    int phase_events = 0;
    for (int i = 0; i < ne; i++) {
        const char *kind = json_object_get_string(json_object_object_get(events[i], "event"));
        if (strcmp(kind, "phase") != 0)
            continue;
        if (phase_events++ == 0) {
            assert_string_equal(json_object_get_string(json_object_object_get(events[i], "from")), "idle");
            assert_string_equal(json_object_get_string(json_object_object_get(events[i], "to")),
                                "l4_approach");
            assert_true(json_object_get_boolean(json_object_object_get(events[i], "auto")));
            assert_true(json_object_get_double(json_object_object_get(events[i], "t_ms")) > 0);
        }
    }
    assert_true(phase_events >= 1);
    free_jsonl(events, ne);
    int needle_frames = 0, found = 0, near = 0;
    sim_scene_layout l;
    sim_scene_default_layout(&l);
    for (int i = 0; i < n; i++) {
        json_object *r = rows[i];
        assert_int_equal(json_object_get_int(json_object_object_get(r, "frame")), i);
        int seq = json_object_get_int(json_object_object_get(r, "seq"));
        assert_true(seq >= i && seq < nt);
        assert_non_null(json_object_object_get(r, "t_ms"));
        assert_non_null(json_object_object_get(r, "confidence"));
        assert_true(json_object_get_double(json_object_object_get(r, "latency_ms")) >= 0);
        bool needle = json_object_get_boolean(json_object_object_get(r, "needle"));
        /* every frame says its phase; numbers only with a confident needle */
        ng_phase ph;
        assert_true(phase_parse(json_object_get_string(json_object_object_get(r, "phase")), &ph));
        bool confident = needle &&
            json_object_get_double(json_object_object_get(r, "confidence")) >= TRACK_CONFIDENT;
        const char *numbers[] = { "target_dist_mm", "remaining_mm", "angle_dev_deg", "offset_mm" };
        for (int k = 0; k < 4; k++) {
            json_object *v = NULL;
            assert_true(json_object_object_get_ex(r, numbers[k], &v));
            assert_int_equal(v != NULL, confident);
        }
        assert_true(json_object_object_get_ex(r, "miss_mm", NULL));
        if (needle) {
            /* angle = atan2 of tip minus shaft start, y down */
            ng_vec2 tip = point_of(r, "tip"), st = point_of(r, "shaft_start");
            double a = json_object_get_double(json_object_object_get(r, "angle_deg"));
            assert_true(fabs(a - ng_angle_deg(st, tip)) < 0.02);
        }
        if (!json_object_get_boolean(json_object_object_get(tr[seq], "needle")))
            continue;
        needle_frames++;
        if (needle) {
            found++;
            if (ng_v2_dist(point_of(r, "tip"), point_of(tr[seq], "tip")) * l.mm_per_px <= 3.0)
                near++;
        }
    }
    printf("run: %d needle frames, found %d, tip within 3 mm %d\n", needle_frames, found, near);
    bool last_found = json_object_get_boolean(json_object_object_get(rows[n - 1], "needle"));
    /* The targets follow the anatomy (breathing moves it ~1.5 mm): the snapshot's frame says
     * where its L4 target was drawn; the L5 target moved by as much. */
    assert_string_equal(json_object_get_string(json_object_object_get(rows[n - 1], "target")), "L4");
    ng_vec2 anchor = ng_v2_sub(point_of(rows[n - 1], "target_px"), l.plan.l4_target);
    assert_true(ng_v2_len(anchor) * l.mm_per_px < 3);
    double last_conf = json_object_get_double(json_object_object_get(rows[n - 1], "confidence"));
    assert_true(needle_frames > 80);
    assert_true(found >= 0.9 * needle_frames);
    assert_true(near >= 0.6 * needle_frames);
    free_jsonl(rows, n);
    free_jsonl(tr, nt);

    /* The snapshot shows the overlay: video at 1:1 on the left, HUD panel on the right. */
    SDL_Surface *img = load_png(png);
    assert_true(img->w >= l.width + 200);   /* the video at 1:1, the panel beside it */
    assert_int_equal(img->h, l.height);
    int ok = 1;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "snapshot check failed: %s\n", #cond); ok = 0; } } while (0)
    /* The faded L5 path and its target circle, where nothing else is drawn. */
    ng_vec2 e = l.plan.entry, t5 = ng_v2_add(l.plan.l5_target, anchor);
    int on_path = 0;
    for (double t = 0.3; t <= 0.8; t += 0.05)
        on_path += colour_near(img, ng_v2_lerp(e, t5, t), 2, OVL_PATH_L5, 60) > 0;
    CHECK(on_path >= 6);
    double tol_px = l.plan.tolerance_mm / l.mm_per_px;
    CHECK(colour_near(img, ng_v2(t5.x, t5.y - tol_px), 2, OVL_PATH_L5, 40) > 0);
    CHECK(colour_near(img, ng_v2(t5.x - tol_px, t5.y), 2, OVL_PATH_L5, 40) > 0);
    /* Frame 150 is at the L4 target: the L4 target circle is drawn (yellow or, hit, green). */
    ng_vec2 t4 = ng_v2_add(l.plan.l4_target, anchor);
    CHECK(colour_near(img, ng_v2(t4.x + tol_px, t4.y), 2, OVL_TARGET, 40) +
          colour_near(img, ng_v2(t4.x + tol_px, t4.y), 2, OVL_TARGET_HIT, 40) > 0);
    /* The needle as the telemetry of the snapshot's frame has it: tracked confidently, a solid
     * green/amber line along the L4 path; found but unsure, grey and no green/amber line. */
    int on_needle = 0, grey = 0;
    for (double t = 0.4; t <= 0.85; t += 0.05) {
        on_needle += colour_near(img, ng_v2_lerp(e, t4, t), 3, OVL_NEEDLE_OK, 40) +
                     colour_near(img, ng_v2_lerp(e, t4, t), 3, OVL_NEEDLE_WARN, 40) > 0;
        grey += colour_near(img, ng_v2_lerp(e, t4, t), 3, OVL_UNCERTAIN, 10) > 0;
    }
    printf("snapshot frame: needle %s, confidence %.2f\n", last_found ? "found" : "not found", last_conf);
    CHECK(last_found);
    if (last_conf >= TRACK_CONFIDENT)
        CHECK(on_needle >= 8);
    else
        CHECK(on_needle == 0 && grey >= 4);
    /* Video, not a blank screen: mid-grey tissue in the middle of the sector. */
    CHECK(colour_near(img, ng_v2(250, 250), 20, 100, 100, 100, 60) > 400);
    /* The HUD panel is there. */
    CHECK(colour_near(img, ng_v2(l.width + 120, 240), 100, 24, 24, 28, 2) > 10000);
#undef CHECK
    SDL_FreeSurface(img);   /* before the verdict: a failed assert would leak it */
    if (!ok)
        dump_on_failure(png);
    assert_true(ok);

    /* The same sequence from its file, with the config simulate wrote beside it. */
    char conf[256], tel2[256];
    snprintf(conf, sizeof conf, "%s/sim.conf", out_dir);
    snprintf(tel2, sizeof tel2, "%s/t2.jsonl", out_dir);
    assert_int_equal(sh(err, sizeof err, "%s check-config %s >/dev/null", BIN, conf), 0);
    assert_int_equal(sh(err, sizeof err, "%s run --config %s --headless --fast --telemetry %s",
                        BIN, conf, tel2), 0);
    rows = read_jsonl(tel2, &n);
    ne = take_events(rows, &n, &events);
    free_jsonl(events, ne);
    assert_true(n > 0 && n <= 200);
    /* It ran the file to its end: the last processed frame is the file's last. */
    assert_int_equal(json_object_get_int(json_object_object_get(rows[n - 1], "seq")), 199);
    free_jsonl(rows, n);
}

/* One simulated procedure, run live at its own pace (18 s): every automatic phase transition, in
 * order, lands within 1 s of the simulator's true one. The needle is an echogenic one (30 dB): a
 * faint needle's last ~3 mm against the bone at the L4 target are lost to the tracker (issue 4),
 * which is the tracker's to fix, not the guidance's. */
static void test_procedure_phases_on_time(void **s)
{
    (void)s;
    char tel[256], truth[256], y4m[256], conf[256];
    snprintf(tel, sizeof tel, "%s/proc-t.jsonl", out_dir);
    snprintf(truth, sizeof truth, "%s/proc-truth.jsonl", out_dir);
    snprintf(y4m, sizeof y4m, "%s/proc.y4m", out_dir);
    snprintf(conf, sizeof conf, "%s/proc.conf", out_dir);
    int frames = (int)lround(sim_script_period_s() * 30) + 30;
    assert_int_equal(sh(NULL, 0, "%s simulate --seed 1 --frames %d --needle-db 30 --out %s --truth %s"
                        " >/dev/null", BIN, frames, y4m, truth), 0);
    assert_int_equal(sh(NULL, 0, "%s run --config %s --headless --telemetry %s", BIN, conf, tel), 0);

    int n, nt;
    json_object **rows = read_jsonl(tel, &n), **events;
    json_object **tr = read_jsonl(truth, &nt);
    int ne = take_events(rows, &n, &events);
    static const char *const order[] = { "l4_approach", "l4_at_target", "withdraw", "reposition",
                                         "l5_approach", "l5_at_target", "done" };
    int k = 0;
    for (int i = 0; i < ne; i++) {
        json_object *ev = events[i];
        if (strcmp(json_object_get_string(json_object_object_get(ev, "event")), "phase") != 0)
            continue;
        assert_true(json_object_get_boolean(json_object_object_get(ev, "auto")));
        const char *to = json_object_get_string(json_object_object_get(ev, "to"));
        assert_true(k < 7);
        assert_string_equal(to, order[k]);
        /* the frame that caused it (its t_ms, to the event's 0.1 ms), and the simulator's time
         * of that frame */
        double t_ms = json_object_get_double(json_object_object_get(ev, "t_ms")), best = 1e9;
        int seq = -1;
        for (int j = 0; j < n; j++) {
            double d = fabs(json_object_get_double(json_object_object_get(rows[j], "t_ms")) - t_ms);
            if (d < best) {
                best = d;
                seq = json_object_get_int(json_object_object_get(rows[j], "seq"));
            }
        }
        assert_true(best <= 0.06 && seq >= 0 && seq < nt);
        double at = json_object_get_double(json_object_object_get(tr[seq], "t_s"));
        /* the true transition: the first frame of the true phase */
        double truth_at = -1;
        for (int j = 0; j < nt && truth_at < 0; j++)
            if (strcmp(json_object_get_string(json_object_object_get(tr[j], "phase")), to) == 0)
                truth_at = json_object_get_double(json_object_object_get(tr[j], "t_s"));
        printf("%-13s at %5.2f s, true %5.2f s (%+.2f)\n", to, at, truth_at, at - truth_at);
        assert_true(truth_at >= 0);
        assert_true(fabs(at - truth_at) <= 1.0);
        k++;
    }
    assert_int_equal(k, 7);
    free_jsonl(events, ne);
    free_jsonl(rows, n);
    free_jsonl(tr, nt);
}

static void test_track_and_eval(void **s)
{
    (void)s;
    char y4m[256], truth[256], conf[256], out[256], err[4096];
    snprintf(y4m, sizeof y4m, "%s/tr.y4m", out_dir);
    snprintf(truth, sizeof truth, "%s/tr-truth.jsonl", out_dir);
    snprintf(conf, sizeof conf, "%s/tr.conf", out_dir);
    snprintf(out, sizeof out, "%s/tr-track.jsonl", out_dir);
    assert_int_equal(sh(NULL, 0, "%s simulate --seed 3 --frames 90 --out %s --truth %s >/dev/null",
                        BIN, y4m, truth), 0);
    assert_int_equal(sh(err, sizeof err, "%s track --input %s --config %s --output %s", BIN, y4m,
                        conf, out), 0);
    assert_non_null(strstr(err, "ms/frame p50"));
    int n;
    json_object **rows = read_jsonl(out, &n);
    assert_int_equal(n, 90);   /* every frame, none skipped */
    int found = 0;
    for (int i = 0; i < n; i++) {
        assert_int_equal(json_object_get_int(json_object_object_get(rows[i], "frame")), i);
        assert_non_null(json_object_object_get(rows[i], "confidence"));
        if (json_object_get_boolean(json_object_object_get(rows[i], "needle"))) {
            found++;
            ng_vec2 tip = point_of(rows[i], "tip"), st = point_of(rows[i], "shaft_start");
            double a = json_object_get_double(json_object_object_get(rows[i], "angle_deg"));
            assert_true(fabs(a - ng_angle_deg(st, tip)) < 0.02);
        }
    }
    assert_true(found > 30);   /* frames 30-89 are the L4 advance */
    free_jsonl(rows, n);
    /* --raw: each frame's own measurement; the filter's confirmation delays the first report */
    char raw[256];
    snprintf(raw, sizeof raw, "%s/tr-raw.jsonl", out_dir);
    assert_int_equal(sh(NULL, 0, "%s track --raw --input %s --config %s --output %s", BIN, y4m,
                        conf, raw), 0);
    json_object **raw_rows = read_jsonl(raw, &n);
    rows = read_jsonl(out, &n);
    int first_raw = -1, first = -1;
    for (int i = 0; i < n; i++) {
        if (first_raw < 0 && json_object_get_boolean(json_object_object_get(raw_rows[i], "needle")))
            first_raw = i;
        if (first < 0 && json_object_get_boolean(json_object_object_get(rows[i], "needle")))
            first = i;
    }
    assert_true(first_raw >= 0 && first > first_raw);
    free_jsonl(raw_rows, n);
    free_jsonl(rows, n);
    char report[256];
    snprintf(report, sizeof report, "%s/eval.txt", out_dir);
    assert_int_equal(sh(NULL, 0, "%s eval --truth %s --track %s --mm-per-px 0.15 > %s", BIN, truth,
                        out, report), 0);
    assert_int_equal(sh(NULL, 0, "grep -q '^all ' %s && grep -q 'contrast' %s", report, report), 0);
    /* --features on found needles, and eval fits the calibration's weights from them */
    char feat[256];
    snprintf(feat, sizeof feat, "%s/tr-feat.jsonl", out_dir);
    assert_int_equal(sh(NULL, 0, "%s track --features --input %s --config %s --output %s", BIN, y4m,
                        conf, feat), 0);
    assert_int_equal(sh(NULL, 0, "grep '\"needle\":true' %s | grep -q '\"features\":'", feat), 0);
    assert_int_not_equal(sh(NULL, 0, "grep -q features %s", out), 0);   /* only when asked */
    assert_int_equal(sh(NULL, 0, "%s eval --truth %s --track %s --mm-per-px 0.15 --fit-confidence > %s",
                        BIN, truth, feat, report), 0);
    assert_int_equal(sh(NULL, 0, "grep -q 'fitted confidence weights over' %s && grep -q 'Brier' %s",
                        report, report), 0);
    /* bad input: exit 2 naming the file */
    assert_int_equal(sh(err, sizeof err, "%s track --input /nonexistent.y4m --config %s --output %s",
                        BIN, conf, out), 2);
    assert_non_null(strstr(err, "/nonexistent.y4m"));
}

static void test_check_config(void **s)
{
    (void)s;
    char conf[256], err[4096];
    snprintf(conf, sizeof conf, "%s/broken.conf", out_dir);
    test_write_file(conf, "[capture]\nsource = sim:1\n\n[plan]\nl4_target = 300;400\n");
    assert_int_equal(sh(err, sizeof err, "%s check-config %s", BIN, conf), 2);
    char want[300];
    snprintf(want, sizeof want, "%s:5: [plan] l4_target", conf);
    assert_non_null(strstr(err, want));
    /* run refuses it the same way, and starts nothing */
    assert_int_equal(sh(err, sizeof err, "%s run --config %s --headless --frames 5", BIN, conf), 2);
    assert_non_null(strstr(err, want));
    assert_int_equal(sh(NULL, 0, "%s check-config /nonexistent.conf", BIN), 2);
}

static void test_bad_input_exits_2(void **s)
{
    (void)s;
    char err[4096], bad[256];
    assert_int_equal(sh(err, sizeof err, "%s run --source bogus --headless --frames 5", BIN), 2);
    assert_non_null(strstr(err, "'bogus'"));
    assert_int_equal(sh(err, sizeof err, "%s run --frames 0 --headless", BIN), 2);
    assert_non_null(strstr(err, "--frames '0'"));
    snprintf(bad, sizeof bad, "%s/bad.y4m", out_dir);
    test_write_file(bad, "YUV4MPEG2 W0 H10 F30:1\n");
    assert_int_equal(sh(err, sizeof err, "%s run --source file:%s --headless", BIN, bad), 2);
    assert_non_null(strstr(err, "'W0'"));
    assert_int_equal(sh(err, sizeof err, "%s frobnicate", BIN), 2);
    assert_int_equal(sh(err, sizeof err, "%s simulate --out /tmp/x.y4m --truth /tmp/x.jsonl "
                        "--speckle-m 0.1", BIN), 2);
    assert_non_null(strstr(err, "--speckle-m '0.1'"));
    assert_int_equal(sh(err, sizeof err, "%s simulate --out /tmp/x.y4m --truth /tmp/x.jsonl "
                        "--dropouts lots", BIN), 2);
    assert_non_null(strstr(err, "--dropouts 'lots'"));
    /* A file that breaks mid-stream: exit 2 with the reason, telemetry so far kept. */
    char y4m[256], truth[256], tel[256];
    snprintf(y4m, sizeof y4m, "%s/cut.y4m", out_dir);
    snprintf(truth, sizeof truth, "%s/cut.jsonl", out_dir);
    snprintf(tel, sizeof tel, "%s/cut-t.jsonl", out_dir);
    assert_int_equal(sh(NULL, 0, "%s simulate --frames 10 --out %s --truth %s >/dev/null", BIN,
                        y4m, truth), 0);
    assert_int_equal(sh(NULL, 0, "truncate -s -1000 %s", y4m), 0);
    assert_int_equal(sh(err, sizeof err, "%s run --source file:%s --headless --fast --telemetry %s",
                        BIN, y4m, tel), 2);
    assert_non_null(strstr(err, "frame 9 truncated"));
    int n;
    json_object **rows = read_jsonl(tel, &n);
    assert_true(n >= 1 && n <= 9);
    free_jsonl(rows, n);
}

static void test_sigterm_stops_cleanly(void **s)
{
    (void)s;
    char tel[256], err[4096];
    snprintf(tel, sizeof tel, "%s/sig.jsonl", out_dir);
    /* No frame limit: only the signal ends it. */
    int rc = sh(err, sizeof err, "%s run --headless --telemetry %s & pid=$!; sleep 2; kill -TERM $pid; "
                "wait $pid", BIN, tel);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(err, "shutting down"));
    int n;
    json_object **rows = read_jsonl(tel, &n);
    assert_true(n > 10);   /* every line whole (read_jsonl fails on a partial line) */
    free_jsonl(rows, n);
}

static int teardown_all(void **s)
{
    (void)s;
    return test_cleanup_tmpdir(0) ? -1 : 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_run_on_simulator, setup),
        cmocka_unit_test_setup(test_procedure_phases_on_time, setup),
        cmocka_unit_test_setup(test_track_and_eval, setup),
        cmocka_unit_test_setup(test_check_config, setup),
        cmocka_unit_test_setup(test_bad_input_exits_2, setup),
        cmocka_unit_test_setup(test_sigterm_stops_cleanly, setup),
    };
    return cmocka_run_group_tests(tests, NULL, teardown_all);
}
