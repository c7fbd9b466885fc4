/* tests/soak/verdict.awk, the soak's verdict, on made-up samples: growth judged on the cycles'
 * floors after the warm-up, RSS net of what the threads started leave in the sanitizer, the heap,
 * descriptors, short runs not judged, LeakSanitizer's exit status. */
#include "test_util.h"

enum { STEP = 5, CYCLE = 60, BASE_RSS = 120000, BASE_HEAP = 82000 };
#define MEASURED_KB 4.05   /* soak_thread_cost's figure under LeakSanitizer */

typedef struct {
    int seconds;             /* the run's length; the warm-up is its fifth, at least two cycles */
    double rss_rise_kb;      /* over the run, besides the threads' cost */
    int threads_per_cycle;   /* started by each recording */
    double thread_kb;        /* what each leaves resident (the sanitizer's registry page) */
    double heap_rise_kb;
    int fds_end;             /* descriptors in the last minute (17 before) */
} run;

typedef struct {
    int status;
    char out[4096];
} verdict;

static int warmup_of(const run *r)
{
    int w = 2 * CYCLE;
    return w >= r->seconds / 5 ? w : r->seconds / 5;
}

/* Samples as tests/soak/soak.sh writes them: every other one a peak (an encoder's burst) 30 MB
 * above the floor; the floor and the heap rise evenly; a recording's threads start with it. */
static void write_samples(const char *path, const run *r)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "t_s,rss_kb,fds,threads,recording,frames,fps,cycle,heap_kb,started\n");
    for (int t = 0; t < r->seconds; t += STEP) {
        int cycle = t / CYCLE, started = 9 + r->threads_per_cycle * (cycle + 1);
        double frac = (double)t / r->seconds;
        long rss = BASE_RSS + (long)(r->rss_rise_kb * frac + started * r->thread_kb);
        if ((t / STEP) % 2)
            rss += 30000;
        long heap = BASE_HEAP + (long)(r->heap_rise_kb * frac);
        int fds = t >= r->seconds - CYCLE && r->fds_end ? r->fds_end : 17;
        fprintf(f, "%d,%ld,%d,9,1,%d,60.0,%d,%ld,%d\n", t, rss, fds, t * 60, cycle, heap, started);
    }
    fclose(f);
}

static verdict judge(const run *r, double thread_cost, int rc)
{
    const char *dir = test_tmpdir();
    char samples[128], out[128];
    snprintf(samples, sizeof samples, "%s/samples.csv", dir);
    snprintf(out, sizeof out, "%s/verdict.txt", dir);
    write_samples(samples, r);
    verdict v;
    v.status = test_sh(dir, NULL, 0,
                       "awk -F, -v warm=%d -v rc=%d -v status_fail=0 -v thread_cost=%.2f "
                       "-f tests/soak/verdict.awk %s > %s",
                       warmup_of(r), rc, thread_cost, samples, out);
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    size_t n = fread(v.out, 1, sizeof v.out - 1, f);
    v.out[n] = '\0';
    fclose(f);
    printf("%s", v.out);
    return v;
}

/* The "(+N kB)" at the end of the line that starts with label. */
static int change_on(const verdict *v, const char *label)
{
    const char *line = strstr(v->out, label);
    assert_non_null(line);
    const char *end = strchr(line, '\n'), *open = end;
    assert_non_null(end);
    while (open > line && *open != '(')
        open--;
    int kb = 0;
    assert_int_equal(sscanf(open, "(%d kB)", &kb), 1);
    return kb;
}

static const run an_hour = { .seconds = 3600, .threads_per_cycle = 6, .thread_kb = MEASURED_KB };

/* Judged with the threads' cost given and the daemon's exit status: fails, saying why. */
static verdict failing(const run *r, double thread_cost, int rc, const char *why)
{
    verdict v = judge(r, thread_cost, rc);
    assert_int_equal(v.status, 1);
    assert_non_null(strstr(v.out, why));
    return v;
}

static void test_a_steady_hour_passes(void **s)
{
    (void)s;
    verdict v = judge(&an_hour, MEASURED_KB, 0);
    assert_int_equal(v.status, 0);
    assert_null(strstr(v.out, "FAIL"));
    assert_non_null(strstr(v.out, "threads started after the warm-up: 288"));
    /* raw, the floors climb by the registry's pages: 45 cycles of 6 threads, 4.05 kB each */
    int raw = change_on(&v, "soak: RSS floor (lowest"), net = change_on(&v, "soak: RSS floor net");
    assert_in_range(raw, 1050, 1140);
    assert_true(net >= -2 && net <= 2);   /* cmocka's ranges are unsigned */
    assert_int_equal(change_on(&v, "soak: heap floor"), 0);
}

static void test_the_threads_cost_unmeasured_is_growth(void **s)
{
    (void)s;
    run r = an_hour;
    r.threads_per_cycle = 12;   /* 2.3 MB of registry pages in the hour */
    assert_int_equal(judge(&r, MEASURED_KB, 0).status, 0);
    failing(&r, 0, 0, "soak: FAIL: RSS grew more than 1 MB");
}

static void test_growth_beyond_the_threads_fails(void **s)
{
    (void)s;
    run r = an_hour;
    r.rss_rise_kb = 1600;   /* over the hour; some 1.3 MB of it after the warm-up */
    verdict v = failing(&r, MEASURED_KB, 0, "soak: FAIL: RSS grew more than 1 MB");
    assert_in_range(change_on(&v, "soak: RSS floor net"), 1025, 1400);
    assert_null(strstr(v.out, "heap grew"));
}

static void test_heap_growth_fails(void **s)
{
    (void)s;
    run r = an_hour;
    r.heap_rise_kb = 2048;
    verdict v = failing(&r, MEASURED_KB, 0, "soak: FAIL: the heap grew more than 1 MB");
    assert_null(strstr(v.out, "RSS grew"));
}

static void test_a_short_run_is_not_judged_on_memory(void **s)
{
    (void)s;
    run r = { .seconds = 600, .rss_rise_kb = 8000, .heap_rise_kb = 8000 };
    verdict v = judge(&r, MEASURED_KB, 0);
    assert_int_equal(v.status, 0);
    assert_non_null(strstr(v.out, "RSS and heap not judged: 7 complete cycles"));
    assert_null(strstr(v.out, "FAIL"));
}

static void test_descriptors_that_stay_fail(void **s)
{
    (void)s;
    run r = an_hour;
    r.fds_end = 18;
    failing(&r, MEASURED_KB, 0, "soak: FAIL: descriptors grew");
}

static void test_a_leak_report_fails(void **s)
{
    (void)s;
    failing(&an_hour, MEASURED_KB, 23, "soak: FAIL: LeakSanitizer reported leaks");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_steady_hour_passes),
        cmocka_unit_test(test_the_threads_cost_unmeasured_is_growth),
        cmocka_unit_test(test_growth_beyond_the_threads_fails),
        cmocka_unit_test(test_heap_growth_fails),
        cmocka_unit_test(test_a_short_run_is_not_judged_on_memory),
        cmocka_unit_test(test_descriptors_that_stay_fail),
        cmocka_unit_test(test_a_leak_report_fails),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, NULL, NULL));
}
