/* The ridge filter on synthetic lines with known orientation, and its vector code (built for
 * AVX2 and for the baseline, util/vector_clones.h) against plain arithmetic, to the bit. */
#include <float.h>

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

/* The Gaussian blur and the Hessian as the arithmetic says, a pixel at a time: the same
 * operations in the same order as ridge.c's vector loops, so the same bits. */
static int clampi(int v, int n) { return v < 0 ? 0 : v >= n ? n - 1 : v; }

static void plain_ridge(const float *img, int w, int h, double sigma, float *smooth, float *st,
                        float *c2, float *s2)
{
    int k = (int)ceil(3 * sigma);
    float g[31], sum = 0, *tmp = malloc(sizeof(float) * (size_t)(w * h));
    for (int i = -k; i <= k; i++)
        sum += g[i + k] = (float)exp(-i * i / (2 * sigma * sigma));
    for (int i = 0; i <= 2 * k; i++)
        g[i] /= sum;
    assert_non_null(tmp);
    for (int pass = 0; pass < 2; pass++)   /* rows into tmp, then columns into smooth */
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) {
                float a = 0;
                for (int i = -k; i <= k; i++)
                    a += g[i + k] * (pass == 0 ? img[y * w + clampi(x + i, w)]
                                               : tmp[clampi(y + i, h) * w + x]);
                (pass == 0 ? tmp : smooth)[y * w + x] = a;
            }
    float norm = (float)(sigma * sigma);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int i = y * w + x;
            st[i] = 0, c2[i] = 1, s2[i] = 0;
            if (x == 0 || y == 0 || x == w - 1 || y == h - 1)
                continue;
            const float *p = smooth + i;
            float a = (p[-1] - 2 * p[0] + p[1]) * norm, c = (p[-w] - 2 * p[0] + p[w]) * norm;
            float b = (p[w + 1] - p[w - 1] - p[-w + 1] + p[-w - 1]) * 0.25f * norm;
            float half = 0.5f * (a - c), root = sqrtf(half * half + b * b);
            float l1 = 0.5f * (a + c) + root, l2 = 0.5f * (a + c) - root, v = -l2 - fabsf(l1);
            if (l2 < 0 && v > 0) {
                st[i] = v;
                c2[i] = half / (root + FLT_MIN);
                s2[i] = b / (root + FLT_MIN);
            }
        }
    free(tmp);
}

/* Speckle-like noise and a line, at an odd size (vector loops' tails) and at the tracker's. */
static void test_vector_code_same_bits(void **s)
{
    (void)s;
    const int sizes[][2] = { { 97, 61 }, { 310, 240 } };
    for (int n = 0; n < 2; n++) {
        int w = sizes[n][0], h = sizes[n][1];
        size_t px = (size_t)(w * h);
        float *img = malloc(px * sizeof(float)), *want = malloc(4 * px * sizeof(float));
        uint32_t rng = 12345;
        for (size_t i = 0; i < px; i++) {
            rng = rng * 1664525u + 1013904223u;
            img[i] = (float)(rng >> 24) + (i % (size_t)w == i / (size_t)w ? 120.0f : 0.0f);
        }
        ridge_map r;
        assert_int_equal(ridge_init(&r, w, h), 0);
        for (double sigma = 0.8; sigma < 3; sigma += 0.7) {
            ridge_compute(&r, img, NULL, sigma);
            plain_ridge(img, w, h, sigma, want, want + px, want + 2 * px, want + 3 * px);
            assert_memory_equal(r.smooth, want, px * sizeof(float));
            assert_memory_equal(r.strength, want + px, px * sizeof(float));
            assert_memory_equal(r.cos2, want + 2 * px, px * sizeof(float));
            assert_memory_equal(r.sin2, want + 3 * px, px * sizeof(float));
        }
        ridge_free(&r);
        free(img);
        free(want);
    }
}

int main(void)
{
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    /* make check-baseline runs this under qemu-user with a CPU model without AVX2, for the
     * baseline clones to be the ones tested: that they are is checked here, first. */
    if (getenv("NG_EXPECT_BASELINE_CPU") && __builtin_cpu_supports("avx2")) {
        fprintf(stderr, "test_ridge: NG_EXPECT_BASELINE_CPU set, but this CPU has AVX2: the AVX2 "
                        "clones would be tested, not the baseline\n");
        return 1;
    }
#endif
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_orientation_and_strength),
                                        cmocka_unit_test(test_vector_code_same_bits) };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
