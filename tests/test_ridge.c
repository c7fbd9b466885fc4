/* The ridge filter on synthetic lines with known orientation. */
#include "test_util.h"

#include "tracking/ridge.h"

#define W 120
#define H 120

/* A bright line of width ~2 px through the centre at angle deg, on a flat background. */
static void draw_line(float *img, double deg)
{
    double a = deg * M_PI / 180, nx = -sin(a), ny = cos(a);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double d = (x - W / 2) * nx + (y - H / 2) * ny;
            img[y * W + x] = (float)(50 + 100 * exp(-d * d / 2));
        }
}

static void test_orientation_and_strength(void **s)
{
    (void)s;
    static float img[W * H];
    ridge_map r;
    assert_int_equal(ridge_init(&r, W, H), 0);
    const double angles[] = { 0, 30, 52, 75, 90, -40 };
    for (size_t k = 0; k < sizeof angles / sizeof angles[0]; k++) {
        draw_line(img, angles[k]);
        ridge_compute(&r, img, NULL, 1.5);
        int c = (H / 2) * W + W / 2;
        double got = ridge_orientation(&r, c) * 180 / M_PI;
        double diff = fmod(fabs(got - angles[k]), 180);
        if (diff > 90)
            diff = 180 - diff;
        if (diff > 1.0)
            fail_msg("line at %.0f deg: orientation %.2f", angles[k], got);
        /* strong on the line, nothing 8 px beside it */
        double a = angles[k] * M_PI / 180;
        int off = (int)lround((H / 2 + 8 * cos(a))) * W + (int)lround(W / 2 - 8 * sin(a));
        assert_true(r.strength[c] > 10);
        assert_true(r.strength[off] < 0.05 * r.strength[c]);
    }
    /* a blob is not a ridge: far weaker than a line of the same contrast */
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double d2 = (x - W / 2) * (x - W / 2) + (y - H / 2) * (y - H / 2);
            img[y * W + x] = (float)(50 + 100 * exp(-d2 / 2));
        }
    ridge_compute(&r, img, NULL, 1.5);
    float blob = r.strength[(H / 2) * W + W / 2];
    draw_line(img, 30);
    ridge_compute(&r, img, NULL, 1.5);
    assert_true(blob < 0.3 * r.strength[(H / 2) * W + W / 2]);
    /* the mask removes strength */
    static unsigned char mask[W * H];
    ridge_compute(&r, img, mask, 1.5);
    assert_true(r.strength[(H / 2) * W + W / 2] == 0);
    ridge_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_orientation_and_strength) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
