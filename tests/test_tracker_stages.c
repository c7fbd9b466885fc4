/* Tracker stages on synthetic inputs with known answers. */
#include "test_util.h"

#include "tracking/tracker.h"

static uint32_t rng = 12345;
static float noise(void)   /* uniform in [-1, 1) */
{
    rng = rng * 1664525u + 1013904223u;
    return (float)(rng >> 8) / (float)(1u << 23) - 1.0f;
}

static void test_tip_on_a_step_profile(void **s)
{
    (void)s;
    /* echo 1.0 along the shaft up to sample 60, speckle-level 0.1 after, with noise */
    float prof[200];
    for (int i = 0; i < 200; i++)
        prof[i] = (i <= 60 ? 1.0f : 0.1f) + 0.15f * noise();
    double px_mm = 0.3;
    /* the run as first found ended 2 samples late; the step puts the tip back */
    int tip = tip_step(prof, 199, 5, 62, px_mm);
    assert_true(abs(tip - 60) <= 1);
    /* and a run that stopped 3 samples early is extended to the step */
    tip = tip_step(prof, 199, 5, 57, px_mm);
    assert_true(abs(tip - 60) <= 1);
}

/* A faint shaft: echo 0.5 over noise of sd 1 on samples 40..159 with two dark gaps (the beam
 * meets it obliquely there), nothing after it but a bright layer 15 samples on. */
static void test_shaft_segment_on_a_faint_profile(void **s)
{
    (void)s;
    float prof[300];
    for (int i = 0; i < 300; i++) {
        bool shaft = i >= 40 && i < 160 && !(i >= 80 && i < 88) && !(i >= 120 && i < 126);
        prof[i] = (shaft ? 0.8f : 0.0f) + 1.7f * noise();   /* uniform: sd 1 */
    }
    for (int i = 175; i < 180; i++)
        prof[i] = 6;   /* brighter than the clip */
    int a, b;
    assert_int_equal(shaft_segment(prof, 300, 0.2, 1.5, &a, &b), 0);
    if (abs(a - 40) > 15 || abs(b - 159) > 15)   /* the ends of a mean shift of 0.8 sd: +-~6 samples sd */
        fail_msg("shaft 40..159 found as %d..%d", a, b);
    /* the run of samples above a threshold breaks up on the same profile: its longest run
     * above 0.4 (half the echo) is a small part of the shaft */
    int run = 0, longest = 0;
    for (int i = 0; i < 300; i++) {
        run = prof[i] > 0.4f ? run + 1 : 0;
        longest = run > longest ? run : longest;
    }
    assert_true(longest < 30);
    /* noise alone gives no long shaft */
    for (int i = 0; i < 300; i++)
        prof[i] = 1.7f * noise();
    if (shaft_segment(prof, 300, 0.2, 1.5, &a, &b) == 0)
        assert_true(b - a < 40);
    for (int i = 0; i < 300; i++)
        prof[i] = -1;
    assert_int_equal(shaft_segment(prof, 300, 0.2, 1.5, &a, &b), -1);
}

/* A shaft whose last part lies against bone: the echo against both sides has ended at 120, the
 * echo against the probe's side goes on to 159 across a short dark gap. */
static void test_shaft_extend_to_bone(void **s)
{
    (void)s;
    float up[300];
    for (int i = 0; i < 300; i++) {
        bool shaft = i >= 40 && i < 160 && !(i >= 130 && i < 134);
        up[i] = (shaft ? 1.0f : 0.0f) + 0.3f * noise();
    }
    int end = shaft_extend(up, 300, 40, 120, 10, 6);
    if (abs(end - 159) > 3)
        fail_msg("shaft carried on to %d, its end is at 159", end);
    /* a gap longer than max_gap is not crossed, however bright what lies beyond */
    for (int i = 120; i < 300; i++)
        up[i] = (i >= 150 && i < 170 ? 3.0f : 0.0f) + 0.3f * noise();
    end = shaft_extend(up, 300, 40, 119, 10, 6);
    if (end > 125)
        fail_msg("shaft ending at 119 carried on to %d, across 30 dark samples", end);
    /* no echo over the probe's side along the shaft: nothing to carry on */
    for (int i = 0; i < 300; i++)
        up[i] = -1;
    assert_int_equal(shaft_extend(up, 300, 40, 119, 10, 6), 119);
}

/* A log-compressed, blurred end of a shaft: amplitude 1 along the needle up to the edge, tissue
 * at 0.15 beyond, blurred by a Gaussian PSF, shown over 60 dB. */
static void test_tip_edge_under_blur(void **s)
{
    (void)s;
    const double step_mm = 0.075, gpd = 219.0 / 60, edge_mm = 6.0;
    for (double sigma = 0.2; sigma <= 0.8; sigma += 0.3) {
        float prof[160];
        for (int i = 0; i < 160; i++) {
            double x = i * step_mm - edge_mm;
            double needle = 0.5 * erfc(x / (sigma * sqrt(2)));   /* the blurred step */
            double amp = sqrt(needle * needle + 0.15 * 0.15);
            prof[i] = (float)(16.5 + gpd * (60 + 20 * log10(amp)) + 3 * noise());
        }
        /* the coarse tip in the middle of the bright tail, as the step search finds it */
        int coarse = (int)lround((edge_mm + 1.2 * sigma) / step_mm);
        double tip = tip_edge(prof, 160, coarse, step_mm, gpd) * step_mm;
        printf("psf sigma %.1f mm: tip at %+.2f mm from the edge (coarse %+.2f)\n", sigma,
               tip - edge_mm, coarse * step_mm - edge_mm);
        assert_true(fabs(tip - edge_mm) < 0.15);   /* half a working pixel */
    }
}

/* A clean synthetic frame: tissue grey with noise, a bright 3 px line from the entry towards
 * the L4 target, ending at 70 % of the way; with bone, the needle's last part runs along a bright
 * ledge of bone (1 mm thick, 10 degrees shallower than the needle, its shadow beneath) and the
 * tip touches it at its edge, as at a target: within 1.5 mm of the needle over its last 5 mm, the
 * bone takes away the shaft's contrast against its far side (without carrying the shaft on
 * against the probe's side, the tip was found 5 mm short). */
static void synthetic_frame(bool bone)
{
    const int W = 640, H = 480;
    ng_plan plan = { .entry = { 150, 40 }, .l4_target = { 400, 340 }, .l5_target = { 360, 350 },
                     .tolerance_mm = 2 };
    ng_rect roi = { 40, 30, 560, 430 };
    tracker_opts o;
    tracker_opts_default(&o, roi, 0.15, &plan);
    tracker *t = tracker_new(&o);
    uint8_t *img = malloc((size_t)W * H);
    /* the true needle is 4 degrees off the plan and 2 mm to the side: within the tolerance */
    double a = atan2(plan.l4_target.y - plan.entry.y, plan.l4_target.x - plan.entry.x) + 4 * M_PI / 180;
    ng_vec2 start = ng_v2(plan.entry.x + 13, plan.entry.y), dir = ng_v2(cos(a), sin(a));
    double len = 0.7 * ng_v2_dist(plan.entry, plan.l4_target);
    ng_vec2 tip = ng_v2_add(start, ng_v2_scale(dir, len));
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double d = ng_dist_point_segment(ng_v2(x, y), start, tip);
            double v = 90 + 25 * noise() + (d < 1.5 ? 90 : 0);
            if (bone) {   /* depth below the surface through the tip, and along it, in mm */
                double b = a - 10 * M_PI / 180;
                double below = (-(x - tip.x) * sin(b) + (y - tip.y) * cos(b)) * 0.15 - 0.2;
                double along = ((x - tip.x) * cos(b) + (y - tip.y) * sin(b)) * 0.15;
                if (below > 0 && along > -10 && along < 0.5)
                    v = below < 1.0 ? 200 + 25 * noise() : 20 + 5 * noise();
            }
            img[y * W + x] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    ng_track m;
    tracker_measure(t, img, W, W, H, &m);
    assert_true(m.found);
    double err_deg = ng_line_angle_diff_deg(m.angle_deg, a * 180 / M_PI);
    double tip_mm = ng_v2_dist(m.tip, tip) * 0.15;
    if (ng_v2_dot(ng_v2_sub(m.tip, tip), dir) < 0)
        tip_mm = -tip_mm;   /* short of the tip */
    printf("synthetic line%s: angle error %.2f deg, tip error %.2f mm, confidence %.2f\n",
           bone ? " against bone" : "", err_deg, tip_mm, m.confidence);
    assert_true(err_deg < 1.0);      /* the Hough peak and its refinement */
    assert_true(fabs(tip_mm) < 1.0);
    assert_true(m.confidence >= TRACK_CONFIDENT);

    /* the same frame without the line: nothing confident */
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double v = 90 + 25 * noise();
            img[y * W + x] = (uint8_t)v;
        }
    tracker_measure(t, img, W, W, H, &m);
    assert_false(m.found && m.confidence >= TRACK_CONFIDENT);
    free(img);
    tracker_free(t);
}

static void test_line_and_tip_on_a_synthetic_frame(void **s)
{
    (void)s;
    synthetic_frame(false);
}

static void test_tip_against_bone_on_a_synthetic_frame(void **s)
{
    (void)s;
    synthetic_frame(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tip_edge_under_blur),
        cmocka_unit_test(test_tip_on_a_step_profile),
        cmocka_unit_test(test_shaft_segment_on_a_faint_profile),
        cmocka_unit_test(test_line_and_tip_on_a_synthetic_frame),
        cmocka_unit_test(test_tip_against_bone_on_a_synthetic_frame),
        cmocka_unit_test(test_shaft_extend_to_bone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
