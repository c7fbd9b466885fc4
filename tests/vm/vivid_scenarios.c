/* Real-kernel scenarios: needleguide against vivid inside the test VM (make check-v4l2).
 * Each drives the daemon as a separate process, changes vivid's controls from outside as a
 * cable, a source or a failing driver would, and asserts on the telemetry the daemon wrote.
 * Recovery times (fault cleared -> next frame line) are printed. */
#include <SDL.h>
#include <SDL_image.h>
#include <json-c/json.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "../test_image.h"
#include "overlay/overlay.h"

#include <stdbool.h>

#define BIN NG_BUILD_DIR "/needleguide"
#define DEV "/dev/video0"

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (system(cmd) != 0)
        fprintf(stderr, "note: '%s' failed\n", cmd);
}

#define CTL(...) sh("v4l2-ctl -d " DEV " " __VA_ARGS__)

/* ---- the daemon ---- */

typedef struct {
    pid_t pid;
    char conf[128], tel[128], err[128], png[128];
} daemon_t;

static void write_conf(daemon_t *d, const char *extra)
{
    snprintf(d->conf, sizeof d->conf, "/tmp/vivid.conf");
    char text[1024];
    snprintf(text, sizeof text, "[capture]\nsource = v4l2:" DEV "\nfps = 30\n%s\n", extra);
    test_write_file(d->conf, text);
}

static daemon_t *running;   /* killed by the teardown if a scenario fails midway */

static void start(daemon_t *d, const char *extra, int frames, bool snapshot)
{
    running = d;
    write_conf(d, extra);
    snprintf(d->tel, sizeof d->tel, "/tmp/vivid-tel.jsonl");
    snprintf(d->err, sizeof d->err, "/tmp/vivid-err.txt");
    snprintf(d->png, sizeof d->png, "/tmp/vivid.png");
    unlink(d->tel);
    char nframes[32];
    snprintf(nframes, sizeof nframes, "%d", frames);
    d->pid = fork();
    if (d->pid == 0) {
        freopen(d->err, "w", stderr);
        const char *argv[16] = { BIN, "run", "--config", d->conf, "--headless", "--telemetry", d->tel };
        int n = 7;
        if (frames > 0) { argv[n++] = "--frames"; argv[n++] = nframes; }
        if (snapshot) { argv[n++] = "--snapshot"; argv[n++] = d->png; }
        argv[n] = NULL;
        execv(BIN, (char **)argv);
        _exit(127);
    }
    assert_true(d->pid > 0);
}

/* Waits for the daemon to end (sending SIGTERM first if asked); returns its exit status. */
static int finish(daemon_t *d, bool term, int timeout_s)
{
    if (term)
        kill(d->pid, SIGTERM);
    for (int i = 0; i < timeout_s * 100; i++) {
        int st;
        if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
            running = NULL;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        usleep(10000);
    }
    kill(d->pid, SIGKILL);
    waitpid(d->pid, NULL, 0);
    running = NULL;
    fail_msg("daemon did not end within %d s", timeout_s);
    return -1;
}

/* ---- telemetry ---- */

typedef struct {
    int frames;            /* frame lines */
    int last_w, last_h;
    long long last_seq;
    double last_still_ms;  /* how long the last frame's picture had not changed */
    bool seq_increasing;
    char states[64][24];   /* source events in order */
    char details[64][128];
    int nstates;
} tel_t;

static void read_tel(const char *path, tel_t *t)
{
    memset(t, 0, sizeof *t);
    t->last_seq = -1;
    t->seq_increasing = true;
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        if (!strchr(line, '\n'))
            break;   /* a line still being written */
        json_object *o = json_tokener_parse(line);
        if (!o)
            fail_msg("telemetry line is not JSON: %s", line);
        json_object *v;
        if (json_object_object_get_ex(o, "event", &v)) {
            if (t->nstates < 64) {
                snprintf(t->details[t->nstates], 128, "%s",
                         json_object_get_string(json_object_object_get(o, "detail")));
                snprintf(t->states[t->nstates++], 24, "%s",
                         json_object_get_string(json_object_object_get(o, "state")));
            }
        } else {
            long long seq = json_object_get_int64(json_object_object_get(o, "seq"));
            if (seq <= t->last_seq)
                t->seq_increasing = false;
            t->last_seq = seq;
            json_object *size = json_object_object_get(o, "size");
            t->last_w = json_object_get_int(json_object_array_get_idx(size, 0));
            t->last_h = json_object_get_int(json_object_array_get_idx(size, 1));
            t->last_still_ms = json_object_get_double(json_object_object_get(o, "still_ms"));
            t->frames++;
        }
        json_object_put(o);
    }
    fclose(f);
}

static bool saw_state(const tel_t *t, const char *state, int from)
{
    for (int i = from; i < t->nstates; i++)
        if (!strcmp(t->states[i], state))
            return true;
    return false;
}

/* Waits until at least n frame lines exist; returns ms waited or fails. */
static int64_t wait_frames(daemon_t *d, int n, int timeout_s)
{
    int64_t t0 = now_ms();
    tel_t t;
    while (now_ms() - t0 < timeout_s * 1000) {
        read_tel(d->tel, &t);
        if (t.frames >= n)
            return now_ms() - t0;
        usleep(20000);
    }
    read_tel(d->tel, &t);
    fail_msg("only %d of %d frame lines after %d s", t.frames, n, timeout_s);
    return -1;
}

/* Waits for a source event `state` after the first `from` events; returns how many events
 * there are then. */
static int wait_state(daemon_t *d, const char *state, int from, int timeout_s)
{
    int64_t t0 = now_ms();
    tel_t t;
    while (now_ms() - t0 < timeout_s * 1000) {
        read_tel(d->tel, &t);
        if (saw_state(&t, state, from))
            return t.nstates;
        usleep(20000);
    }
    fprintf(stderr, "events so far:");
    for (int i = 0; i < t.nstates; i++)
        fprintf(stderr, " %s", t.states[i]);
    fprintf(stderr, "\n");
    fail_msg("no '%s' event within %d s", state, timeout_s);
    return -1;
}

static int frames_now(daemon_t *d)
{
    tel_t t;
    read_tel(d->tel, &t);
    return t.frames;
}

/* Recovery: from t_clear (when the fault was cleared, frames_at_clear frame lines then) to the
 * first frame line after it. */
static void report_recovery(daemon_t *d, const char *scenario, int64_t t_clear, int frames_at_clear)
{
    wait_frames(d, frames_at_clear + 1, 30);
    printf("recovery: %-28s %5lld ms from the fault clearing to the next frame\n", scenario,
           (long long)(now_ms() - t_clear));
}

static unsigned long long summary_count(daemon_t *d, const char *what)
{
    FILE *f = fopen(d->err, "r");
    char line[1024];
    unsigned long long n = 0;
    while (f && fgets(line, sizeof line, f)) {
        char *p = strstr(line, what);
        if (p && strstr(line, "frames processed")) {
            while (p > line && p[-1] == ' ')
                p--;
            while (p > line && p[-1] >= '0' && p[-1] <= '9')
                p--;
            n = strtoull(p, NULL, 10);
        }
    }
    if (f)
        fclose(f);
    return n;
}

static void reset_vivid(void)
{
    CTL("-i 0 >/dev/null");
    CTL("-c percentage_of_dropped_buffers=0");
}

/* A fresh vivid, the daemon streaming on input `input` (5 frames in), its telemetry so far. */
static void start_streaming(daemon_t *d, int input, tel_t *t)
{
    reset_vivid();
    char extra[32];
    snprintf(extra, sizeof extra, "input = %d", input);
    if (input == 3) {
        CTL("-i 3 >/dev/null");
        CTL("-c dv_timings_signal_mode=0");
    }
    start(d, extra, 0, false);
    wait_frames(d, 5, 60);
    read_tel(d->tel, t);
}

/* After a failed scenario: stop its daemon and show what it said. */
static int cleanup(void **s)
{
    (void)s;
    if (!running)
        return 0;
    daemon_t *d = running;
    kill(d->pid, SIGKILL);
    waitpid(d->pid, NULL, 0);
    running = NULL;
    fprintf(stderr, "--- daemon stderr:\n");
    sh("tail -n 20 %s >&2", d->err);
    return 0;
}

/* ---- scenarios ---- */

static const uint8_t bars75[8][3] = {
    { 191, 191, 191 }, { 191, 191, 0 }, { 0, 191, 191 }, { 0, 191, 0 },
    { 191, 0, 191 },   { 191, 0, 0 },   { 0, 0, 191 },   { 0, 0, 0 },
};

/* The bars as the snapshot shows them; dim < 1 when the overlay dimmed a picture that had stopped
 * changing (vivid's colour bars are a still picture: FROZEN after 200 ms). */
static void check_bars(const char *png, int w, int h, double dim, const char *label)
{
    SDL_Surface *s = image_load(png);
    assert_non_null(s);
    int y = h * 9 / 10;
    for (int b = 0; b < 8; b++) {
        int x = (2 * b + 1) * w / 16;
        Uint8 r, g, bl;
        image_rgb(s, x, y, &r, &g, &bl);
        int want[3] = { (int)lround(bars75[b][0] * dim), (int)lround(bars75[b][1] * dim),
                        (int)lround(bars75[b][2] * dim) };
        if (abs(r - want[0]) > 40 || abs(g - want[1]) > 40 || abs(bl - want[2]) > 40)
            fail_msg("%s: bar %d at %d,%d is %d,%d,%d, want %d,%d,%d", label, b, x, y, r, g, bl,
                     want[0], want[1], want[2]);
    }
    SDL_FreeSurface(s);
}

static void test_formats_and_sizes(void **s)
{
    (void)s;
    static const char *const fmts[] = { "yuyv", "uyvy", "nv12", "rgb24" };
    static const int sizes[][2] = { { 640, 480 }, { 1280, 720 } };
    for (size_t i = 0; i < 4; i++)
        for (size_t k = 0; k < 2; k++) {
            reset_vivid();
            daemon_t d;
            char extra[256], label[64];
            snprintf(extra, sizeof extra, "format = %s\nwidth = %d\nheight = %d\ninput = 0", fmts[i],
                     sizes[k][0], sizes[k][1]);
            snprintf(label, sizeof label, "%s %dx%d", fmts[i], sizes[k][0], sizes[k][1]);
            start(&d, extra, 12, true);
            assert_int_equal(finish(&d, false, 120), 0);
            tel_t t;
            read_tel(d.tel, &t);
            assert_int_equal(t.frames, 12);
            assert_int_equal(t.last_w, sizes[k][0]);
            assert_int_equal(t.last_h, sizes[k][1]);
            assert_true(t.seq_increasing);
            double dim = t.last_still_ms >= OVERLAY_FROZEN_MS ? 1 - OVERLAY_DIM_ALPHA / 255.0 : 1;
            check_bars(d.png, sizes[k][0], sizes[k][1], dim, label);
            printf("format: %-16s 12 frames, colour bars correct\n", label);
        }
}

static void test_120_frames(void **s)
{
    (void)s;
    reset_vivid();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s run --source v4l2:" DEV " --headless --frames 120 --telemetry "
             "/tmp/t120.jsonl 2>/tmp/t120.err", BIN);
    assert_int_equal(system(cmd), 0);
    tel_t t;
    read_tel("/tmp/t120.jsonl", &t);
    assert_int_equal(t.frames, 120);
    assert_true(t.seq_increasing);
    /* the card's buffers lent on, not copied, while enough stay with the driver */
    daemon_t d = { 0 };
    snprintf(d.err, sizeof d.err, "/tmp/t120.err");
    printf("lending: %llu of %llu frames copied out of vivid's buffers, the rest lent\n",
           summary_count(&d, "copied out"), summary_count(&d, "frames processed"));
}

static void test_hdmi_resolution_change(void **s)
{
    (void)s;
    daemon_t d;
    tel_t t;
    start_streaming(&d, 3, &t);
    int w0 = t.last_w, events = t.nstates;
    /* the source switches to 640x480p59 */
    CTL("-c dv_timings_signal_mode=4 -c dv_timings=0");
    int64_t t0 = now_ms();
    events = wait_state(&d, "format_changed", events, 30);
    wait_state(&d, "streaming", events - 1, 30);
    int n = frames_now(&d);
    for (;;) {
        wait_frames(&d, n + 1, 30);
        read_tel(d.tel, &t);
        if (t.last_w == 640 && t.last_h == 480)
            break;
        n = t.frames;
    }
    printf("recovery: %-28s %5lld ms from the change to a frame at the new size (was %d wide)\n",
           "hdmi resolution change", (long long)(now_ms() - t0), w0);
    assert_true(w0 != 640);
    assert_int_equal(finish(&d, true, 30), 0);
    CTL("-c dv_timings_signal_mode=0");
}

static void test_hdmi_no_signal(void **s)
{
    (void)s;
    daemon_t d;
    tel_t t;
    start_streaming(&d, 3, &t);
    CTL("-c dv_timings_signal_mode=1");   /* cable out */
    int events = wait_state(&d, "no_signal", t.nstates, 30);
    sleep(1);
    int64_t t_clear = now_ms();
    int n0 = frames_now(&d);
    CTL("-c dv_timings_signal_mode=0");   /* cable back */
    wait_state(&d, "streaming", events, 30);
    report_recovery(&d, "hdmi no signal", t_clear, n0);
    read_tel(d.tel, &t);
    CTL("-c dv_timings_signal_mode=2");   /* a signal the receiver cannot lock to */
    events = wait_state(&d, "no_sync", t.nstates, 30);
    sleep(1);
    t_clear = now_ms();
    n0 = frames_now(&d);
    CTL("-c dv_timings_signal_mode=0");
    wait_state(&d, "streaming", events, 30);
    report_recovery(&d, "hdmi no sync", t_clear, n0);
    assert_int_equal(finish(&d, true, 30), 0);
}

static void test_disconnect_and_rebind(void **s)
{
    (void)s;
    daemon_t d;
    tel_t t;
    start_streaming(&d, 0, &t);
    CTL("-c disconnect=1");               /* unplugged */
    int events = wait_state(&d, "no_device", t.nstates, 30);
    sh("echo vivid.0 > /sys/bus/platform/drivers/vivid/unbind");
    sleep(1);
    int64_t t_clear = now_ms();
    int n0 = frames_now(&d);
    sh("echo vivid.0 > /sys/bus/platform/drivers/vivid/bind");   /* plugged back */
    wait_state(&d, "streaming", events, 30);
    report_recovery(&d, "disconnect + rebind", t_clear, n0);
    assert_int_equal(finish(&d, true, 30), 0);   /* the same process all along */
}

static void test_error_buffers_counted(void **s)
{
    (void)s;
    daemon_t d;
    tel_t t;
    start_streaming(&d, 0, &t);
    int64_t t_clear = 0;
    int n0 = 0;
    for (int i = 0; i < 3; i++) {
        if (i)
            usleep(300000);
        t_clear = now_ms();
        n0 = frames_now(&d);
        CTL("-c inject_v4l2_buf_flag_error=1");
    }
    report_recovery(&d, "buffer flagged as error", t_clear, n0);
    assert_int_equal(finish(&d, true, 30), 0);
    assert_true(summary_count(&d, "error buffers") >= 1);
}

static void test_dropped_buffers_counted(void **s)
{
    (void)s;
    daemon_t d;
    tel_t t;
    start_streaming(&d, 0, &t);
    CTL("-c percentage_of_dropped_buffers=50");
    sleep(3);
    int64_t t_clear = now_ms();
    int n0 = frames_now(&d);
    CTL("-c percentage_of_dropped_buffers=0");
    report_recovery(&d, "50% dropped buffers", t_clear, n0);
    assert_int_equal(finish(&d, true, 30), 0);
    unsigned long long drops = summary_count(&d, "dropped by the card");
    printf("drops: %llu frames dropped by the card counted\n", drops);
    assert_true(drops >= 3);
}

static void test_fatal_streaming_error(void **s)
{
    (void)s;
    daemon_t d;
    tel_t t;
    start_streaming(&d, 0, &t);
    int64_t t_clear = now_ms();   /* an injected error clears itself at once */
    int n0 = frames_now(&d);
    CTL("-c inject_fatal_streaming_error=1");
    int events = wait_state(&d, "stalled", t.nstates, 30);
    wait_state(&d, "streaming", events, 30);
    report_recovery(&d, "fatal streaming error", t_clear, n0);
    assert_int_equal(finish(&d, true, 30), 0);
}

static void test_streamon_error(void **s)
{
    (void)s;
    daemon_t d;
    tel_t t;
    start_streaming(&d, 0, &t);
    /* The next STREAMON fails; a fatal error forces the restart that meets it. */
    CTL("-c inject_vidioc_streamon_error=1");
    int64_t t_clear = now_ms();
    int n0 = frames_now(&d);
    CTL("-c inject_fatal_streaming_error=1");
    int events = wait_state(&d, "stalled", t.nstates, 30);
    wait_state(&d, "streaming", events, 30);
    report_recovery(&d, "STREAMON error on restart", t_clear, n0);
    read_tel(d.tel, &t);
    bool met = false;
    for (int i = 0; i < t.nstates; i++)
        met |= strstr(t.details[i], "STREAMON") != NULL;
    assert_true(met);   /* the restart really met the injected STREAMON failure */
    assert_int_equal(finish(&d, true, 30), 0);
}

/* Started while the HDMI input has no signal: says so on screen and in telemetry at once, and
 * streams as soon as the signal comes. */
static void test_starts_without_signal(void **s)
{
    (void)s;
    reset_vivid();
    CTL("-i 3 >/dev/null");
    CTL("-c dv_timings_signal_mode=1");
    daemon_t d;
    start(&d, "input = 3", 0, true);
    int events = wait_state(&d, "no_signal", 0, 30);
    sleep(1);
    assert_int_equal(finish(&d, true, 30), 0);
    /* the snapshot: a red NO SIGNAL banner across the top of the video */
    SDL_Surface *img = image_load(d.png);
    assert_non_null(img);
    int red = 0;   /* the reddest of the top rows */
    for (int y = 0; y < 100 && y < img->h; y++) {
        int row = 0;
        for (int x = 0; x < img->w; x++) {
            Uint8 r, g, b;
            image_rgb(img, x, y, &r, &g, &b);
            row += r > 140 && g < 60 && b < 60;
        }
        red = row > red ? row : red;
    }
    SDL_FreeSurface(img);
    assert_true(red > 100);
    tel_t t;
    read_tel(d.tel, &t);
    assert_int_equal(t.frames, 0);   /* nothing shown as if it were live */
    (void)events;

    start(&d, "input = 3", 0, false);
    wait_state(&d, "no_signal", 0, 30);
    /* count the events before the signal returns: the daemon may report streaming at once */
    read_tel(d.tel, &t);
    int64_t t_clear = now_ms();
    CTL("-c dv_timings_signal_mode=0");
    wait_state(&d, "streaming", t.nstates, 30);
    report_recovery(&d, "started without signal", t_clear, 0);
    assert_int_equal(finish(&d, true, 30), 0);
}

static json_object *find(json_object *arr, const char *key, const char *value)
{
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        json_object *v;
        if (json_object_object_get_ex(o, key, &v) && !strcmp(json_object_get_string(v), value))
            return o;
    }
    return NULL;
}

static void test_list_devices(void **s)
{
    (void)s;
    reset_vivid();
    assert_int_equal(system(BIN " list-devices --json > /tmp/devices.json"), 0);
    json_object *all = json_object_from_file("/tmp/devices.json");
    assert_non_null(all);
    json_object *dev = find(all, "path", DEV);
    assert_non_null(dev);
    assert_string_equal(json_object_get_string(json_object_object_get(dev, "driver")), "vivid");
    json_object *inputs = json_object_object_get(dev, "inputs");
    json_object *hdmi = find(inputs, "name", "HDMI 0"), *cam = find(inputs, "name", "Webcam 0");
    assert_non_null(hdmi);
    assert_non_null(cam);
    assert_true(json_object_get_boolean(json_object_object_get(hdmi, "dv_timings")));
    assert_false(json_object_get_boolean(json_object_object_get(cam, "dv_timings")));
    json_object *yuyv = find(json_object_object_get(dev, "formats"), "fourcc", "YUYV");
    assert_non_null(yuyv);
    assert_true(json_object_get_boolean(json_object_object_get(yuyv, "supported")));
    json_object *sizes = json_object_object_get(yuyv, "sizes");
    bool vga = false;
    for (size_t i = 0; i < json_object_array_length(sizes); i++) {
        json_object *z = json_object_array_get_idx(sizes, i);
        if (json_object_get_int(json_object_object_get(z, "width")) == 640 &&
            json_object_get_int(json_object_object_get(z, "height")) == 480)
            vga = json_object_array_length(json_object_object_get(z, "fps")) > 0;
    }
    assert_true(vga);
    json_object_put(all);
    /* and the text form names the same */
    assert_int_equal(system(BIN " list-devices | grep -q 'input 3: HDMI 0 (DV timings)'"), 0);
    assert_int_equal(system(BIN " list-devices | grep -q 'format YUYV'"), 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_list_devices, cleanup),
        cmocka_unit_test_teardown(test_120_frames, cleanup),
        cmocka_unit_test_teardown(test_formats_and_sizes, cleanup),
        cmocka_unit_test_teardown(test_hdmi_resolution_change, cleanup),
        cmocka_unit_test_teardown(test_hdmi_no_signal, cleanup),
        cmocka_unit_test_teardown(test_starts_without_signal, cleanup),
        cmocka_unit_test_teardown(test_disconnect_and_rebind, cleanup),
        cmocka_unit_test_teardown(test_error_buffers_counted, cleanup),
        cmocka_unit_test_teardown(test_dropped_buffers_counted, cleanup),
        cmocka_unit_test_teardown(test_fatal_streaming_error, cleanup),
        cmocka_unit_test_teardown(test_streamon_error, cleanup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
