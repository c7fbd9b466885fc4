/* The threaded pipeline with a fake source (through the source ops table) and a slow consumer:
 * capture is never held back, every frame is processed or counted as skipped, order is kept
 * and the newest frame always gets through. */
#include <stdatomic.h>

#include "test_util.h"

#include "daemon/pipeline.h"
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

    uint64_t got = 0, last_seq = 0;
    bool first = true, in_order = true;
    while (!pipeline_finished(&p) || got == 0 || !first) {
        processed_frame *pf = mailbox_try_take(&p.display);
        if (pf) {
            if (!first && pf->seq <= last_seq)
                in_order = false;
            last_seq = pf->seq;
            first = false;
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

static void test_frame_limit(void **s)
{
    (void)s;
    ng_config cfg;
    config_defaults(&cfg);
    cfg.roi = (ng_rect){ 10, 10, 300, 220 };
    ng_source src = { .ops = &fake_ops };
    ng_errbuf err = { 0 };
    fake_open(&src, NULL, &err);
    char path[256];
    snprintf(path, sizeof path, "%s/t.jsonl", test_tmpdir());
    FILE *tel = fopen(path, "w");
    pipeline p;
    assert_int_equal(pipeline_start(&p, &cfg, &src, tel, 25, 0, NULL, NULL, &err), 0);
    while (!pipeline_finished(&p))
        usleep(1000);
    pipeline_stop(&p);
    fclose(tel);
    assert_int_equal(atomic_load(&p.processed), 25);
    FILE *f = fopen(path, "r");
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        char want[32];
        snprintf(want, sizeof want, "{\"frame\":%d,", n);
        assert_non_null(strstr(line, want));
        assert_non_null(strstr(line, "\"needle\":false,\"tip\":null"));
        assert_non_null(strstr(line, "\"rendered\":false"));   /* no renderer in this test */
        n++;
    }
    fclose(f);
    assert_int_equal(n, 25);
    fake_close(&src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slow_consumer_never_blocks_capture),
        cmocka_unit_test(test_frame_limit),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, NULL, NULL));
}
