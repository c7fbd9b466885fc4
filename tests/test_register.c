/* Registration against a reference view (guidance/register.h): exact shifts of a synthetic
 * texture inside a fixed frame, shifts of the simulated anatomy, and the similarity that tells a
 * drift of the same view from the probe's rotation to the next level. */
#include "test_util.h"

#include "guidance/register.h"
#include "sim/sim_render.h"
#include "sim/sim_scene.h"

#define W 320
#define H 240

/* A random texture of blobs 2-6 px across moved by d inside a disc that stays put (a
 * sector's fixed edge), black outside: luma written into img. */
static void texture(uint8_t *img, ng_vec2 d)
{
    static float acc[W * H];
    for (int i = 0; i < W * H; i++)
        acc[i] = 60;
    unsigned seed = 4242;
    for (int b = 0; b < 900; b++) {
        seed = seed * 1103515245u + 12345u;
        double cx = (seed >> 8) % (W * 16) / 16.0 + d.x;
        seed = seed * 1103515245u + 12345u;
        double cy = (seed >> 8) % (H * 16) / 16.0 + d.y;
        seed = seed * 1103515245u + 12345u;
        double sig = 1 + (seed >> 8) % 200 / 100.0, amp = 20 + (seed >> 4) % 50;
        for (int y = (int)(cy - 3 * sig); y <= (int)(cy + 3 * sig); y++)
            for (int x = (int)(cx - 3 * sig); x <= (int)(cx + 3 * sig); x++)
                if (x >= 0 && y >= 0 && x < W && y < H)
                    acc[y * W + x] += (float)(amp * exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) /
                                                        (2 * sig * sig)));
    }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            bool in = hypot(x - W / 2.0, y - H / 2.0) < 110;
            img[y * W + x] = in ? (uint8_t)fmin(255, acc[y * W + x]) : 0;
        }
}

static void test_recovers_known_shifts_of_a_texture(void **s)
{
    (void)s;
    static uint8_t a[W * H], b[W * H];
    ng_register *r = register_new((ng_rect){ 0, 0, W, H });
    assert_non_null(r);
    reg_result res;
    assert_false(register_has_reference(r));
    assert_false(register_match(r, a, W, W, H, &res));   /* nothing to register against */
    texture(a, ng_v2(0, 0));
    register_set_reference(r, a, W, W, H);
    assert_true(register_has_reference(r));
    const ng_vec2 shifts[] = { { 0, 0 }, { 3, 0 }, { 0, -7 }, { 12.5, 4.25 }, { -10, 8 }, { 1.6, -2.4 } };
    for (size_t i = 0; i < sizeof shifts / sizeof shifts[0]; i++) {
        texture(b, shifts[i]);
        assert_true(register_match(r, b, W, W, H, &res));
        printf("shift (%.2f, %.2f) -> (%.2f, %.2f), similarity %.3f\n", shifts[i].x, shifts[i].y,
               res.shift.x, res.shift.y, res.similarity);
        /* the fixed disc edge would pin a plain correlation to zero */
        assert_true(ng_v2_dist(res.shift, shifts[i]) < 0.6);
        assert_true(res.similarity > 0.8);   /* content slides in and out at the edge */
    }
    register_free(r);
}

static void test_black_reference_is_not_registered_on(void **s)
{
    (void)s;
    static uint8_t a[W * H];
    memset(a, 0, sizeof a);
    ng_register *r = register_new((ng_rect){ 0, 0, W, H });
    register_set_reference(r, a, W, W, H);
    reg_result res;
    assert_false(register_match(r, a, W, W, H, &res));
    register_free(r);
    assert_null(register_new((ng_rect){ 0, 0, 8, 100 }));
}

/* The simulated scan, the targets' neighbourhood (where the guidance registers). */
static sim_scene_layout L;
static sim_renderer *R;
static ng_frame *F0, *F1;

static int sim_setup(void **s)
{
    (void)s;
    sim_scene_default_layout(&L);
    sim_params p;
    sim_params_default(&p);
    R = sim_renderer_new(&L, &p, 7);
    F0 = frame_alloc(NG_PIX_I420, L.width, L.height);
    F1 = frame_alloc(NG_PIX_I420, L.width, L.height);
    return R && F0 && F1 ? 0 : -1;
}

static int sim_teardown(void **s)
{
    (void)s;
    sim_renderer_free(R);
    frame_free(F0);
    frame_free(F1);
    return 0;
}

static ng_rect target_window(void)
{
    double m = 20 / L.mm_per_px;
    return (ng_rect){ (int)(L.plan.l5_target.x - m), (int)(L.plan.l4_target.y - m),
                      (int)(L.plan.l4_target.x - L.plan.l5_target.x + 2 * m),
                      (int)(L.plan.l5_target.y - L.plan.l4_target.y + 2 * m) };
}

static void render(ng_frame *f, double view, ng_vec2 motion_mm, uint64_t frame)
{
    sim_state st;
    sim_script_state(&L, 0.5, &st);   /* no needle yet */
    st.view = view;
    st.motion_mm = motion_mm;
    sim_render(R, &st, frame, f);
}

static void test_simulated_probe_drift(void **s)
{
    (void)s;
    ng_register *r = register_new(target_window());
    render(F0, 0, ng_v2(0, 0), 0);
    register_set_reference(r, F0->plane[0], F0->stride[0], L.width, L.height);
    const ng_vec2 moves[] = { { 5, 0 }, { -5, 0 }, { 0, 5 }, { 0, -5 }, { 3.5, 3.5 }, { -4, -3 }, { 1, -0.5 } };
    for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++) {
        /* a later frame: the speckle has partly renewed */
        render(F1, 0, moves[i], 30 + 20 * i);
        reg_result res;
        assert_true(register_match(r, F1->plane[0], F1->stride[0], L.width, L.height, &res));
        ng_vec2 mm = ng_v2_scale(res.shift, L.mm_per_px);
        printf("anatomy moved (%.1f, %.1f) mm: registered (%.2f, %.2f), similarity %.2f\n",
               moves[i].x, moves[i].y, mm.x, mm.y, res.similarity);
        assert_true(ng_v2_dist(mm, moves[i]) < 0.4);
        assert_true(res.similarity >= 0.6);
    }
    register_free(r);
}

static void test_probe_rotation_is_a_new_view(void **s)
{
    (void)s;
    ng_register *r = register_new(target_window());
    render(F0, 0, ng_v2(0, 0), 0);
    register_set_reference(r, F0->plane[0], F0->stride[0], L.width, L.height);
    for (double view = 0.25; view <= 1.0; view += 0.25) {
        render(F1, view, ng_v2(0, 0), (uint64_t)(view * 100));
        reg_result res;
        assert_true(register_match(r, F1->plane[0], F1->stride[0], L.width, L.height, &res));
        printf("rotated %.2f of the way: similarity %.2f\n", view, res.similarity);
        /* a quarter of the way already below the drifts of the same view (>= 0.6 above);
         * from half way, nothing alike */
        assert_true(res.similarity < (view < 0.5 ? 0.6 : 0.3));
    }
    register_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_known_shifts_of_a_texture),
        cmocka_unit_test(test_black_reference_is_not_registered_on),
        cmocka_unit_test_setup_teardown(test_simulated_probe_drift, sim_setup, sim_teardown),
        cmocka_unit_test_setup_teardown(test_probe_rotation_is_a_new_view, sim_setup, sim_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
