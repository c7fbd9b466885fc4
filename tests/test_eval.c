/* eval's metrics on hand-made tracks with known answers. */
#include "test_util.h"

#include "tracking/eval.h"

static void test_scores(void **s)
{
    (void)s;
    /* 10 frames: 0-1 empty, 2-7 needle, 8 empty, 9 needle again. mm_per_px 0.1. */
    eval_truth t[10];
    eval_track k[10];
    memset(t, 0, sizeof t);
    memset(k, 0, sizeof k);
    for (int i = 2; i <= 7; i++) {
        t[i] = (eval_truth){ true, ng_v2(100, 100), 45, NAN };
        k[i] = (eval_track){ .needle = true, .tip = ng_v2(100 + i, 100), .angle_deg = 45 + i * 0.1 };   /* error i px = 0.i mm */
    }
    k[2].needle = false;                  /* found one frame late */
    k[7].tip = ng_v2(200, 100);           /* 10 mm off: reported, not detected */
    k[1] = (eval_track){ .needle = true, .tip = ng_v2(5, 5) };   /* a false positive */
    t[9] = (eval_truth){ true, ng_v2(50, 50), 45, NAN };
    k[9] = (eval_track){ .needle = true, .tip = ng_v2(50, 50), .angle_deg = 45 };
    eval_stats st;
    eval_score(t, k, 10, 0.1, &st);
    assert_int_equal(st.needle_frames, 7);
    assert_int_equal(st.found, 6);
    assert_int_equal(st.detected, 5);               /* 3,4,5,6,9 */
    assert_int_equal(st.empty_frames, 3);
    assert_int_equal(st.false_pos, 1);
    /* tip errors: 0.3 0.4 0.5 0.6 10 0 -> sorted 0 .3 .4 .5 .6 10: median (rank 3) = 0.4 */
    assert_true(fabs(st.tip_median_mm - 0.4) < 1e-9);
    assert_true(fabs(st.tip_p90_mm - 10.0) < 1e-9);
    assert_true(fabs(st.angle_median_deg - 0.4) < 1e-9);
    /* reappearances: at frame 2 (found at 3: one frame late) and at frame 9 (at once) */
    assert_int_equal(st.reacquisitions, 2);
    assert_true(fabs(st.reacq_mean_frames - 0.5) < 1e-9);
    assert_true(fabs(st.reacq_max_frames - 1) < 1e-9);
}

/* Frames whose tip is right with a known logistic chance of three features: the fit finds the
 * weights back, and the reliability table reports the right fractions. */
static void test_fit_confidence(void **s)
{
    (void)s;
    enum { N = 6000 };
    const double want[4] = { -2.0, 4.0, 1.0, -1.5 };
    eval_truth *t = calloc(N, sizeof *t);
    eval_track *k = calloc(N, sizeof *k);
    uint32_t rng = 99;
    for (int i = 0; i < N; i++) {
        double x[3] = { (i % 101) / 100.0, (i % 11) / 10.0, i % 3 == 0 };
        double p = 1 / (1 + exp(-(want[0] + want[1] * x[0] + want[2] * x[1] + want[3] * x[2])));
        rng = rng * 1664525u + 1013904223u;
        bool right = (rng >> 8) / (double)(1u << 24) < p;
        t[i] = (eval_truth){ .visible = true, .tip = ng_v2(100, 100), .contrast_db = NAN };
        k[i] = (eval_track){ .needle = true, .reported = true, .has_features = true,
                             .tip = right ? ng_v2(101, 100) : ng_v2(160, 100), .confidence = p };
        memcpy(k[i].features, x, sizeof x);
    }
    double w[4];
    assert_int_equal(eval_fit_confidence(t, k, N, 0.15, w), N);
    printf("fitted { %.2f, %.2f, %.2f, %.2f }, true { -2, 4, 1, -1.5 }\n", w[0], w[1], w[2], w[3]);
    for (int j = 0; j < 4; j++)
        assert_true(fabs(w[j] - want[j]) < 0.4);
    /* frames without features take no part */
    for (int i = 0; i < N; i += 2)
        k[i].has_features = false;
    assert_int_equal(eval_fit_confidence(t, k, N, 0.15, w), N / 2);

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    eval_print_reliability(f, t, k, N, 0.15);
    fclose(f);
    assert_non_null(strstr(text, "Brier score"));
    free(text);
    free(t);
    free(k);
}

static void test_cli_errors(void **s)
{
    (void)s;
    char gt[128], tr[128], cmd[512];
    snprintf(gt, sizeof gt, "%s/gt.jsonl", test_tmpdir());
    snprintf(tr, sizeof tr, "%s/tr.jsonl", test_tmpdir());
    test_write_file(gt, "{\"frame\":0,\"needle\":true,\"tip\":[1,2],\"angle_deg\":40}\n");
    test_write_file(tr, "{\"frame\":0,\"needle\":true}\n");
    snprintf(cmd, sizeof cmd, NG_BUILD_DIR "/needleguide eval --truth %s --track %s --mm-per-px 0.1 "
             "2>%s/err.txt", gt, tr, test_tmpdir());
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);   /* a needle without a tip, named by line */
    snprintf(cmd, sizeof cmd, "grep -q 'tr.jsonl:1: needle without a tip' %s/err.txt", test_tmpdir());
    assert_int_equal(system(cmd), 0);
    test_write_file(tr, "{\"frame\":0,\"needle\":true,\"tip\":[1,2],\"angle_deg\":41}\n");
    snprintf(cmd, sizeof cmd, NG_BUILD_DIR "/needleguide eval --truth %s --track %s --mm-per-px 0.1 "
             "| grep -q '^all .* 100.0%%'", gt, tr);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, NG_BUILD_DIR "/needleguide eval --truth %s --track %s --mm-per-px x "
             "2>/dev/null", gt, tr);
    assert_int_equal(WEXITSTATUS(system(cmd)), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scores),
        cmocka_unit_test(test_fit_confidence),
        cmocka_unit_test(test_cli_errors),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, NULL, NULL));
}
