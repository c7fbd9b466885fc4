/* The baseline tracker on the simulator's scripted procedure, scored against ground truth. */
#include <math.h>

#include "test_util.h"

#include "sim/sim_render.h"
#include "sim/sim_scene.h"
#include "tracking/tracker.h"

typedef struct {
    int needle_frames, found, near, empty_frames, false_pos;
    double tip_err_sum, angle_err_sum;
} score;

/* moving: breathing and tremor on, speckle sliding with the tissue; temporal_weight: the
 * tracker's temporal cue (tracking/motion.h). */
static void run_scenario_at(int width, int height, unsigned seed, int frames, int step, bool moving,
                            double temporal_weight, score *sc)
{
    /* The regression guard's own scenario, independent of the simulator's defaults: the plain
     * image the bars below were set on (no screen text, no probe motion, no persistence). */
    sim_scene_layout l;
    sim_scene_layout_for_screen(&l, width, height);
    if (!moving)
        l.breath_mm = l.tremor_mm = 0;
    sim_params p;
    sim_params_plain(&p);
    p.speckle_slides = moving;
    sim_renderer *r = sim_renderer_new(&l, &p, seed);
    tracker_opts o;
    tracker_opts_default(&o, l.roi, l.mm_per_px, &l.plan);
    o.temporal_weight = temporal_weight;
    tracker *t = tracker_new(&o);
    ng_frame *f = frame_alloc(NG_PIX_I420, l.width, l.height);
    assert_non_null(r);
    assert_non_null(t);
    memset(sc, 0, sizeof *sc);
    for (int n = 0; n < frames; n += step) {
        sim_state st;
        sim_truth truth;
        sim_script_state(&l, n / 30.0, &st);
        sim_truth_of(&l, &st, &truth);
        sim_render(r, &st, (uint64_t)n, f);
        ng_track tr;
        tracker_process(t, f->plane[0], f->stride[0], f->width, f->height, &tr);
        bool confident = tr.found && tr.confidence >= TRACK_CONFIDENT;
        if (truth.visible) {
            sc->needle_frames++;
            if (tr.found) {
                sc->found++;
                double err = ng_v2_dist(tr.tip, truth.tip) * l.mm_per_px;
                sc->tip_err_sum += err;
                sc->angle_err_sum += ng_line_angle_diff_deg(tr.angle_deg, truth.angle_deg);
                if (err <= 3.0)
                    sc->near++;
            }
        } else if (!st.needle_in) {
            sc->empty_frames++;
            if (confident)
                sc->false_pos++;
        }
    }
    frame_free(f);
    tracker_free(t);
    sim_renderer_free(r);
}

static void run_scenario(unsigned seed, int frames, int step, bool moving, double temporal_weight,
                         score *sc)
{
    run_scenario_at(640, 480, seed, frames, step, moving, temporal_weight, sc);
}

static void run_sequence(unsigned seed, int frames, int step, score *sc)
{
    tracker_opts o;
    tracker_opts_default(&o, (ng_rect){ 0, 0, 2, 2 }, 1, &(ng_plan){ 0 });
    run_scenario(seed, frames, step, false, o.temporal_weight, sc);
}

static void print_score(const char *what, const score *sc)
{
    printf("%s: needle frames %d, found %d, within 3 mm %d, mean tip error %.2f mm, "
           "mean angle error %.2f deg; frames without needle %d, confident false positives %d\n",
           what, sc->needle_frames, sc->found, sc->near, sc->found ? sc->tip_err_sum / sc->found : 0,
           sc->found ? sc->angle_err_sum / sc->found : 0, sc->empty_frames, sc->false_pos);
}

/* Every frame, the probe breathing and trembling, the speckle sliding with the anatomy: tracked
 * with the temporal cue off (the default) and on (its trail carried with the anatomy). Bars a
 * little under what each measured: off 98 % found, 75 % within 3 mm; on 97 %, 58 % (the cue
 * costs needles here as on the calibration set, which is why it is off). */
static void test_moving_probe(void **state)
{
    (void)state;
    score sc;
    run_scenario(3, 300, 1, true, 0.0, &sc);
    print_score("tracker, moving probe", &sc);
    assert_true(sc.needle_frames > 150);
    assert_true(sc.found >= 0.9 * sc.needle_frames);
    assert_true(sc.near >= 0.7 * sc.needle_frames);
    assert_true(sc.false_pos <= 0.1 * sc.empty_frames);
    run_scenario(3, 300, 1, true, 1.0, &sc);
    print_score("tracker, moving probe, temporal cue", &sc);
    assert_true(sc.found >= 0.9 * sc.needle_frames);
    assert_true(sc.near >= 0.5 * sc.needle_frames);
    assert_true(sc.false_pos <= 0.1 * sc.empty_frames);
}

static void test_follows_scripted_needle(void **state)
{
    (void)state;
    score sc;
    run_sequence(1, 510, 3, &sc);
    print_score("tracker", &sc);
    assert_true(sc.needle_frames > 80);
    /* Baseline bars (the tracking issue raises them): found in 9 of 10 needle frames, the tip
     * within 3 mm in more than 6 of 10, angle within 3 degrees on average. */
    assert_true(sc.found >= 0.9 * sc.needle_frames);
    assert_true(sc.near >= 0.6 * sc.needle_frames);
    assert_true(sc.tip_err_sum / sc.found < 4.0);
    assert_true(sc.angle_err_sum / sc.found < 3.0);
    assert_true(sc.false_pos <= 0.1 * sc.empty_frames);
}

static void test_other_seed(void **state)
{
    (void)state;
    score sc;
    run_sequence(42, 510, 5, &sc);
    printf("tracker (seed 42): needle frames %d, found %d, within 3 mm %d\n", sc.needle_frames,
           sc.found, sc.near);
    assert_true(sc.found >= 0.9 * sc.needle_frames);
    assert_true(sc.near >= 0.6 * sc.needle_frames);
}

/* The same scan captured at 640x480, 720p and 1080p: the tracker averages more pixels per
 * working pixel as the frame grows (tracker_scale_for), so it finds the needle about as well as
 * at 640x480 (within 3 of 57 needle frames; measured 54/52/53 found, 48/46/46 within 3 mm) and
 * the tip lands where it is in the larger frame's own pixels. Every sixth frame: the bars are a
 * little lower than every third frame's (the temporal filter has less to go on). */
static void test_same_scan_at_higher_resolutions(void **state)
{
    (void)state;
    assert_int_equal(tracker_scale_for(0.15), 2);        /* 640x480: what it was tuned at */
    assert_int_equal(tracker_scale_for(0.1), 3);         /* 720p */
    assert_int_equal(tracker_scale_for(0.15 / 2.25), 4); /* 1080p: 0.27 mm, not 0.33 */
    assert_int_equal(tracker_scale_for(0.3), 2);         /* never coarser than 2 */
    const int sizes[][2] = { { 640, 480 }, { 1280, 720 }, { 1920, 1080 } };
    score ref = { 0 };   /* set from the first size */
    for (int i = 0; i < 3; i++) {
        score sc;
        run_scenario_at(sizes[i][0], sizes[i][1], 1, 510, 6, false, 0, &sc);
        char what[64];
        snprintf(what, sizeof what, "tracker at %dx%d", sizes[i][0], sizes[i][1]);
        print_score(what, &sc);
        if (i == 0)
            ref = sc;
        assert_int_equal(sc.needle_frames, ref.needle_frames);   /* the same scan */
        assert_true(sc.found >= 0.9 * sc.needle_frames && sc.found >= ref.found - 3);
        assert_true(sc.near >= 0.75 * sc.needle_frames && sc.near >= ref.near - 3);
        assert_true(sc.tip_err_sum / sc.found < 4.0);
        assert_true(sc.angle_err_sum / sc.found < 3.0);
        assert_true(sc.false_pos <= 0.1 * sc.empty_frames);
    }
}

static void test_blank_image_finds_nothing(void **state)
{
    (void)state;
    sim_scene_layout l;
    sim_scene_default_layout(&l);
    tracker_opts o;
    tracker_opts_default(&o, l.roi, l.mm_per_px, &l.plan);
    tracker *t = tracker_new(&o);
    uint8_t *img = malloc((size_t)l.width * l.height);
    memset(img, 90, (size_t)l.width * l.height);
    ng_track tr;
    tracker_process(t, img, l.width, l.width, l.height, &tr);
    assert_false(tr.found);
    free(img);
    tracker_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_follows_scripted_needle),
        cmocka_unit_test(test_other_seed),
        cmocka_unit_test(test_moving_probe),
        cmocka_unit_test(test_same_scan_at_higher_resolutions),
        cmocka_unit_test(test_blank_image_finds_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
