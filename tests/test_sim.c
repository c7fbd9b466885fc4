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

/* A target (tissue mm) where the image shows it in state st: the anatomy breathes. */
static ng_vec2 target_px(const sim_state *st, ng_vec2 target_mm)
{
    return sim_mm_to_px(&L, sim_tissue_to_image(st, target_mm));
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
    assert_true(ng_v2_dist(tr.tip, target_px(&st, sim_l4_target_mm)) < 0.5);
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
    assert_true(ng_v2_dist(tr.tip, target_px(&st, sim_l5_target_mm)) < 0.5);
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
    ng_vec2 entry_img = sim_tissue_to_image(&st, L.entry_mm);
    ng_vec2 d = ng_v2_unit(ng_v2_sub(entry_img, start_mm));
    assert_false(sim_in_sector(&L, ng_v2_add(start_mm, ng_v2_scale(d, 0.2))));
    assert_true(fabs(ng_dist_point_line_signed(tr.shaft_start, sim_mm_to_px(&L, entry_img),
                                               target_px(&st, sim_l4_target_mm))) < 0.5);
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
    sim_params_plain(&p);   /* each frame on its own, speckle frozen in the tissue */
    sim_renderer *r = sim_renderer_new(&L, &p, 5);
    ng_frame *a = frame_alloc(NG_PIX_I420, L.width, L.height);
    ng_frame *b = frame_alloc(NG_PIX_I420, L.width, L.height);
    sim_state st;
    sim_script_state(&L, step_start(SIM_AT_L4) + 0.3, &st);
    sim_render(r, &st, 10, a);
    sim_render(r, &st, 10, b);
    assert_memory_equal(a->data, b->data, a->size);   /* reproducible */

    /* Bone surface bright, its acoustic shadow dark, soft tissue between. */
    ng_vec2 bone = target_px(&st, ng_v2(-15, 44));
    ng_vec2 shadow = target_px(&st, ng_v2(-15, 52));
    ng_vec2 muscle = target_px(&st, ng_v2(-15, 30));
    double lb = mean_luma(a, bone, 1), ls = mean_luma(a, shadow, 6), lm = mean_luma(a, muscle, 6);
    printf("bone %.0f, muscle %.0f, shadow %.0f\n", lb, lm, ls);
    assert_true(lb > lm + 40);
    assert_true(lm > ls + 30);

    /* The needle echo stands above the tissue beside it (speckle averaged along the shaft). */
    double on = 0, off = 0;
    ng_vec2 dir = ng_v2_unit(ng_v2_sub(st.tip_mm, L.entry_mm)), n = ng_v2(-dir.y, dir.x);
    for (double t = 5; t < 30; t += 1) {
        ng_vec2 pt = ng_v2_add(L.entry_mm, ng_v2_scale(dir, t + 5));
        on += mean_luma(a, target_px(&st, pt), 0);
        off += mean_luma(a, target_px(&st, ng_v2_add(pt, ng_v2_scale(n, 3))), 0);
    }
    printf("needle %.0f vs beside %.0f\n", on / 25, off / 25);
    assert_true(on > off + 25 * 15);

    /* Speckle is fixed to tissue: the same state in a later frame differs only by noise. */
    sim_render(r, &st, 11, b);
    long diff = 0;
    for (size_t i = 0; i < (size_t)L.width * L.height; i++)
        diff += abs(a->data[i] - b->data[i]);
    assert_true((double)diff / (L.width * L.height) < 6);
    /* ...while a rotated view decorrelates it: the probe turns about its lateral end, so the
     * medial side (right of the image) changes most. */
    sim_state rot = st;
    rot.view = 1;
    rot.needle_in = false;
    sim_render(r, &rot, 10, b);
    long side[2] = { 0, 0 }, count[2] = { 0, 0 };
    for (int y = L.roi.y; y < L.roi.y + L.roi.h; y++)
        for (int x = L.roi.x; x < L.roi.x + L.roi.w; x++) {
            double xmm = sim_px_to_mm(&L, ng_v2(x, y)).x;
            if (xmm > -15 && xmm < 5)
                continue;
            int k = xmm >= 5;   /* lateral of -15 mm (near the turning end) or medial of 5 mm */
            side[k] += abs(a->data[y * L.width + x] - b->data[y * L.width + x]);
            count[k]++;
        }
    double lateral = (double)side[0] / count[0], medial = (double)side[1] / count[1];
    printf("rotated view: mean difference lateral %.1f, medial %.1f\n", lateral, medial);
    assert_true(medial > 10);
    assert_true(medial > 1.5 * lateral);

    frame_free(a);
    frame_free(b);
    sim_renderer_free(r);
}

static void test_motion_and_injectate(void **s)
{
    (void)s;
    /* breathing: the anatomy moves a few mm at 0.25 Hz; the truth moves with it */
    sim_state a, b;
    sim_script_state(&L, step_start(SIM_AT_L4) + 0.1, &a);
    sim_script_state(&L, step_start(SIM_AT_L4) + 0.1 + 2.0, &b);   /* half a breath later */
    double moved = ng_v2_dist(a.motion_mm, b.motion_mm);
    assert_true(moved > 1.0 && moved < 2 * L.breath_mm * 1.2 + 0.5);
    /* the truth is where the image shows the tip: displaced by exactly the motion */
    sim_scene_layout still = L;
    still.breath_mm = still.tremor_mm = 0;
    sim_state c;
    sim_script_state(&still, step_start(SIM_AT_L4) + 0.1, &c);
    assert_true(ng_v2_len(c.motion_mm) == 0);   /* no motion when switched off */
    sim_truth ta, tc;
    sim_truth_of(&L, &a, &ta);
    sim_truth_of(&still, &c, &tc);
    ng_vec2 shift = ng_v2_scale(ng_v2_sub(ta.tip, tc.tip), L.mm_per_px);
    assert_true(ng_v2_dist(shift, a.motion_mm) < 1e-9);
    /* the injectate grows at the target during the pause and stays through the withdrawal */
    sim_script_state(&still, step_start(SIM_AT_L4) + 0.2, &a);
    double early = a.injectate_mm;
    sim_script_state(&still, step_start(SIM_AT_L4) + 1.4, &a);
    assert_true(a.injectate_mm > early && a.injectate_mm > 3.0);
    assert_true(ng_v2_dist(a.injectate_at, sim_l4_target_mm) < 1e-9);
    sim_script_state(&still, step_start(SIM_WITHDRAW) + 1.0, &b);
    assert_true(b.injectate_mm >= a.injectate_mm);
    assert_true(ng_v2_dist(b.injectate_at, sim_l4_target_mm) < 1e-9);   /* not following the tip */
    sim_script_state(&still, step_start(SIM_AT_L5) + 1.0, &b);
    assert_true(ng_v2_dist(b.injectate_at, sim_l5_target_mm) < 1e-9);

    /* rendered as an anechoic pool: a pool placed in open muscle darkens it */
    sim_params p;
    sim_params_default(&p);
    p.persistence = 0;
    sim_renderer *r = sim_renderer_new(&still, &p, 5);
    ng_frame *f = frame_alloc(NG_PIX_I420, L.width, L.height);
    a.needle_in = false;
    a.injectate_mm = 6;
    a.injectate_at = ng_v2(-10, 30);
    sim_state dry = a;
    dry.injectate_mm = 0;
    double mean[2];
    for (int k = 0; k < 2; k++) {
        sim_render(r, k ? &dry : &a, 1, f);
        mean[k] = mean_luma(f, sim_mm_to_px(&still, a.injectate_at), (int)(3.0 / still.mm_per_px));
    }
    printf("injectate: %.0f with the pool, %.0f without\n", mean[0], mean[1]);
    assert_true(mean[0] < mean[1] - 30);
    frame_free(f);
    sim_renderer_free(r);
}

static void test_persistence(void **s)
{
    (void)s;
    /* with persistence, a frame after a large change still shows some of the last one */
    sim_params p;
    sim_params_default(&p);
    sim_scene_layout still = L;
    still.breath_mm = still.tremor_mm = 0;
    sim_state a, b;
    sim_script_state(&still, 0.5, &a);
    b = a;
    b.view = 1;
    ng_frame *f0 = frame_alloc(NG_PIX_I420, L.width, L.height), *f1 = frame_alloc(NG_PIX_I420, L.width, L.height);
    long diff[2];
    for (int k = 0; k < 2; k++) {
        p.persistence = k ? 0.5 : 0;
        sim_renderer *r = sim_renderer_new(&still, &p, 5);
        sim_render(r, &a, 1, f0);
        sim_render(r, &b, 2, f1);
        diff[k] = 0;
        for (size_t i = 0; i < (size_t)L.width * L.height; i++)
            diff[k] += abs(f0->data[i] - f1->data[i]);
        sim_renderer_free(r);
    }
    assert_true(diff[1] < 0.8 * diff[0]);
    frame_free(f0);
    frame_free(f1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_script_follows_the_technique, setup),
        cmocka_unit_test_setup(test_truth_shaft_starts_at_sector_edge, setup),
        cmocka_unit_test_setup(test_layout_and_plan, setup),
        cmocka_unit_test_setup(test_image, setup),
        cmocka_unit_test_setup(test_motion_and_injectate, setup),
        cmocka_unit_test_setup(test_persistence, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
