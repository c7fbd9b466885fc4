/* Geometry helpers. */
#include "test_util.h"

#include "util/geom.h"

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-9)

static void test_angles(void **s)
{
    (void)s;
    NEAR(ng_angle_deg(ng_v2(0, 0), ng_v2(1, 0)), 0);
    NEAR(ng_angle_deg(ng_v2(0, 0), ng_v2(0, 1)), 90);      /* y down */
    NEAR(ng_angle_deg(ng_v2(0, 0), ng_v2(-1, 0)), 180);
    NEAR(ng_line_angle_diff_deg(10, 190), 0);              /* same line, opposite direction */
    NEAR(ng_line_angle_diff_deg(-80, 80), 20);
    NEAR(ng_line_angle_diff_deg(0, 90), 90);
    NEAR(ng_line_angle_diff_deg(350, 5), 15);
}

static void test_distances(void **s)
{
    (void)s;
    ng_vec2 a = ng_v2(0, 0), b = ng_v2(10, 0);
    NEAR(ng_dist_point_segment(ng_v2(5, 3), a, b), 3);
    NEAR(ng_dist_point_segment(ng_v2(-4, 3), a, b), 5);   /* beyond an end: to the end */
    NEAR(ng_dist_point_segment(ng_v2(13, 4), a, b), 5);
    NEAR(ng_dist_point_line_signed(ng_v2(5, 3), a, b), 3);
    NEAR(ng_dist_point_line_signed(ng_v2(5, -3), a, b), -3);
    NEAR(ng_dist_point_line_signed(ng_v2(3, 4), a, a), 5); /* degenerate line */
    NEAR(ng_project_t(ng_v2(5, 7), a, b), 0.5);
    NEAR(ng_v2_len(ng_v2_unit(ng_v2(3, 4))), 1);
    NEAR(ng_v2_len(ng_v2_unit(ng_v2(0, 0))), 0);
}

static void test_ray_segment(void **s)
{
    (void)s;
    double t;
    assert_true(ng_ray_segment(ng_v2(0, 0), ng_v2(0, 1), ng_v2(-1, 5), ng_v2(1, 5), &t));
    NEAR(t, 5);
    assert_false(ng_ray_segment(ng_v2(0, 0), ng_v2(0, -1), ng_v2(-1, 5), ng_v2(1, 5), &t));
    assert_false(ng_ray_segment(ng_v2(3, 0), ng_v2(0, 1), ng_v2(-1, 5), ng_v2(1, 5), &t));
    assert_false(ng_ray_segment(ng_v2(0, 0), ng_v2(1, 0), ng_v2(-1, 5), ng_v2(1, 5), &t));
}

static void test_rect_contains(void **s)
{
    (void)s;
    ng_rect r = { 0, 0, 11, 11 };   /* pixels 0..10 */
    assert_true(ng_rect_contains(r, ng_v2(10, 10)));
    assert_true(ng_rect_contains(r, ng_v2(0, 0)));
    assert_false(ng_rect_contains(r, ng_v2(10.5, 3)));
    assert_false(ng_rect_contains(r, ng_v2(-0.1, 3)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_angles),
        cmocka_unit_test(test_distances),
        cmocka_unit_test(test_ray_segment),
        cmocka_unit_test(test_rect_contains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
