/* The tracker's line cells (tracking/line_cells.h), vector code built for AVX2 and for the
 * baseline (util/vector_clones.h), against the plain arithmetic they replace, to the bit: a
 * line's pixels rounded as one sample at a time rounds them, and the Hough's rho rounded as
 * lroundf rounds it, halves and the float just under a half included. */
#include "test_util.h"

#include "tracking/line_cells.h"

static uint32_t rng = 4242;
static double uniform(double lo, double hi)   /* an LCG: the same values every run */
{
    rng = rng * 1664525u + 1013904223u;
    return lo + (hi - lo) * ((rng >> 8) / (double)(1u << 24));
}

/* One sample at a time, as the tracker read its maps before (sample_map). */
static int pixel_plain(double x, double y, int w, int h)
{
    if (x < -0.5 || y < -0.5)
        return w * h;
    int xi = (int)(x + 0.5), yi = (int)(y + 0.5);
    return xi < w && yi < h ? yi * w + xi : w * h;
}

static void test_line_pixels_as_one_at_a_time(void **s)
{
    (void)s;
    enum { W = 90, H = 70, N = 301 };
    int idx[N];
    long in = 0, off = 0;
    for (int t = 0; t < 400; t++) {
        /* lines through and past the image, some starting on a half pixel exactly */
        ng_vec2 c = ng_v2(uniform(-20, W + 20), uniform(-20, H + 20));
        if (t % 4 == 0)
            c = ng_v2(floor(c.x) - 0.5, floor(c.y) + 0.5);
        double th = t % 8 == 1 ? 0 : t % 8 == 3 ? M_PI / 2 : uniform(-M_PI, M_PI);
        ng_vec2 d = ng_v2(cos(th), sin(th));
        int s0 = -(N / 2) + t % 7;
        line_pixels(c, d, s0, N, W, H, idx);
        for (int j = 0; j < N; j++) {
            double sj = s0 + j;
            int want = pixel_plain(c.x + d.x * sj, c.y + d.y * sj, W, H);
            if (idx[j] != want)
                fail_msg("line %d, sample %d at (%a, %a): pixel %d, one at a time %d", t, j,
                         c.x + d.x * sj, c.y + d.y * sj, idx[j], want);
            in += want != W * H;
            off += want == W * H;
        }
    }
    assert_true(in > 10000 && off > 10000);   /* both cases well exercised */
    /* the edges of the rounding: -0.5 is pixel 0, just under it is off; 0.5 rounds up */
    line_pixels(ng_v2(-0.5, 0.5), ng_v2(1, 0), 0, 1, W, H, idx);
    assert_int_equal(idx[0], 1 * W + 0);
    line_pixels(ng_v2(nextafter(-0.5, -1), 0), ng_v2(1, 0), 0, 1, W, H, idx);
    assert_int_equal(idx[0], W * H);
    line_pixels(ng_v2(W - 0.5, 0), ng_v2(1, 0), 0, 1, W, H, idx);
    assert_int_equal(idx[0], W * H);   /* rounds to x = W: off */
}

/* As the tracker voted before: one direction and one pixel at a time, with lroundf. */
static int cell_plain(const hough_dirs *h, int a, float x, float y, float c2, float s2,
                      int rho_max)
{
    if (h->c2[a] * c2 + h->s2[a] * s2 < h->min_cos)
        return -1;
    float rho = h->nx[a] * x + h->ny[a] * y;
    int k = (int)lroundf(rho) + rho_max;
    return k >= 0 && k < 2 * rho_max + 1 ? a * (2 * rho_max + 1) + k : -1;
}

static void test_hough_cells_as_lroundf(void **s)
{
    (void)s;
    enum { NANG = 49, RHO = 27 };
    double ang[NANG];
    for (int a = 0; a < NANG; a++)
        ang[a] = (40 - 12 + 0.5 * a) * M_PI / 180;
    hough_dirs h;
    assert_int_equal(hough_dirs_init(&h, ang, NANG, 12 * M_PI / 180), 0);
    int cell[NANG];
    long votes = 0, none = 0;
    for (int t = 0; t < 4000; t++) {
        float x = (float)uniform(-80, 80), y = (float)uniform(-80, 80);
        if (t % 5 == 0) {   /* on whole and half pixels: rho often lands on a half */
            x = (float)(floor(x) + 0.5 * (t % 2));
            y = (float)floor(y);
        }
        double th = uniform(-M_PI, M_PI);
        float c2 = (float)cos(2 * th), s2 = (float)sin(2 * th);
        hough_cells(&h, x, y, c2, s2, RHO, cell);
        for (int a = 0; a < NANG; a++) {
            int want = cell_plain(&h, a, x, y, c2, s2, RHO);
            if (cell[a] != want)
                fail_msg("pixel (%a, %a), direction %d: cell %d, lroundf %d", x, y, a, cell[a],
                         want);
            votes += want >= 0;
            none += want < 0;
        }
    }
    assert_true(votes > 10000 && none > 10000);
    /* rho exactly on halves, either side of zero, and the float just under a half (which a
     * float + 0.5f would round up); a horizontal direction, so rho is y */
    hough_dirs_free(&h);
    double flat = 0;   /* the direction along x: normal (0, 1), rho = y */
    assert_int_equal(hough_dirs_init(&h, &flat, 1, 12 * M_PI / 180), 0);
    const float ys[] = { 0.5f, -0.5f, 2.5f, -2.5f, nextafterf(0.5f, 0), -nextafterf(0.5f, 0),
                         1.4999999f, 26.5f, -27.5f };
    for (size_t k = 0; k < sizeof ys / sizeof ys[0]; k++) {
        hough_cells(&h, 0, ys[k], 1, 0, RHO, cell);
        assert_int_equal(cell[0], cell_plain(&h, 0, 0, ys[k], 1, 0, RHO));
    }
    hough_cells(&h, 0, 0.5f, 1, 0, RHO, cell);
    assert_int_equal(cell[0], RHO + 1);   /* half away from zero */
    hough_cells(&h, 0, nextafterf(0.5f, 0), 1, 0, RHO, cell);
    assert_int_equal(cell[0], RHO);
    hough_cells(&h, 0, -27.5f, 1, 0, RHO, cell);
    assert_int_equal(cell[0], -1);   /* rounds to -28: off the cells */
    hough_cells(&h, 0, 0, 0, 1, RHO, cell);   /* a ridge across the line: no vote */
    assert_int_equal(cell[0], -1);
    hough_dirs_free(&h);
}

int main(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    /* make check-baseline runs this under qemu-user with a CPU model without AVX2, for the
     * baseline clones to be the ones tested: that they are is checked here, first. */
    if (getenv("NG_EXPECT_BASELINE_CPU") && __builtin_cpu_supports("avx2")) {
        fprintf(stderr, "test_line_cells: NG_EXPECT_BASELINE_CPU set, but this CPU has AVX2: "
                        "the AVX2 clones would be tested, not the baseline\n");
        return 1;
    }
#endif
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_line_pixels_as_one_at_a_time),
                                        cmocka_unit_test(test_hough_cells_as_lroundf) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
