/* The threaded pipeline with a fake source (through the source ops table) and a slow consumer:
 * capture is never held back, every frame is processed or counted as skipped, order is kept
 * and the newest frame always gets through. */
#include <stdatomic.h>
#include <unistd.h>

#include "test_util.h"

#include "daemon/pipeline.h"
#include "test_jpeg.h"
#include "thread_by_name.h"
#include "util/clock.h"

#define N_FRAMES 300

typedef struct {
    uint64_t seq;
    int64_t max_gap_ns, last_ns;
} fake_state;

static int fake_open(ng_source *src, const ng_source_spec *spec, ng_errbuf *err)
{
    (void)spec; (void)err;
    src->priv = calloc(1, sizeof(fake_state));
    src->width = 320;
    src->height = 240;
    return 0;
}

static ng_source_status fake_next(ng_source *src, ng_frame **out, ng_errbuf *err)
{
    fake_state *s = src->priv;
    int64_t now = ng_now_ns();
    if (s->last_ns && now - s->last_ns > s->max_gap_ns)
        s->max_gap_ns = now - s->last_ns;
    if (s->seq == N_FRAMES) {
        ng_err_add(err, "fake: end");
        return NG_SRC_EOF;
    }
    ng_frame *f = frame_alloc(NG_PIX_I420, 320, 240);
    memset(f->data, 100, f->size);
    f->seq = s->seq++;
    f->t_capture_ns = now;
    *out = f;
    usleep(1000);   /* a 1 kHz "card" */
    s->last_ns = ng_now_ns();
    return NG_SRC_FRAME;
}

static void fake_close(ng_source *src) { free(src->priv); }

static const ng_source_ops fake_ops = { "fake", fake_open, fake_next, fake_close };

static atomic_int wakes;
static void on_wake(void *ctx) { (void)ctx; atomic_fetch_add(&wakes, 1); }

static void test_slow_consumer_never_blocks_capture(void **s)
{
    (void)s;
    ng_config cfg;
    config_defaults(&cfg);
    cfg.roi = (ng_rect){ 10, 10, 300, 220 };
    ng_source src = { .ops = &fake_ops };
    ng_errbuf err = { 0 };
    assert_int_equal(fake_open(&src, NULL, &err), 0);
    pipeline p;
    assert_int_equal(pipeline_start(&p, &cfg, &src, NULL, 0, 0, on_wake, NULL, &err), 0);
    assert_true(thread_by_name(getpid(), "ng-capture") > 0);
    assert_true(thread_by_name(getpid(), "ng-process") > 0);

    uint64_t got = 0, last_seq = 0;
    bool first = true, in_order = true;
    while (!pipeline_finished(&p) || got == 0 || !first) {
        processed_frame *pf = mailbox_try_take(&p.display);
        if (pf) {
            if (!first && pf->seq <= last_seq)
                in_order = false;
            last_seq = pf->seq;
            first = false;
            /* an I420 frame goes to the display as captured, for it to convert */
            assert_non_null(pf->captured);
            assert_null(pf->argb);
            assert_int_equal(pf->captured->seq, pf->seq);
            got++;
            processed_frame_free(pf);
            usleep(100000);  /* a renderer far slower than capture */
        } else if (pipeline_finished(&p)) {
            break;
        } else {
            usleep(1000);
        }
    }
    pipeline_stop(&p);
    fake_state *fs = src.priv;
    uint64_t processed = atomic_load(&p.processed);
    /* Every captured frame was processed or skipped before processing. */
    assert_int_equal(processed + mailbox_skipped(&p.captured), N_FRAMES);
    assert_true(got < N_FRAMES / 2);            /* the consumer really was slow... */
    assert_true(fs->max_gap_ns < 60000000LL);   /* ...yet capture never waited for it */
    assert_true(in_order);
    assert_int_equal(last_seq, N_FRAMES - 1);   /* the newest frame always arrives */
    assert_int_equal(atomic_load(&p.status), SOURCE_ENDED);
    assert_true(atomic_load(&wakes) >= (int)got);
    fake_close(&src);
}

/* A pipeline on the fake card for `frames` frames, its telemetry to TMP/name (path filled);
 * cfg may carry a plan. */
typedef struct {
    ng_config cfg;
    ng_source src;
    pipeline p;
    FILE *tel;
    char path[256];
} fake_run;

static void fake_run_start(fake_run *r, const char *name, uint64_t frames, const ng_plan *plan)
{
    config_defaults(&r->cfg);
    r->cfg.roi = (ng_rect){ 10, 10, 300, 220 };
    if (plan)
        r->cfg.plan = *plan;
    /* every frame processed, however slow the machine (or a sanitizer) makes processing */
    r->src = (ng_source){ .ops = &fake_ops, .opts.every_frame = true };
    ng_errbuf err = { 0 };
    fake_open(&r->src, NULL, &err);
    snprintf(r->path, sizeof r->path, "%s/%s", test_tmpdir(), name);
    r->tel = fopen(r->path, "w");
    pipeline_io io = { .telemetry = r->tel };
    assert_int_equal(pipeline_start(&r->p, &r->cfg, &r->src, &io, frames, 0, NULL, NULL, &err), 0);
}

/* Waits for the frame limit, stops, closes the telemetry. */
static void fake_run_finish(fake_run *r)
{
    while (!pipeline_finished(&r->p))
        usleep(1000);
    pipeline_stop(&r->p);
    fclose(r->tel);
    fake_close(&r->src);
}

static void test_frame_limit(void **s)
{
    (void)s;
    static fake_run r;
    fake_run_start(&r, "t.jsonl", 25, NULL);
    fake_run_finish(&r);
    assert_int_equal(atomic_load(&r.p.processed), 25);
    FILE *f = fopen(r.path, "r");
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char want[32];
        snprintf(want, sizeof want, "{\"frame\":%d,", n);
        assert_non_null(strstr(line, want));
        assert_non_null(strstr(line, "\"needle\":false,\"tip\":null"));
        assert_non_null(strstr(line, "\"rendered\":false"));   /* no renderer in this test */
        /* the fake card sends one picture over and over: still since the first frame */
        double t_ms = atof(strstr(line, "\"t_ms\":") + 7), still = atof(strstr(line, "\"still_ms\":") + 11);
        static double t0;
        if (n == 0)
            t0 = t_ms;
        assert_true(fabs(still - (t_ms - t0)) <= 0.5);
        n++;
    }
    fclose(f);
    assert_int_equal(n, 25);
}

/* Keys N/B and the control socket force phases from another thread: each change is an event
 * line with "auto":false; stepping back from idle changes nothing. */
static void test_forced_phase_changes_are_events(void **s)
{
    (void)s;
    static fake_run r;
    fake_run_start(&r, "forced.jsonl", 25, NULL);
    pipeline *p = &r.p;
    assert_true(pipeline_phase_step(p, +1));
    assert_true(pipeline_phase_step(p, -1));
    assert_false(pipeline_phase_step(p, -1));
    assert_true(pipeline_phase_set(p, PHASE_L5_APPROACH));
    assert_false(pipeline_phase_set(p, PHASE_L5_APPROACH));
    fake_run_finish(&r);
    static const char *const want[] = {
        "\"from\":\"idle\",\"to\":\"l4_approach\"",
        "\"from\":\"l4_approach\",\"to\":\"idle\"",
        "\"from\":\"idle\",\"to\":\"l5_approach\"",
    };
    FILE *f = fopen(r.path, "r");
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (!strstr(line, "\"auto\":false"))
            continue;
        assert_true(n < 3);
        assert_non_null(strstr(line, "{\"event\":\"phase\","));
        assert_non_null(strstr(line, want[n]));
        n++;
    }
    fclose(f);
    assert_int_equal(n, 3);
}

/* A plan made live (planning mode, later the control socket) is what the next frames guide to. */
static void test_new_plan_applies(void **s)
{
    (void)s;
    static const ng_plan plan = { .entry = { 20, 20 }, .l4_target = { 150, 150 },
                                  .l5_target = { 130, 160 }, .tolerance_mm = 2 };
    static fake_run r;
    fake_run_start(&r, "plan.jsonl", 60, &plan);
    while (atomic_load(&r.p.processed) < 10)
        usleep(500);
    ng_plan np = plan;
    np.l4_target = ng_v2(200, 120);
    pipeline_set_plan(&r.p, &np);
    fake_run_finish(&r);
    FILE *f = fopen(r.path, "r");
    char line[2048], last[2048] = "", first[2048] = "";
    while (fgets(line, sizeof line, f)) {
        if (!strstr(line, "\"frame\""))
            continue;
        if (!first[0])
            strcpy(first, line);
        strcpy(last, line);
    }
    fclose(f);
    assert_non_null(strstr(first, "\"target_px\":[150.00,150.00]"));
    assert_non_null(strstr(last, "\"target_px\":[200.00,120.00]"));
}

/* A card sending MJPEG where every other frame is corrupt or cut short. */
static uint8_t *jpeg;
static size_t jpeg_size;
static int mjpeg_sent;

static ng_source_status mjpeg_next(ng_source *src, ng_frame **out, ng_errbuf *err)
{
    (void)src; (void)err;
    if (mjpeg_sent == 20)
        return NG_SRC_EOF;
    usleep(20000);   /* slow enough that nothing is skipped */
    int n = mjpeg_sent++;
    size_t size = n % 4 == 1 ? jpeg_size / 3 : jpeg_size;   /* truncated */
    ng_frame *f = frame_alloc_compressed(NG_PIX_MJPEG, 64, 48, size);
    memcpy(f->data, jpeg, size);
    if (n % 4 == 3)
        memset(f->data + 2, 0x5A, 100);   /* wrecked headers */
    f->seq = (uint64_t)n;
    f->t_capture_ns = ng_now_ns();
    *out = f;
    return NG_SRC_FRAME;
}

static int mjpeg_open(ng_source *src, const ng_source_spec *spec, ng_errbuf *err)
{
    (void)spec; (void)err;
    src->width = 64;
    src->height = 48;
    return 0;
}

static void mjpeg_close(ng_source *src) { (void)src; }

static const ng_source_ops mjpeg_ops = { "mjpeg", mjpeg_open, mjpeg_next, mjpeg_close };

static void test_corrupt_mjpeg_skipped_and_counted(void **s)
{
    (void)s;
    uint8_t argb[64 * 48 * 4];
    memset(argb, 128, sizeof argb);
    jpeg_size = test_encode_jpeg(argb, 64, 48, &jpeg);
    ng_config cfg;
    config_defaults(&cfg);
    cfg.roi = (ng_rect){ 0, 0, 64, 48 };
    ng_source src = { .ops = &mjpeg_ops };
    ng_errbuf err = { 0 };
    mjpeg_open(&src, NULL, &err);
    pipeline p;
    assert_int_equal(pipeline_start(&p, &cfg, &src, NULL, 0, 0, NULL, NULL, &err), 0);
    while (!pipeline_finished(&p))
        usleep(1000);
    pipeline_stop(&p);
    /* frames 1, 5, 9, ... are cut short (libjpeg may still decode a cut scan, padded);
     * frames 3, 7, 11, ... have wrecked headers and never decode */
    uint64_t corrupt = atomic_load(&p.corrupt), processed = atomic_load(&p.processed);
    printf("mjpeg: 20 frames, %llu decoded, %llu undecodable\n", (unsigned long long)processed,
           (unsigned long long)corrupt);
    assert_int_equal(processed + corrupt, 20);
    assert_true(corrupt >= 5);
    assert_true(processed >= 10);
    free(jpeg);
}

/* What the systemd watchdog is fed on: idle is alive, a frame taken moments ago is alive, one
 * taken longer ago than the bound is stuck. */
static void test_alive_unless_stuck_on_a_frame(void **s)
{
    (void)s;
    pipeline p;
    memset(&p, 0, sizeof p);
    atomic_init(&p.busy_since_ns, 0);
    int64_t now = 100000000000LL, bound = 5000000000LL;
    assert_true(pipeline_alive(&p, now, bound));
    atomic_store(&p.busy_since_ns, now - 4000000LL);
    assert_true(pipeline_alive(&p, now, bound));
    atomic_store(&p.busy_since_ns, now - bound);
    assert_false(pipeline_alive(&p, now, bound));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slow_consumer_never_blocks_capture),
        cmocka_unit_test(test_frame_limit),
        cmocka_unit_test(test_forced_phase_changes_are_events),
        cmocka_unit_test(test_new_plan_applies),
        cmocka_unit_test(test_corrupt_mjpeg_skipped_and_counted),
        cmocka_unit_test(test_alive_unless_stuck_on_a_frame),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, NULL, NULL));
}
