/* The recording pieces in process: whole-line files (also when the file may not grow), masks,
 * a recorder session read back through FFmpeg (lossless, masked, counted), a full queue that
 * drops instead of waiting, and the report's figures on a scripted telemetry. */
#include "test_util.h"
#include "test_video.h"

#include <errno.h>
#include <signal.h>
#include <sys/resource.h>

#include <json-c/json.h>

#include "capture/source.h"
#include "record/line_file.h"
#include "record/recorder.h"
#include "record/report.h"
#include "record/video_writer.h"
#include "util/clock.h"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return b;
}

static void test_line_file_whole_lines(void **s)
{
    (void)s;
    char path[256];
    snprintf(path, sizeof path, "%s/lines.jsonl", test_tmpdir());
    line_file lf;
    assert_int_equal(line_file_open(&lf, path), 0);
    assert_int_equal(line_file_add(&lf, "{\"a\":1}\n"), 0);
    assert_int_equal(line_file_add(&lf, "{\"b\":2}"), 0);   /* the newline is added */
    assert_int_equal(line_file_flush(&lf, 1), 0);
    assert_int_equal(lf.lines, 2);
    line_file_close(&lf);
    char *t = slurp(path, NULL);
    assert_string_equal(t, "{\"a\":1}\n{\"b\":2}\n");
    free(t);
    assert_int_equal(line_file_open(&lf, path), -EEXIST);   /* never over a session's file */
}

/* In a child that may not write more than 10000 bytes to a file, lines of 97 bytes until the
 * write fails: what is left is whole lines only, and the failure is EFBIG. */
static void test_line_file_cut_back_on_a_failed_write(void **s)
{
    (void)s;
    char path[256];
    snprintf(path, sizeof path, "%s/limited.jsonl", test_tmpdir());
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = { 10000, 10000 };
        setrlimit(RLIMIT_FSIZE, &rl);
        line_file lf;
        if (line_file_open(&lf, path) < 0)
            _exit(10);
        char line[128];
        memset(line, 'x', 96);
        line[96] = '\0';
        for (int i = 0; i < 1000; i++) {
            int rc = line_file_add(&lf, line);
            if (rc == 0 && i % 7 == 0)
                rc = line_file_flush(&lf, 0);
            if (rc < 0)
                _exit(rc == -EFBIG ? 0 : 11);
        }
        _exit(12);
    }
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    size_t len;
    char *t = slurp(path, &len);
    assert_true(len > 0 && len <= 10000);
    assert_int_equal(len % 97, 0);   /* 96 x's and a newline, never a part */
    assert_int_equal(t[len - 1], '\n');
    free(t);
}

static void test_video_mask_planar_and_packed(void **s)
{
    (void)s;
    enum { W = 32, H = 16 };
    uint8_t y[W * H], u[W / 2 * H / 2], v[W / 2 * H / 2];
    memset(y, 200, sizeof y);
    memset(u, 90, sizeof u);
    memset(v, 170, sizeof v);
    uint8_t *planes[4] = { y, u, v };
    int lines[4] = { W, W / 2, W / 2 };
    ng_rect r = { 5, 3, 6, 4 };   /* odd edges: chroma widened to cover them */
    video_mask(planes, lines, AV_PIX_FMT_YUV420P, W, H, false, &r, 1);
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++) {
            bool in = i >= 5 && i < 11 && j >= 3 && j < 7;
            assert_int_equal(y[j * W + i], in ? 16 : 200);
        }
    for (int j = 0; j < H / 2; j++)
        for (int i = 0; i < W / 2; i++) {
            bool in = i >= 2 && i < 6 && j >= 1 && j < 4;
            assert_int_equal(u[j * W / 2 + i], in ? 128 : 90);
            assert_int_equal(v[j * W / 2 + i], in ? 128 : 170);
        }
    uint8_t argb[W * H * 4];
    memset(argb, 77, sizeof argb);
    uint8_t *p4[4] = { argb };
    int l4[4] = { W * 4 };
    ng_rect outside = { 30, 14, 10, 10 };   /* clipped to the picture */
    video_mask(p4, l4, AV_PIX_FMT_BGRA, W, H, true, &outside, 1);
    for (int j = 0; j < H; j++)
        for (int i = 0; i < W; i++) {
            const uint8_t *px = argb + (j * W + i) * 4;
            bool in = i >= 30 && j >= 14;
            assert_int_equal(px[0], in ? 0 : 77);
            assert_int_equal(px[3], in ? 255 : 77);
        }
}

/* A frame whose every pixel differs: a lossless recording must give it back exactly. */
static ng_frame *pattern(int n, int w, int h)
{
    ng_frame *f = frame_alloc(NG_PIX_I420, w, h);
    for (int j = 0; j < h; j++)
        for (int i = 0; i < w; i++)
            f->plane[0][j * f->stride[0] + i] = (uint8_t)(i * 7 + j * 3 + n * 11);
    for (int p = 1; p < 3; p++)
        for (int j = 0; j < h / 2; j++)
            for (int i = 0; i < w / 2; i++)
                f->plane[p][j * f->stride[p] + i] = (uint8_t)(i + j * p + n);
    return f;
}

static void session_dir(const recorder *r, char *dir, size_t n)
{
    record_status st;
    recorder_status_get((recorder *)r, &st);
    snprintf(dir, n, "%s", st.dir);
}

static void test_recorder_session_reads_back(void **s)
{
    (void)s;
    enum { W = 96, H = 64, N = 40 };
    recorder *r = recorder_new();
    record_opts o = { .nmasks = 1, .masks = { { 10, 6, 20, 12 } } };
    snprintf(o.dir, sizeof o.dir, "%s/sessions", test_tmpdir());
    record_info info = { .config_ini = "[capture]\nsource = sim:3\n", .source = "sim:3",
                         .width = W, .height = H, .fps = 30, .mm_per_px = 0.15 };
    ng_errbuf err = { 0 };
    assert_int_equal(recorder_start(r, &o, &info, 1000, &err), 0);
    assert_true(recorder_active(r));
    uint8_t screen[120 * 80 * 4];
    memset(screen, 200, sizeof screen);
    ng_rect smask = { 0, 0, 40, 20 };
    for (int n = 0; n < N; n++) {
        double t = 1000 + n * 33.3;
        assert_true(recorder_take_raw(r, pattern(n, W, H), t));
        recorder_put_screen(r, screen, 120, 80, 120 * 4, &smask, 1, t);
        char line[64];
        snprintf(line, sizeof line, "{\"frame\":%d,\"t_ms\":%.1f}", n, t);
        recorder_put_line(r, REC_TELEMETRY, line);
    }
    recorder_put_line(r, REC_EVENTS, "{\"event\":\"test\"}");
    char dir[700];
    session_dir(r, dir, sizeof dir);
    recorder_stop(r, "stopped: test");
    assert_false(recorder_active(r));

    /* ffprobe: the codecs and the frame counts */
    char cmd[2048], out[512] = "";
    snprintf(cmd, sizeof cmd, "for f in raw overlay; do ffprobe -v error -count_frames -show_entries "
             "stream=codec_name,nb_read_frames -of csv=p=0 %s/$f.mkv 2>&1; done", dir);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    assert_string_equal(out, "ffv1,40\nh264,40\n");

    /* raw.mkv decodes to the very samples, the mask black */
    char path[800];
    snprintf(path, sizeof path, "%s/raw.mkv", dir);
    ng_source *src = open_video(path, NULL);
    for (int k = 0; k < N; k++) {
        ng_frame *f = NULL;
        assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
        assert_int_equal(f->fmt, NG_PIX_I420);
        assert_int_equal(f->pts_ms, llround(1000 + k * 33.3 - 1000));
        ng_frame *want = pattern(k, W, H);
        for (int j = 0; j < H; j++)
            for (int i = 0; i < W; i++) {
                bool masked = i >= 10 && i < 30 && j >= 6 && j < 18;
                int got = f->plane[0][j * f->stride[0] + i];
                if (masked)
                    assert_int_equal(got, 16);
                else if (got != want->plane[0][j * want->stride[0] + i])
                    fail_msg("frame %d (%d,%d): %d, recorded %d", k, i, j, got,
                             want->plane[0][j * want->stride[0] + i]);
            }
        frame_free(want);
        frame_free(f);
    }
    ng_frame *f = NULL;
    assert_int_equal(source_next(src, &f, &err), NG_SRC_EOF);
    source_close(src);

    /* session.json: how it ended, the counts; the lines whole */
    snprintf(path, sizeof path, "%s/session.json", dir);
    json_object *js = json_object_from_file(path), *v, *files, *raw;
    assert_non_null(js);
    assert_true(json_object_object_get_ex(js, "end_reason", &v));
    assert_string_equal(json_object_get_string(v), "stopped: test");
    assert_true(json_object_object_get_ex(js, "files", &files));
    assert_true(json_object_object_get_ex(files, "raw", &raw));
    assert_true(json_object_object_get_ex(raw, "frames", &v));
    assert_int_equal(json_object_get_int(v), N);
    assert_true(json_object_object_get_ex(raw, "dropped", &v));
    assert_int_equal(json_object_get_int(v), 0);
    json_object_put(js);
    snprintf(path, sizeof path, "%s/telemetry.jsonl", dir);
    char *t = slurp(path, &n);
    int lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += t[i] == '\n';
    assert_int_equal(lines, N);
    free(t);
    recorder_free(r);
}

/* A writer that cannot keep up: the producer never waits, the frames it could not queue are
 * counted. */
static void test_recorder_full_queue_drops_and_counts(void **s)
{
    (void)s;
    recorder *r = recorder_new();
    record_opts o = { .queue_bytes = 1 };   /* room for one frame at a time */
    snprintf(o.dir, sizeof o.dir, "%s/dropping", test_tmpdir());
    record_info info = { .source = "sim:1", .width = 320, .height = 240, .fps = 30 };
    ng_errbuf err = { 0 };
    assert_int_equal(recorder_start(r, &o, &info, 0, &err), 0);
    int64_t t0 = ng_now_ns();
    int unwanted = 0;
    for (int n = 0; n < 200; n++) {
        assert_true(recorder_take_raw(r, pattern(n, 320, 240), n * 10.0));
        /* a screen with no room is refused before it is read back, and counted */
        unwanted += !recorder_screen_wanted(r, 320, 240);
    }
    double ms = ng_ns_to_ms(ng_now_ns() - t0);
    record_status st;
    recorder_status_get(r, &st);
    assert_int_equal(st.raw_frames, 200);
    assert_true(st.raw_dropped > 0);
    assert_true(unwanted > 0);
    assert_int_equal(st.screen_dropped, unwanted);
    assert_int_equal(st.screen_frames, unwanted);
    recorder_stop(r, "stopped");
    recorder_status_get(r, &st);
    print_message("200 frames handed over in %.1f ms, %llu dropped\n", ms,
                  (unsigned long long)st.raw_dropped);
    recorder_free(r);
}

static void test_recorder_without_a_folder(void **s)
{
    (void)s;
    recorder *r = recorder_new();
    record_opts o = { 0 };
    record_info info = { .source = "sim:1" };
    ng_errbuf err = { 0 };
    assert_int_equal(recorder_start(r, &o, &info, 0, &err), -1);
    assert_non_null(strstr(err.text, "no folder"));
    ng_frame *f = pattern(0, 16, 16);
    assert_false(recorder_take_raw(r, f, 0));   /* not recording: the caller keeps it */
    assert_false(recorder_screen_wanted(r, 16, 16));
    frame_free(f);
    recorder_free(r);
}

/* A replay's controls on a recorded file: paused gives nothing, steps go a frame on and back,
 * a seek jumps and marks the jump, a loop starts again at the end. */
static void test_file_source_playback_controls(void **s)
{
    (void)s;
    enum { W = 64, H = 48, N = 30 };
    recorder *r = recorder_new();
    record_opts o = { 0 };
    snprintf(o.dir, sizeof o.dir, "%s/playback", test_tmpdir());
    record_info info = { .source = "sim:1", .width = W, .height = H, .fps = 10 };
    ng_errbuf err = { 0 };
    assert_int_equal(recorder_start(r, &o, &info, 0, &err), 0);
    for (int n = 0; n < N; n++)   /* 10 fps: a frame every 100 ms */
        recorder_take_raw(r, pattern(n, W, H), n * 100.0);
    char dir[700], text[760];
    session_dir(r, dir, sizeof dir);
    recorder_stop(r, "stopped");
    recorder_free(r);
    snprintf(text, sizeof text, "%s/raw.mkv", dir);
    ng_playback pb;
    playback_init(&pb);
    ng_source *src = open_video(text, &pb);
    long long dur = atomic_load(&pb.duration_ms);
    assert_true(dur >= 2900 && dur <= 3000);
    ng_frame *f = NULL;
#define NEXT(want_pts, want_jump)                                                    \
    do {                                                                             \
        ng_source_status st_;                                                        \
        while ((st_ = source_next(src, &f, &err)) == NG_SRC_IDLE)                    \
            ;                                                                        \
        assert_int_equal(st_, NG_SRC_FRAME);                                         \
        assert_int_equal(f->pts_ms, (want_pts));                                     \
        assert_int_equal(f->discontinuity, (want_jump));                             \
        assert_int_equal(f->plane[0][1], (uint8_t)(7 + (want_pts) / 100 * 11));     \
        frame_free(f);                                                               \
    } while (0)
    NEXT(0, false);
    NEXT(100, false);
    atomic_store(&pb.paused, true);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_IDLE);
    atomic_store(&pb.step, 1);
    NEXT(200, false);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_IDLE);   /* one step, one frame */
    atomic_store(&pb.step, -1);
    NEXT(100, true);
    atomic_store(&pb.step, -1);
    NEXT(0, true);
    atomic_store(&pb.paused, false);
    NEXT(100, false);
    atomic_store(&pb.seek_ms, 1500);
    NEXT(1600, true);
    atomic_store(&pb.seek_ms, -1000);
    NEXT(600, true);
    atomic_store(&pb.seek_ms, 60000);   /* past the end: the last frame */
    NEXT(2900, true);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_EOF);
    atomic_store(&pb.seek_ms, -60000);
    NEXT(0, true);
    atomic_store(&pb.loop, true);
    for (int n = 1; n < N; n++)
        NEXT(n * 100, false);
    NEXT(0, true);   /* looped */
    assert_int_equal(atomic_load(&pb.position_ms), 0);
#undef NEXT
    source_close(src);
}

/* ---- the report on a scripted telemetry ---- */

static void frames_for(report_input *in, double from_s, double to_s, ng_phase ph, bool seen,
                       double dist)
{
    for (double t = from_s; t < to_s - 1e-9; t += 0.1) {
        in->frames = realloc(in->frames, (in->nframes + 1) * sizeof *in->frames);
        in->frames[in->nframes++] = (report_frame){
            .t_ms = t * 1000, .seen = seen, .tip = ng_v2(100 + 10 * t, 100), .phase = ph,
            .dist_valid = seen, .dist_mm = dist, .offset_mm = seen ? 0.5 : 0,
        };
    }
}

static void test_report_figures(void **s)
{
    (void)s;
    report_input in = { .t0_ms = 0, .mm_per_px = 0.1, .plan = { .entry = { 0, 100 } } };
    frames_for(&in, 0, 1, PHASE_IDLE, false, 0);
    frames_for(&in, 1, 4, PHASE_L4_APPROACH, true, 5);
    frames_for(&in, 4, 5, PHASE_L4_AT_TARGET, true, 1.0);
    frames_for(&in, 5, 6, PHASE_WITHDRAW, true, 9);
    frames_for(&in, 6, 8, PHASE_REPOSITION, false, 0);   /* out of plane: same puncture */
    frames_for(&in, 8, 10, PHASE_L5_APPROACH, true, 4);
    frames_for(&in, 10, 11, PHASE_L5_AT_TARGET, true, 0.6);
    frames_for(&in, 11, 13, PHASE_DONE, false, 0);
    frames_for(&in, 13, 14, PHASE_DONE, true, 7);         /* a new needle through the skin */
    report_transition moves[] = {
        { 1000, PHASE_IDLE, PHASE_L4_APPROACH }, { 5000, PHASE_L4_AT_TARGET, PHASE_WITHDRAW },
        { 6000, PHASE_WITHDRAW, PHASE_REPOSITION }, { 8000, PHASE_REPOSITION, PHASE_L5_APPROACH },
    };
    in.moves = moves;
    in.nmoves = 4;
    report_figures f;
    report_compute(&in, &f);
    assert_int_equal(f.frames, 140);
    assert_float_equal(f.needle_in_s, 1.0, 1e-6);
    assert_float_equal(f.needle_out_s, 13.9, 1e-6);
    assert_float_equal(f.phase_s[PHASE_L4_APPROACH], 3.0, 1e-6);
    assert_float_equal(f.phase_s[PHASE_REPOSITION], 2.0, 1e-6);
    assert_int_equal(f.punctures, 2);
    assert_int_equal(f.redirections, 1);
    assert_float_equal(f.l4_tip_mm, 1.0, 1e-6);
    assert_float_equal(f.l5_tip_mm, 0.6, 1e-6);
    assert_float_equal(f.max_offset_mm, 0.5, 1e-6);
    assert_float_equal(f.seen_pct, 100.0 * 90 / 140, 1e-6);
    /* without an at-target phase, the injection is where the tip dwelt deepest */
    for (size_t i = 0; i < in.nframes; i++)
        if (in.frames[i].phase == PHASE_L4_AT_TARGET)
            in.frames[i].phase = PHASE_L4_APPROACH;
    report_compute(&in, &f);
    assert_true(f.l4_tip_mm <= 5.0 && f.l4_tip_mm >= 1.0);
    in.moves = NULL;
    report_input_free(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line_file_whole_lines),
        cmocka_unit_test(test_line_file_cut_back_on_a_failed_write),
        cmocka_unit_test(test_video_mask_planar_and_packed),
        cmocka_unit_test(test_recorder_session_reads_back),
        cmocka_unit_test(test_recorder_full_queue_drops_and_counts),
        cmocka_unit_test(test_recorder_without_a_folder),
        cmocka_unit_test(test_file_source_playback_controls),
        cmocka_unit_test(test_report_figures),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, NULL, NULL));
}
