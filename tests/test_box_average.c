/* util/box_average: block means of an 8-bit plane, inside it (libyuv) and across its edge. */
#include "test_util.h"

#include "util/box_average.h"

enum { W = 97, H = 61 };

/* The exact mean of one block, pixels outside the plane counted as black. */
static double block_mean(const uint8_t *p, ng_rect r, int f, int bx, int by)
{
    double sum = 0;
    for (int dy = 0; dy < f; dy++)
        for (int dx = 0; dx < f; dx++) {
            int x = r.x + bx * f + dx, y = r.y + by * f + dy;
            if (x >= 0 && y >= 0 && x < W && y < H)
                sum += p[y * W + x];
        }
    return sum / (f * f);
}

static void check(const uint8_t *p, ng_rect r, int f, double tol)
{
    int ow = r.w / f, oh = r.h / f;
    float *out = malloc(sizeof(float) * (size_t)(ow * oh));
    uint8_t *scratch = malloc((size_t)(ow * oh));
    assert_non_null(out);
    assert_non_null(scratch);
    box_average(p, W, W, H, r, f, out, scratch);
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            double want = block_mean(p, r, f, x, y), got = out[y * ow + x];
            if (fabs(got - want) > tol)
                fail_msg("f=%d rect %d,%d %dx%d block %d,%d: %.3f, want %.3f", f, r.x, r.y, r.w,
                         r.h, x, y, got, want);
        }
    free(out);
    free(scratch);
}

static uint8_t *noise(void)
{
    uint8_t *p = malloc(W * H);
    assert_non_null(p);
    uint32_t s = 12345;
    for (int i = 0; i < W * H; i++) {
        s = s * 1664525u + 1013904223u;
        p[i] = (uint8_t)(s >> 24);
    }
    return p;
}

/* Inside the plane: the mean to within one grey level (libyuv's box filter gives 8 bits: rounded
 * for 2 and 4, cut down for other factors, 134 coming out as 133), for the factors the tracker
 * (2-4) and the registration (1, 8) use, and a rect whose size is not a multiple of f. */
static void test_inside_is_the_block_mean(void **state)
{
    (void)state;
    uint8_t *p = noise();
    const int fs[] = { 1, 2, 3, 4, 5, 8 };
    for (size_t i = 0; i < sizeof fs / sizeof fs[0]; i++) {
        check(p, (ng_rect){ 0, 0, W, H }, fs[i], 1.0);
        check(p, (ng_rect){ 7, 5, 50, 41 }, fs[i], 1.0);
    }
    free(p);
}

/* A rect reaching past any edge: what is outside reads as black, exactly. */
static void test_outside_reads_black(void **state)
{
    (void)state;
    uint8_t *p = noise();
    check(p, (ng_rect){ -5, -3, 40, 30 }, 2, 1e-4);
    check(p, (ng_rect){ W - 20, H - 10, 40, 30 }, 4, 1e-4);
    check(p, (ng_rect){ -200, 0, 40, 30 }, 3, 1e-4);   /* wholly outside: all black */
    float out[4] = { 1, 1, 1, 1 };
    uint8_t scratch[4];
    box_average(p, W, W, H, (ng_rect){ W, 0, 4, 4 }, 2, out, scratch);
    for (int i = 0; i < 4; i++)
        assert_true(out[i] == 0);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inside_is_the_block_mean),
        cmocka_unit_test(test_outside_reads_black),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
