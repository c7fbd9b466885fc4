/* The line scan (tracking/line_scan.h): a straight line too faint for any pixel of it to stand
 * out is found by summing along it. */
#include "test_util.h"

#include "tracking/line_scan.h"

#define W 160
#define H 160
#define NANG 41   /* -20 .. +20 deg about 40 deg, every 1 deg */
#define RHO_MAX 30

static uint32_t rng = 777;
static double gauss(void)   /* Box-Muller on an LCG: the same noise every run */
{
    double u[2];
    for (int k = 0; k < 2; k++) {
        rng = rng * 1664525u + 1013904223u;
        u[k] = ((rng >> 8) + 0.5) / (double)(1u << 24);
    }
    return sqrt(-2 * log(u[0])) * cos(2 * M_PI * u[1]);
}

static float img[W * H], xs[W * H], ys[W * H];

/* Noise of sd 1 around 50, plus a line of peak amp through (ox, oy) + rho * normal at deg. */
static void draw(double amp, double deg, double rho, double ox, double oy)
{
    double a = deg * M_PI / 180, nx = -sin(a), ny = cos(a);
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            double d = (x - ox) * nx + (y - oy) * ny - rho;
            img[y * W + x] = (float)(50 + gauss() + amp * exp(-d * d / 2));
        }
}

/* The directions as the tracker hands them over: the Hough's (only their normals are read). */
static hough_dirs dirs_of(const double *ang, int n)
{
    hough_dirs d;
    assert_int_equal(hough_dirs_init(&d, ang, n, 0.1), 0);
    return d;
}

/* Values v of the n pixels at (x, y) summed along the lines of directions 0..na-1 (counts: which
 * pixels count; NULL, all). */
static void sum_lines(line_scan *sc, const float *v, const int *counts, const float *x,
                      const float *y, int n, const hough_dirs *dirs, int na)
{
    line_scan_pixels px;
    assert_int_equal(line_scan_pixels_init(&px, sc, x, y, n, dirs, 0, na), 0);
    for (int c = 0; c < n; c++)
        line_scan_set(&px, c, v[c], counts ? counts[c] : 1);
    line_scan_clear(sc);
    line_scan_sum(sc, &px);
    line_scan_pixels_free(&px);
}

static void test_faint_line_found(void **s)
{
    (void)s;
    double ang[NANG];
    for (int a = 0; a < NANG; a++)
        ang[a] = (20 + a) * M_PI / 180;
    hough_dirs dirs = dirs_of(ang, NANG);
    const double ox = 20, oy = 20;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            xs[y * W + x] = (float)(x - ox);
            ys[y * W + x] = (float)(y - oy);
        }
    line_scan sc;
    assert_int_equal(line_scan_init(&sc, NANG, RHO_MAX), 0);
    const struct { double deg, rho; } cases[] = { { 40, 0 }, { 33, 12 }, { 51, -17 } };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        /* 0.6 sd: a pixel threshold at 1.5 sd keeps barely more of the line than of the noise */
        draw(0.6, cases[k].deg, cases[k].rho, ox, oy);
        int above = 0, on = 0;
        double a = cases[k].deg * M_PI / 180;
        for (int t = 0; t < 100; t++) {
            int x = (int)lround(ox - sin(a) * cases[k].rho + cos(a) * t);
            int y = (int)lround(oy + cos(a) * cases[k].rho + sin(a) * t);
            if (x >= 0 && y >= 0 && x < W && y < H) {
                on++;
                above += img[y * W + x] > 51.5f;
            }
        }
        assert_true(above < 0.3 * on);
        sum_lines(&sc, img, NULL, xs, ys, W * H, &dirs, NANG);
        int best_a = 0, best_r = 0;
        double best = -1e9;
        for (int ai = 0; ai < NANG; ai++)
            for (int r = 0; r < sc.nrho; r++) {
                double z = line_scan_score(&sc, ai, r, 3, 1.0, 20);
                if (z > best) {
                    best = z;
                    best_a = ai;
                    best_r = r;
                }
            }
        if (abs(best_a - (int)(cases[k].deg - 20)) > 1 ||
            abs(best_r - RHO_MAX - (int)cases[k].rho) > 1)
            fail_msg("line at %.0f deg, rho %.0f: found %d deg, rho %d (score %.1f)",
                     cases[k].deg, cases[k].rho, best_a + 20, best_r - RHO_MAX, best);
        assert_true(best > 6.5);
    }
    /* no line: nothing scores like one */
    draw(0, 40, 0, ox, oy);
    sum_lines(&sc, img, NULL, xs, ys, W * H, &dirs, NANG);
    double top = 0;
    for (int ai = 0; ai < NANG; ai++)
        for (int r = 0; r < sc.nrho; r++)
            top = fmax(top, line_scan_score(&sc, ai, r, 3, 1.0, 20));
    assert_true(top < 5.0);
    line_scan_free(&sc);
    hough_dirs_free(&dirs);
}

static void test_score_edges(void **s)
{
    (void)s;
    line_scan sc;
    assert_int_equal(line_scan_init(&sc, 1, 5), 0);
    double ang[1] = { 0 };   /* horizontal lines: rho is y */
    float v[] = { 1, 1, 1, 4, 4, 4, 1, 1, 1 }, x[9], y[9];
    for (int i = 0; i < 9; i++) {
        x[i] = (float)(i % 3);
        y[i] = (float)(i / 3 - 1);   /* rows at rho -1, 0, +1 */
    }
    hough_dirs dirs = dirs_of(ang, 1);
    sum_lines(&sc, v, NULL, x, y, 9, &dirs, 1);
    hough_dirs_free(&dirs);
    assert_int_equal(sc.count[5], 3);
    assert_float_equal(sc.sum[5], 12, 1e-6);
    /* rho 0 is 3 above both neighbours, over 3 pixels of sd 1 */
    assert_float_equal(line_scan_score(&sc, 0, 5, 1, 1.0, 3), 3 * sqrt(3), 1e-6);
    assert_float_equal(line_scan_score(&sc, 0, 5, 1, 1.0, 4), 0, 0);      /* too short */
    assert_float_equal(line_scan_score(&sc, 0, 5, 2, 1.0, 1), 0, 0);      /* empty neighbours */
    assert_float_equal(line_scan_score(&sc, 0, 0, 1, 1.0, 0), 0, 0);      /* off the scan */
    line_scan_free(&sc);
}

/* Pixels off the scan (|rho| > rho_max) count on no line, of any direction. */
static void test_off_the_scan_counted_nowhere(void **s)
{
    (void)s;
    enum { NA = 3, RMAX = 5 };
    line_scan sc;
    assert_int_equal(line_scan_init(&sc, NA, RMAX), 0);
    double ang[NA] = { 0, 0.1, 0.2 };   /* near horizontal: rho ~ y */
    float v[] = { 1, 2, 4, 8, 16, 32 }, x[6] = { 0 }, y[] = { 0, -50, 50, 0, -9, 300 };
    hough_dirs dirs = dirs_of(ang, NA);
    sum_lines(&sc, v, NULL, x, y, 6, &dirs, NA);
    hough_dirs_free(&dirs);
    for (int a = 0; a < NA; a++)
        for (int r = 0; r < sc.nrho; r++) {
            int i = a * sc.nrho + r;
            if (r == RMAX) {   /* rho 0: the two pixels at y = 0 */
                assert_int_equal(sc.count[i], 2);
                assert_float_equal(sc.sum[i], 9, 0);
            } else {
                assert_int_equal(sc.count[i], 0);
                assert_float_equal(sc.sum[i], 0, 0);
            }
        }
    line_scan_free(&sc);
}

/* Each line's sum is its counting pixels' values added one by one in their order, from 0: the
 * very bits of scattering the pixels into the lines one at a time (what the tracker did before
 * the lines were laid out side by side). Pixels that do not count this frame, off the scan and
 * with values of every size, over two paths that split the directions, and the pixels split
 * into two sets summed one after the other. */
static void test_sums_are_the_scatters_to_the_bit(void **s)
{
    (void)s;
    enum { NA = 30, RMAX = 13, N = 2500 };
    double ang[NA];
    for (int a = 0; a < NA; a++)
        ang[a] = (25 + 0.5 * a) * M_PI / 180;
    hough_dirs dirs = dirs_of(ang, NA);
    static float x[N], y[N], v[N], ref_sum[NA * (2 * RMAX + 1)];
    static int counts[N], ref_count[NA * (2 * RMAX + 1)];
    for (int c = 0; c < N; c++) {   /* a strip along 35 deg, wider than the scan, row by row */
        x[c] = (float)(c % 50 - 10);
        y[c] = (float)(c / 50 - 5);
        v[c] = (float)(exp(3 * gauss()) * (1 + 1e-3 * c));   /* 0.0001 to 10^4 */
        counts[c] = c % 7 != 3;
    }
    line_scan sc;
    assert_int_equal(line_scan_init(&sc, NA, RMAX), 0);
    const int nrho = sc.nrho;
    memset(ref_sum, 0, sizeof ref_sum);
    memset(ref_count, 0, sizeof ref_count);
    for (int a = 0; a < NA; a++)
        for (int c = 0; c < N; c++) {
            float r = dirs.nx[a] * x[c] + dirs.ny[a] * y[c] + (float)RMAX + 0.5f;
            if (counts[c] && r >= 0 && r < (float)nrho) {
                ref_sum[a * nrho + (int)r] += v[c];
                ref_count[a * nrho + (int)r]++;
            }
        }
    line_scan_pixels px[2];
    line_scan_clear(&sc);
    for (int k = 0; k < 2; k++) {   /* directions 0..11, then 12..29 */
        assert_int_equal(line_scan_pixels_init(&px[k], &sc, x, y, N, &dirs, k ? 12 : 0, k ? NA : 12), 0);
        for (int c = 0; c < N; c++)
            line_scan_set(&px[k], c, v[c], counts[c]);
        line_scan_sum(&sc, &px[k]);
    }
    int off = 0, counted = 0;
    for (int i = 0; i < NA * nrho; i++) {
        if (memcmp(&sc.sum[i], &ref_sum[i], sizeof(float)) || sc.count[i] != ref_count[i])
            fail_msg("line %d (direction %d, r %d): %.9g over %d, scattered %.9g over %d", i,
                     i / nrho, i % nrho, sc.sum[i], sc.count[i], ref_sum[i], ref_count[i]);
        counted += ref_count[i];
    }
    for (int c = 0; c < N; c++)
        off += counts[c];
    assert_true(counted < off * NA);   /* some pixels were off the scan */
    assert_true(counted > off * NA / 2);
    /* the pixels in two sets, summed one after the other: the same bits again */
    line_scan_pixels half[2];
    line_scan_clear(&sc);
    for (int k = 0; k < 2; k++) {
        int c0 = k ? 1100 : 0, n = k ? N - 1100 : 1100;
        assert_int_equal(line_scan_pixels_init(&half[k], &sc, x + c0, y + c0, n, &dirs, 0, NA), 0);
        for (int c = 0; c < n; c++)
            line_scan_set(&half[k], c, v[c0 + c], counts[c0 + c]);
        line_scan_sum(&sc, &half[k]);
        line_scan_pixels_free(&half[k]);
    }
    for (int i = 0; i < NA * nrho; i++)
        if (memcmp(&sc.sum[i], &ref_sum[i], sizeof(float)) || sc.count[i] != ref_count[i])
            fail_msg("two sets, line %d: %.9g over %d, scattered %.9g over %d", i, sc.sum[i],
                     sc.count[i], ref_sum[i], ref_count[i]);
    /* a pixel that stops counting leaves its lines */
    line_scan_set(&px[0], 60, 5, 0);
    line_scan_clear(&sc);
    line_scan_sum(&sc, &px[0]);
    int lines = 0;
    for (int i = 0; i < 12 * nrho; i++)
        lines += sc.count[i] != ref_count[i];
    assert_int_equal(lines, counts[60] ? 12 : 0);
    for (int k = 0; k < 2; k++)
        line_scan_pixels_free(&px[k]);
    /* a set larger than its 16-bit indices reach is refused, not wrapped */
    float *many = calloc(LINE_SCAN_PIXELS_MAX + 1, sizeof *many);
    assert_non_null(many);
    line_scan_pixels big;
    assert_int_equal(line_scan_pixels_init(&big, &sc, many, many, LINE_SCAN_PIXELS_MAX + 1, &dirs, 0, 1), -1);
    assert_int_equal(line_scan_pixels_init(&big, &sc, many, many, LINE_SCAN_PIXELS_MAX, &dirs, 0, 1), 0);
    for (int c = 0; c < LINE_SCAN_PIXELS_MAX; c++)
        line_scan_set(&big, c, 1, 1);
    line_scan_clear(&sc);
    line_scan_sum(&sc, &big);   /* all at the origin: rho 0 */
    assert_int_equal(sc.count[RMAX], LINE_SCAN_PIXELS_MAX);
    line_scan_pixels_free(&big);
    free(many);
    line_scan_free(&sc);
    hough_dirs_free(&dirs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_faint_line_found),
        cmocka_unit_test(test_score_edges),
        cmocka_unit_test(test_off_the_scan_counted_nowhere),
        cmocka_unit_test(test_sums_are_the_scatters_to_the_bit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
