/* The benchmark's stage accounting: each stage is the gap between two of a frame's time stamps,
 * the warm-up is left out, frames missing between the first and last counted are drops, and the
 * CPU is the process's over the counted frames' stretch of the clock. */
#include <math.h>
#include <time.h>

#include "test_util.h"

#include "daemon/stage_stats.h"
#include "util/clock.h"

#define MS 1000000LL

/* A frame whose stages took 1, 2, 3, 4, 5 ms (dequeue .. guide) plus k ms of tracking. */
static processed_frame frame(uint64_t seq, int64_t t0, int64_t k)
{
    processed_frame pf = { .seq = seq, .t_capture_ns = t0 };
    pf.t_dequeued_ns = t0 + 1 * MS;
    pf.t_taken_ns = pf.t_dequeued_ns + 2 * MS;
    pf.t_converted_ns = pf.t_taken_ns + 3 * MS;
    pf.t_tracked_ns = pf.t_converted_ns + (4 + k) * MS;
    pf.t_done_ns = pf.t_tracked_ns + 5 * MS;
    return pf;
}

static void test_stages_and_percentiles(void **s)
{
    (void)s;
    stage_stats st = { 0 };
    for (int i = 0; i < 100; i++) {
        processed_frame pf = frame((uint64_t)i, i * 16 * MS, i == 99 ? 50 : i % 2);
        int64_t draw = pf.t_done_ns + 6 * MS;
        assert_int_equal(stage_stats_add(&st, &pf, draw, draw + 7 * MS, draw + 15 * MS), 0);
    }
    assert_int_equal(st.n, 100);
    const double want[] = { 1, 2, 3, -1, 5, 6, 7, 8 };
    for (int i = 0; i < STAGE_TOTAL; i++) {
        if (i == STAGE_TRACK)
            continue;
        stage_summary sum = stage_stats_summary(&st, (stage_id)i);
        assert_true(fabs(sum.p50 - want[i]) < 1e-9 && fabs(sum.max - want[i]) < 1e-9);
    }
    stage_summary tr = stage_stats_summary(&st, STAGE_TRACK);
    assert_true(fabs(tr.p50 - 4) < 1e-9);    /* half 4 ms, half 5 ms: nearest rank 50 % is 4 */
    assert_true(fabs(tr.p99 - 5) < 1e-9);    /* the one 54 ms frame is beyond the 99th */
    assert_true(fabs(tr.max - 54) < 1e-9);
    stage_summary total = stage_stats_summary(&st, STAGE_TOTAL);
    assert_true(fabs(total.p50 - (1 + 2 + 3 + 4 + 5 + 6 + 7 + 8)) < 1e-9);
    assert_int_equal(stage_stats_dropped(&st), 0);
    assert_string_equal(stage_name(STAGE_CONVERT), "convert");
    stage_stats_free(&st);
    assert_true(isnan(stage_stats_summary(&st, STAGE_TOTAL).p50));   /* nothing counted */
}

static void test_warmup_and_drops(void **s)
{
    (void)s;
    stage_stats st = { .warmup = 3 };
    const uint64_t seqs[] = { 0, 1, 2, /* counted: */ 5, 6, 9, 10 };
    for (size_t i = 0; i < sizeof seqs / sizeof *seqs; i++) {
        processed_frame pf = frame(seqs[i], (int64_t)i * 16 * MS, 0);
        stage_stats_add(&st, &pf, pf.t_done_ns, pf.t_done_ns, pf.t_done_ns);
    }
    assert_int_equal(st.n, 4);
    assert_int_equal(st.first_seq, 5);
    assert_int_equal(stage_stats_dropped(&st), 2);   /* 7 and 8 never reached the screen */
    stage_stats_free(&st);
}

/* Burns this much of the process's CPU time. */
static void spin_cpu(int64_t ns)
{
    int64_t until = ng_process_cpu_ns() + ns;
    volatile unsigned x = 0;
    while (ng_process_cpu_ns() < until)
        for (int i = 0; i < 1000; i++)
            x += (unsigned)i;
}

static void add_frame(stage_stats *st, uint64_t seq)
{
    processed_frame pf = frame(seq, 0, 0);
    assert_int_equal(stage_stats_add(st, &pf, pf.t_done_ns, pf.t_done_ns, pf.t_done_ns), 0);
}

/* The CPU the process takes between the first and last frame counted, per core of the clock's
 * time: the warm-up's CPU left out, a stretch asleep near 0 %, a stretch of 100 ms of CPU at
 * least 100 ms of it. */
static void test_cpu_after_the_warmup(void **s)
{
    (void)s;
    stage_stats st = { .warmup = 1 };
    add_frame(&st, 0);               /* warm-up */
    spin_cpu(100 * MS);              /* what starting up costs: not counted */
    add_frame(&st, 1);
    assert_true(isnan(stage_stats_cpu_percent(&st)));   /* one frame: no stretch yet */
    struct timespec nap = { 0, 150 * MS };
    nanosleep(&nap, NULL);
    add_frame(&st, 2);
    double asleep = stage_stats_cpu_percent(&st);
    assert_true(asleep >= 0 && asleep < 20);
    int64_t w0 = st.wall_ns[0], c0 = ng_process_cpu_ns();
    spin_cpu(100 * MS);
    add_frame(&st, 3);
    int64_t spun = ng_process_cpu_ns() - c0, wall = st.wall_ns[1] - w0;
    /* (asleep + spinning) per the clock's whole stretch: the spin's share of it, give or take
     * the test's own instructions */
    double want = 100.0 * (double)spun / (double)wall;
    double got = stage_stats_cpu_percent(&st);
    assert_true(fabs(got - want) < 5);
    assert_true(got > 100.0 * 100 / (double)(wall / MS + 1) - 5);
    stage_stats_free(&st);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stages_and_percentiles),
        cmocka_unit_test(test_warmup_and_drops),
        cmocka_unit_test(test_cpu_after_the_warmup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
