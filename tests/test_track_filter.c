/* The temporal filter on synthetic measurements with known answers. */
#include "test_util.h"

#include "tracking/track_filter.h"

static track_filter F;

static ng_track meas(double x, double y, double angle)
{
    double a = angle * M_PI / 180;
    ng_track m = { .found = true, .tip = ng_v2(x, y), .angle_deg = angle, .confidence = 0.9 };
    m.shaft_start = ng_v2_sub(m.tip, ng_v2_scale(ng_v2(cos(a), sin(a)), 100));
    return m;
}

static const ng_track none = { 0 };

static int setup(void **s)
{
    (void)s;
    track_filter_opts o;
    track_filter_opts_default(&o, 0.1);   /* 0.1 mm per pixel: 10 px per mm */
    /* The filter's mechanics under a fixed calibration: the shipped weights are data, refitted
     * by make calibrate-confidence (test_fitted_calibration checks they are sane). Under these
     * a score of 0.9 is confident from the second sighting on. */
    static const double fixed[4] = { -4.806, 5.785, 1.126, -0.239 };
    memcpy(o.calib, fixed, sizeof fixed);
    track_filter_init(&F, &o);
    return 0;
}

/* Whatever the fit, the chance of being right grows with the frame's score and the track's age
 * and falls when coasting; a long-held strong needle is confident, a faint new one is not. */
static void test_fitted_calibration(void **s)
{
    (void)s;
    track_filter_opts o;
    track_filter_opts_default(&o, 0.1);
    assert_true(o.calib[1] > 0 && o.calib[2] > 0 && o.calib[3] < 0);
    double held = o.calib[0] + o.calib[1] * 0.9 + o.calib[2] * 1.0;
    double fresh = o.calib[0] + o.calib[1] * 0.3 + o.calib[2] * 0.2;
    assert_true(held > 0);    /* > 50 % */
    assert_true(fresh < 0);
}

static void test_confirmation_before_reporting(void **s)
{
    (void)s;
    ng_track out, m = meas(100, 100, 50);
    track_filter_update(&F, &m, &out);
    assert_false(out.found);                 /* one sighting is not a needle yet */
    track_filter_update(&F, &none, &out);
    track_filter_update(&F, &m, &out);
    assert_false(out.found);                 /* sightings must be consecutive */
    track_filter_update(&F, &m, &out);
    assert_true(out.found);
    assert_true(ng_v2_dist(out.tip, m.tip) < 1e-9);
    assert_true(out.confidence >= TRACK_CONFIDENT);
}

static void test_gating_rejects_an_outlier(void **s)
{
    (void)s;
    ng_track out, m = meas(100, 100, 50);
    track_filter_update(&F, &m, &out);
    track_filter_update(&F, &m, &out);
    ng_track wild = meas(300, 100, 50);      /* 20 mm away for one frame */
    track_filter_update(&F, &wild, &out);
    assert_true(out.found);
    assert_true(ng_v2_dist(out.tip, m.tip) < 5);          /* held, not followed */
    assert_true(out.confidence < TRACK_CONFIDENT);        /* and shown as uncertain */
    track_filter_update(&F, &m, &out);
    assert_true(ng_v2_dist(out.tip, m.tip) < 5);
    assert_true(out.confidence >= TRACK_CONFIDENT);
}

static void test_gate_is_wider_along_the_shaft(void **s)
{
    (void)s;
    ng_track out;
    double a = 50 * M_PI / 180;
    ng_vec2 d = ng_v2(cos(a), sin(a)), n = ng_v2(-sin(a), cos(a));
    for (int i = 0; i < 3; i++) {
        ng_track m = meas(300, 300, 50);
        track_filter_update(&F, &m, &out);
    }
    /* a quick withdrawal: 6 mm back along the shaft per frame, followed at once */
    for (int i = 1; i <= 3; i++) {
        ng_vec2 p = ng_v2_sub(ng_v2(300, 300), ng_v2_scale(d, 60.0 * i));
        ng_track m = meas(p.x, p.y, 50);
        track_filter_update(&F, &m, &out);
        assert_true(out.confidence >= TRACK_CONFIDENT);
        assert_true(ng_v2_dist(out.tip, p) < 40);
    }
    /* the same tip 5 mm across the shaft for a frame: an outlier, held */
    ng_vec2 held = out.tip;
    ng_vec2 p = ng_v2_add(held, ng_v2_scale(n, 50));
    ng_track side = meas(p.x, p.y, 50);
    track_filter_update(&F, &side, &out);
    assert_true(out.confidence < TRACK_CONFIDENT);
    assert_true(fabs(ng_v2_dot(ng_v2_sub(out.tip, held), n)) < 5);
}

static void test_calibrated_confidence(void **s)
{
    (void)s;
    ng_track out, strong = meas(100, 100, 50), weak = strong;
    weak.confidence = 0.2;
    for (int i = 0; i < 12; i++)
        track_filter_update(&F, &strong, &out);
    /* the features behind it: this frame's score, the track's age (capped at 10), coasting */
    assert_true(fabs(out.features[0] - 0.9) < 1e-9);
    assert_true(fabs(out.features[1] - 1.0) < 1e-9);
    assert_true(out.features[2] == 0);
    double z = F.o.calib[0] + F.o.calib[1] * 0.9 + F.o.calib[2] * 1.0;
    assert_true(fabs(out.confidence - 1 / (1 + exp(-z))) < 1e-9);
    double confident = out.confidence;
    track_filter_update(&F, &weak, &out);   /* a faint measurement of the same needle */
    assert_true(out.found && out.confidence < confident);
    track_filter_update(&F, &none, &out);   /* coasting: never confident, whatever the fit */
    assert_true(out.features[2] == 1);
    assert_true(out.confidence < TRACK_CONFIDENT);
    /* one frame without the needle costs the track half its standing, not all of it (11 updates
     * since confirmation: 5 left, 6 with the next); misses in a row halve it again each */
    track_filter_update(&F, &strong, &out);
    assert_true(fabs(out.features[1] - 0.6) < 1e-9);
    track_filter_update(&F, &none, &out);
    track_filter_update(&F, &none, &out);
    track_filter_update(&F, &strong, &out);
    assert_true(fabs(out.features[1] - 0.2) < 1e-9);
}

static void test_smooths_and_follows_motion(void **s)
{
    (void)s;
    ng_track out;
    for (int i = 0; i < 30; i++) {
        ng_track m = meas(100 + 3 * i + (i % 2 ? 2 : -2), 100 + 4 * i, 50 + (i % 2 ? 1 : -1));
        track_filter_update(&F, &m, &out);
    }
    /* steady advance of 5 px/frame with +-2 px jitter: the estimate is on the true path */
    assert_true(out.found);
    assert_true(ng_v2_dist(out.tip, ng_v2(100 + 3 * 29, 100 + 4 * 29)) < 3);
    assert_true(fabs(out.angle_deg - 50) < 1);
}

static void test_lost_then_reacquired(void **s)
{
    (void)s;
    ng_track out, m = meas(100, 100, 50);
    track_filter_update(&F, &m, &out);
    track_filter_update(&F, &m, &out);
    assert_true(out.found);
    int coasted = 0;
    for (int i = 0; i < 10; i++) {
        track_filter_update(&F, &none, &out);
        coasted += out.found;
    }
    assert_int_equal(coasted, F.o.coast);    /* a short coast, then lost */
    assert_int_equal(F.state, TF_LOST);
    assert_false(out.found);
    ng_track back = meas(150, 160, 55);
    track_filter_update(&F, &back, &out);
    track_filter_update(&F, &back, &out);
    assert_true(out.found);                  /* re-acquired in `confirm` frames */
    assert_true(ng_v2_dist(out.tip, back.tip) < 1e-9);
}

static void test_redirection_picked_up(void **s)
{
    (void)s;
    ng_track out;
    for (int i = 0; i < 5; i++) {
        ng_track m = meas(100, 100, 50);
        track_filter_update(&F, &m, &out);
    }
    /* the needle is redirected: 8 degrees steeper, tip elsewhere, from now on */
    int frames = 0;
    do {
        ng_track m = meas(90, 130, 58);
        track_filter_update(&F, &m, &out);
        frames++;
    } while (fabs(out.angle_deg - 58) > 0.5 && frames < 20);
    assert_true(frames <= F.o.confirm);
    assert_true(out.confidence >= TRACK_CONFIDENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_confirmation_before_reporting, setup),
        cmocka_unit_test_setup(test_gating_rejects_an_outlier, setup),
        cmocka_unit_test_setup(test_gate_is_wider_along_the_shaft, setup),
        cmocka_unit_test_setup(test_calibrated_confidence, setup),
        cmocka_unit_test(test_fitted_calibration),
        cmocka_unit_test_setup(test_smooths_and_follows_motion, setup),
        cmocka_unit_test_setup(test_lost_then_reacquired, setup),
        cmocka_unit_test_setup(test_redirection_picked_up, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
