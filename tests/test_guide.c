/* The guidance stage on simulated frames: targets anchored to the anatomy while the probe
 * drifts (within 1 mm for 5 mm shifts), the rotation seen as a view change, the L5 target
 * re-anchored on the new view and confirmed; and the guidance numbers of a needle. */
#include "test_util.h"

#include "guidance/guide.h"
#include "sim/sim_render.h"
#include "sim/sim_scene.h"

#define FRAME_MS (1000.0 / 30)

static sim_scene_layout L;
static sim_renderer *R;
static ng_frame *F;
static guide *G;
static double now;
static uint64_t nframe;

static int setup(void **s)
{
    (void)s;
    sim_scene_default_layout(&L);
    sim_params p;
    sim_params_default(&p);
    R = sim_renderer_new(&L, &p, 11);
    F = frame_alloc(NG_PIX_I420, L.width, L.height);
    guide_opts o;
    guide_opts_default(&o);
    G = guide_new(&o, L.roi, L.mm_per_px, &L.plan);
    now = 0;
    nframe = 0;
    return R && F && G ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    sim_renderer_free(R);
    frame_free(F);
    guide_free(G);
    return 0;
}

/* One frame of the scan without a needle, the anatomy moved by motion_mm, at view. */
static sim_state frame(double view, ng_vec2 motion_mm, guide_state *out)
{
    sim_state st;
    sim_script_state(&L, 0.5, &st);
    st.view = view;
    st.motion_mm = motion_mm;
    sim_render(R, &st, nframe++, F);
    ng_track none = { 0 };
    phase_event ev;
    guide_update(G, F->plane[0], F->stride[0], L.width, L.height, &none, now, out, &ev);
    now += FRAME_MS;
    return st;
}

/* How far (mm) a shown target is from where that anatomy is in the image. */
static double target_error(const sim_state *st, ng_vec2 shown, ng_vec2 tissue_mm)
{
    return ng_v2_dist(shown, sim_mm_to_px(&L, sim_tissue_to_image(st, tissue_mm))) * L.mm_per_px;
}

static void test_targets_follow_probe_shifts(void **s)
{
    (void)s;
    guide_state g;
    frame(0, ng_v2(0, 0), &g);   /* the reference */
    assert_true(g.anchored);
    const ng_vec2 moves[] = { { 5, 0 }, { 0, 5 }, { -5, 0 }, { 0, -5 }, { 3.5, -3.5 }, { -2, 1 } };
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
        /* the probe slides over a few frames; the last one is measured */
        sim_state st;
        for (int k = 1; k <= 4; k++)
            st = frame(0, ng_v2_scale(moves[i], k / 4.0), &g);
        double e4 = target_error(&st, g.plan.l4_target, sim_l4_target_mm);
        double e5 = target_error(&st, g.plan.l5_target, sim_l5_target_mm);
        printf("probe moved (%.1f, %.1f) mm: L4 target off by %.2f mm, L5 by %.2f mm (fixed: %.2f)\n",
               moves[i].x, moves[i].y, e4, e5, target_error(&st, L.plan.l4_target, sim_l4_target_mm));
        assert_true(g.anchored);
        assert_true(e4 <= 1.0);
        assert_true(e5 <= 1.0);
        assert_true(g.view_change < 0.5);
        assert_true(ng_v2_dist(g.plan.entry, L.plan.entry) < 1e-9);   /* the skin stays with the probe */
    }
}

static void test_rotation_then_reanchoring_and_confirmation(void **s)
{
    (void)s;
    guide_state g;
    phase_event ev;
    frame(0, ng_v2(0, 0), &g);
    for (int k = 0; k < 5; k++)
        frame(0, ng_v2(0.2 * k, 0), &g);
    ng_vec2 before = g.plan.l4_target;
    /* the probe turns: the match fails, the targets stay where they were last seen */
    for (double v = 0.1; v <= 1.0; v += 0.1)
        frame(v, ng_v2(0.8, 0), &g);
    assert_false(g.anchored);
    assert_true(g.view_change >= 0.5);
    assert_true(ng_v2_dist(g.plan.l4_target, before) < 1.0 / L.mm_per_px);
    assert_false(g.l5_to_confirm);   /* not re-anchored outside the reposition phase */

    assert_true(guide_set_phase(G, PHASE_REPOSITION, now, &ev));
    /* the new view held still for the settling time: re-anchored, waiting for confirmation */
    for (int k = 0; k < 20 && !g.l5_to_confirm; k++)
        frame(1, ng_v2(0.8, 0), &g);
    assert_true(g.l5_to_confirm);
    assert_true(g.anchored);
    assert_true(ng_v2_dist(g.plan.l5_target, L.plan.l5_target) < 1e-9);
    assert_int_equal(g.numbers.target, GD_TARGET_L5);
    /* and follows the anatomy on the new view from there */
    sim_state st;
    for (int k = 1; k <= 4; k++)
        st = frame(1, ng_v2(0.8 + 0.5 * k, -0.4 * k), &g);
    assert_true(g.anchored);
    ng_vec2 moved = ng_v2_sub(g.plan.l5_target, L.plan.l5_target);
    printf("after re-anchoring the anatomy moved (2.0, -1.6) mm: target moved (%.2f, %.2f) mm\n",
           moved.x * L.mm_per_px, moved.y * L.mm_per_px);
    assert_true(ng_v2_dist(ng_v2_scale(moved, L.mm_per_px), ng_v2(2.0, -1.6)) <= 1.0);
    (void)st;

    guide_confirm_l5(G, NULL);   /* accepted where it is */
    frame(1, ng_v2(2.8, -1.6), &g);
    assert_false(g.l5_to_confirm);
    ng_vec2 click = ng_v2(g.plan.l5_target.x + 12, g.plan.l5_target.y - 5);
    guide_confirm_l5(G, &click);   /* or put by the clinician */
    frame(1, ng_v2(2.8, -1.6), &g);
    assert_true(ng_v2_dist(g.plan.l5_target, click) < 0.5 / L.mm_per_px);
}

static void test_phase_target(void **s)
{
    (void)s;
    assert_int_equal(guide_phase_target(PHASE_IDLE), GD_TARGET_L4);
    assert_int_equal(guide_phase_target(PHASE_WITHDRAW), GD_TARGET_L4);
    assert_int_equal(guide_phase_target(PHASE_REPOSITION), GD_TARGET_L5);
    assert_int_equal(guide_phase_target(PHASE_L5_AT_TARGET), GD_TARGET_L5);
}

/* Guidance numbers of a needle against a path along x from (0, 0) to (100, 0), 0.1 mm/px. */
static void test_guidance_numbers(void **s)
{
    (void)s;
    ng_plan plan = { .entry = { 0, 0 }, .l4_target = { 100, 0 }, .l5_target = { 0, 100 },
                     .tolerance_mm = 2 };
    ng_guidance g;
    /* on the path, 30 px short: 3 mm to go, nothing off */
    ng_track k = { .found = true, .tip = { 70, 0 }, .shaft_start = { 10, 0 }, .angle_deg = 0,
                   .confidence = 0.9 };
    guidance_update(&plan, 0.1, GD_TARGET_L4, &k, &g);
    assert_true(g.valid && g.miss_valid);
    assert_float_equal(g.tip_to_target_mm, 3.0, 1e-9);
    assert_float_equal(g.remaining_mm, 3.0, 1e-9);
    assert_float_equal(g.angle_dev_deg, 0, 1e-9);
    assert_float_equal(g.lateral_mm, 0, 1e-9);
    assert_float_equal(g.miss_mm, 0, 1e-9);
    assert_false(g.at_target);

    /* 2 px below the line, angled down 45 degrees: at the target's depth (30 px on) it is
     * 32 px below: the extrapolated shaft misses by 3.2 mm */
    k = (ng_track){ .found = true, .tip = { 70, 2 }, .shaft_start = { 60, -8 }, .angle_deg = 45,
                    .confidence = 0.9 };
    guidance_update(&plan, 0.1, GD_TARGET_L4, &k, &g);
    assert_float_equal(g.angle_dev_deg, 45, 1e-9);
    assert_float_equal(g.remaining_mm, 3.0, 1e-9);
    assert_float_equal(fabs(g.lateral_mm), 0.2, 1e-9);
    assert_float_equal(fabs(g.miss_mm), 3.2, 1e-9);
    assert_true(g.miss_mm * g.lateral_mm > 0);   /* same side */

    /* past the target and within tolerance */
    k = (ng_track){ .found = true, .tip = { 110, 0 }, .shaft_start = { 10, 0 }, .confidence = 0.9 };
    guidance_update(&plan, 0.1, GD_TARGET_L4, &k, &g);
    assert_float_equal(g.remaining_mm, -1.0, 1e-9);
    assert_true(g.at_target);

    /* running across the path: no extrapolation worth showing */
    k = (ng_track){ .found = true, .tip = { 70, 0 }, .shaft_start = { 70, -50 }, .angle_deg = 90,
                    .confidence = 0.9 };
    guidance_update(&plan, 0.1, GD_TARGET_L4, &k, &g);
    assert_true(g.valid);
    assert_false(g.miss_valid);

    /* an uncertain needle gives no numbers; the target is still the phase's */
    k.confidence = TRACK_CONFIDENT - 0.01;
    guidance_update(&plan, 0.1, GD_TARGET_L5, &k, &g);
    assert_false(g.valid);
    assert_int_equal(g.target, GD_TARGET_L5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_targets_follow_probe_shifts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rotation_then_reanchoring_and_confirmation, setup, teardown),
        cmocka_unit_test(test_phase_target),
        cmocka_unit_test(test_guidance_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
