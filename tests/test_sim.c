/* The simulator: its scripted procedure, ground truth and image. */
#include "test_util.h"

#include "sim/sim_render.h"
#include "sim/sim_scene.h"

static sim_scene_layout L;

static int setup(void **s)
{
    (void)s;
    sim_scene_default_layout(&L);
    return 0;
}

/* Time at which the script enters step want (scanning at 10 ms). */
static double step_start(sim_step want)
{
    for (double t = 0; t < sim_script_period_s(); t += 0.01) {
        sim_state st;
        sim_script_state(&L, t, &st);
        if (st.step == want)
            return t;
    }
    fail_msg("step %s never reached", sim_step_name(want));
    return -1;
}

static void test_script_follows_the_technique(void **s)
{
    (void)s;
    sim_state st;
    sim_truth tr;
    sim_script_state(&L, 0.2, &st);
    assert_int_equal(st.step, SIM_IDLE);
    assert_false(st.needle_in);

    /* At the L4 pause the tip is on the L4 target (junction of SAP and TP). */
    sim_script_state(&L, step_start(SIM_AT_L4) + 0.5, &st);
    sim_truth_of(&L, &st, &tr);
    assert_true(tr.visible);
    assert_true(ng_v2_dist(tr.tip, L.plan.l4_target) < 0.5);
    double a4 = ng_angle_deg(L.plan.entry, L.plan.l4_target);
    assert_true(fabs(tr.angle_deg - a4) < 0.5);
    assert_true(st.view == 0);

    /* Withdrawn to the subcutaneous layer before the probe turns. */
    sim_script_state(&L, step_start(SIM_ROTATE) - 0.02, &st);
    assert_true(ng_v2_dist(st.tip_mm, L.entry_mm) < 9);

    /* During the rotation the needle is out of plane: not visible, and the view changes. */
    double r0 = step_start(SIM_ROTATE);
    sim_script_state(&L, r0 + 1.0, &st);
    sim_truth_of(&L, &st, &tr);
    assert_false(tr.visible);
    assert_true(st.view > 0.2 && st.view < 0.8);

    /* Redirected to L5 on a new trajectory: the tip reaches the L5 target. */
    sim_script_state(&L, step_start(SIM_AT_L5) + 0.5, &st);
    sim_truth_of(&L, &st, &tr);
    assert_true(tr.visible);
    assert_true(ng_v2_dist(tr.tip, L.plan.l5_target) < 0.5);
    double a5 = ng_angle_deg(L.plan.entry, L.plan.l5_target);
    assert_true(fabs(tr.angle_deg - a5) < 0.5);
    assert_true(fabs(a5 - a4) > 3);   /* a real redirection */

    sim_script_state(&L, step_start(SIM_DONE) + 0.1, &st);
    assert_false(st.needle_in);
}

static void test_truth_shaft_starts_at_sector_edge(void **s)
{
    (void)s;
    sim_state st;
    sim_truth tr;
    sim_script_state(&L, step_start(SIM_AT_L4), &st);
    sim_truth_of(&L, &st, &tr);
    /* The entry lies outside the imaged sector; the visible shaft starts on its edge. */
    assert_false(sim_in_sector(&L, L.entry_mm));
    ng_vec2 start_mm = sim_px_to_mm(&L, tr.shaft_start);
    assert_true(sim_in_sector(&L, start_mm));
    ng_vec2 d = ng_v2_unit(ng_v2_sub(L.entry_mm, start_mm));
    assert_false(sim_in_sector(&L, ng_v2_add(start_mm, ng_v2_scale(d, 0.2))));
    assert_true(fabs(ng_dist_point_line_signed(tr.shaft_start, L.plan.entry, L.plan.l4_target)) < 0.5);
}

static void test_layout_and_plan(void **s)
{
    (void)s;
    assert_true(ng_rect_contains(L.roi, L.plan.l4_target));
    assert_true(ng_rect_contains(L.roi, L.plan.l5_target));
    assert_true(L.roi.x >= 0 && L.roi.y >= 0 && L.roi.x + L.roi.w <= L.width &&
                L.roi.y + L.roi.h <= L.height);
    ng_vec2 p = ng_v2(123.4, 234.5);
    ng_vec2 q = sim_mm_to_px(&L, sim_px_to_mm(&L, p));
    assert_true(ng_v2_dist(p, q) < 1e-9);
}

static double mean_luma(const ng_frame *f, ng_vec2 c, int r)
{
    double s = 0;
    int n = 0;
    for (int y = (int)c.y - r; y <= (int)c.y + r; y++)
        for (int x = (int)c.x - r; x <= (int)c.x + r; x++) {
            s += f->plane[0][y * f->stride[0] + x];
            n++;
        }
    return s / n;
}

static void test_image(void **s)
{
    (void)s;
    sim_params p;
    sim_params_default(&p);
    sim_renderer *r = sim_renderer_new(&L, &p, 5);
    ng_frame *a = frame_alloc(NG_PIX_I420, L.width, L.height);
    ng_frame *b = frame_alloc(NG_PIX_I420, L.width, L.height);
    sim_state st;
    sim_script_state(&L, step_start(SIM_AT_L4) + 0.3, &st);
    sim_render(r, &st, 10, a);
    sim_render(r, &st, 10, b);
    assert_memory_equal(a->data, b->data, a->size);   /* reproducible */

    /* Bone surface bright, its acoustic shadow dark, soft tissue between. */
    ng_vec2 bone = sim_mm_to_px(&L, ng_v2(-15, 44));
    ng_vec2 shadow = sim_mm_to_px(&L, ng_v2(-15, 52));
    ng_vec2 muscle = sim_mm_to_px(&L, ng_v2(-15, 30));
    double lb = mean_luma(a, bone, 1), ls = mean_luma(a, shadow, 6), lm = mean_luma(a, muscle, 6);
    printf("bone %.0f, muscle %.0f, shadow %.0f\n", lb, lm, ls);
    assert_true(lb > lm + 40);
    assert_true(lm > ls + 30);

    /* The needle echo stands above the tissue beside it (speckle averaged along the shaft). */
    double on = 0, off = 0;
    ng_vec2 dir = ng_v2_unit(ng_v2_sub(st.tip_mm, L.entry_mm)), n = ng_v2(-dir.y, dir.x);
    for (double t = 5; t < 30; t += 1) {
        ng_vec2 pt = ng_v2_add(L.entry_mm, ng_v2_scale(dir, t + 5));
        on += mean_luma(a, sim_mm_to_px(&L, pt), 0);
        off += mean_luma(a, sim_mm_to_px(&L, ng_v2_add(pt, ng_v2_scale(n, 3))), 0);
    }
    printf("needle %.0f vs beside %.0f\n", on / 25, off / 25);
    assert_true(on > off + 25 * 15);

    /* Speckle is fixed to tissue: the same state in a later frame differs only by noise. */
    sim_render(r, &st, 11, b);
    long diff = 0;
    for (size_t i = 0; i < (size_t)L.width * L.height; i++)
        diff += abs(a->data[i] - b->data[i]);
    assert_true((double)diff / (L.width * L.height) < 6);
    /* ...while a rotated view decorrelates it. */
    sim_state rot = st;
    rot.view = 1;
    rot.needle_in = false;
    sim_render(r, &rot, 10, b);
    diff = 0;
    for (size_t i = 0; i < (size_t)L.width * L.height; i++)
        diff += abs(a->data[i] - b->data[i]);
    assert_true((double)diff / (L.width * L.height) > 10);

    frame_free(a);
    frame_free(b);
    sim_renderer_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_script_follows_the_technique, setup),
        cmocka_unit_test_setup(test_truth_shaft_starts_at_sector_edge, setup),
        cmocka_unit_test_setup(test_layout_and_plan, setup),
        cmocka_unit_test_setup(test_image, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
