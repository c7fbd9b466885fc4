#include "tracking/ridge.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "util/vector_clones.h"

int ridge_init(ridge_map *r, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    r->w = w;
    r->h = h;
    r->strength = malloc(n * sizeof(float));
    r->cos2 = malloc(n * sizeof(float));
    r->sin2 = malloc(n * sizeof(float));
    r->tmp = malloc(n * sizeof(float));
    r->smooth = malloc(n * sizeof(float));
    return r->strength && r->cos2 && r->sin2 && r->tmp && r->smooth ? 0 : -1;
}

void ridge_free(ridge_map *r)
{
    free(r->strength);
    free(r->cos2);
    free(r->sin2);
    free(r->tmp);
    free(r->smooth);
}

/* Eight floats, loaded and stored anywhere (4-byte aligned): the blur's accumulator. GCC's
 * vector extension; the baseline build does it as two SSE halves. */
typedef float f8 __attribute__((vector_size(32), aligned(4)));

/* out[x] = sum over i of g[i] * taps[i][x] for x in 0 .. n-1, the taps added in order onto 0
 * (as a scalar loop would). Outputs go 32 at a time, four registers kept through all the taps:
 * four additions in flight, where one register would wait on its previous addition at each. */
NG_VECTOR_CLONES
static void weigh_taps(const float *const *taps, const float *g, int ntaps, int n,
                       float *restrict out)
{
    int x = 0;
    for (; x + 32 <= n; x += 32) {
        f8 a0 = { 0 }, a1 = { 0 }, a2 = { 0 }, a3 = { 0 };
        for (int i = 0; i < ntaps; i++) {
            const float *t = taps[i] + x, gi = g[i];
            a0 += gi * *(const f8 *)t;
            a1 += gi * *(const f8 *)(t + 8);
            a2 += gi * *(const f8 *)(t + 16);
            a3 += gi * *(const f8 *)(t + 24);
        }
        *(f8 *)(out + x) = a0;
        *(f8 *)(out + x + 8) = a1;
        *(f8 *)(out + x + 16) = a2;
        *(f8 *)(out + x + 24) = a3;
    }
    for (; x + 8 <= n; x += 8) {
        f8 acc = { 0 };
        for (int i = 0; i < ntaps; i++)
            acc += g[i] * *(const f8 *)(taps[i] + x);
        *(f8 *)(out + x) = acc;
    }
    for (; x < n; x++) {
        float acc = 0;
        for (int i = 0; i < ntaps; i++)
            acc += g[i] * taps[i][x];
        out[x] = acc;
    }
}

/* Separable Gaussian blur with clamped edges. */
static void blur(ridge_map *r, const float *in, float *out, double sigma)
{
    int k = (int)ceil(3 * sigma);
    if (k > 15)
        k = 15;
    float g[31], sum = 0;
    for (int i = -k; i <= k; i++)
        sum += g[i + k] = (float)exp(-i * i / (2 * sigma * sigma));
    for (int i = 0; i <= 2 * k; i++)
        g[i] /= sum;
    int w = r->w, h = r->h;
    int x0 = k < w ? k : w, x1 = w - k > x0 ? w - k : x0;   /* the interior: no clamping */
    const float *taps[31];
    /* rows: clamped at the edges; the interior reads each tap shifted along the row */
    for (int y = 0; y < h; y++) {
        const float *row = in + (size_t)y * w;
        float *o = r->tmp + (size_t)y * w;
        for (int x = 0; x < w; x++) {
            if (x == x0)
                x = x1;   /* the interior comes below */
            if (x >= w)
                break;
            float a = 0;
            for (int i = -k; i <= k; i++) {
                int xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
                a += g[i + k] * row[xx];
            }
            o[x] = a;
        }
        if (x1 == x0)
            continue;   /* a row no wider than the kernel: no interior */
        for (int i = -k; i <= k; i++)
            taps[i + k] = row + x0 + i;   /* x0 is k: the first tap starts at the row's start */
        weigh_taps(taps, g, 2 * k + 1, x1 - x0, o + x0);
    }
    /* columns: the rows above and below, clamped at the edges */
    for (int y = 0; y < h; y++) {
        for (int i = -k; i <= k; i++) {
            int yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
            taps[i + k] = r->tmp + (size_t)yy * w;
        }
        weigh_taps(taps, g, 2 * k + 1, w, out + (size_t)y * w);
    }
}

void ridge_compute(ridge_map *r, const float *img, const unsigned char *mask, double sigma)
{
    ridge_smooth(r, img, sigma);
    ridge_hessian(r, r->smooth, mask, sigma);
}

void ridge_smooth(ridge_map *r, const float *img, double sigma)
{
    blur(r, img, r->smooth, sigma);
}

/* One row inside the border (x = 1 .. w-2; row[-w] and row[w] are the rows either side),
 * written as straight arithmetic so that it runs as vector code. */
NG_VECTOR_CLONES
static void hessian_row(const float *row, int w, float norm, float *restrict st,
                        float *restrict c2, float *restrict s2)
{
    for (int x = 1; x < w - 1; x++) {
        float a = (row[x - 1] - 2 * row[x] + row[x + 1]) * norm;                    /* Ixx */
        float c = (row[x - w] - 2 * row[x] + row[x + w]) * norm;                    /* Iyy */
        float b = (row[x + w + 1] - row[x + w - 1] - row[x - w + 1] + row[x - w - 1]) * 0.25f *
                  norm;                                                             /* Ixy */
        float half = 0.5f * (a - c), root = sqrtf(half * half + b * b);
        float l1 = 0.5f * (a + c) + root, l2 = 0.5f * (a + c) - root;  /* l1 >= l2 */
        /* A bright line: strongly negative across it (l2), flat along it (l1 near 0). */
        float v = -l2 - fabsf(l1);
        st[x] = ((l2 < 0) & (v > 0)) ? v : 0;   /* &, not &&: no branch */
        /* The eigenvector of l1 runs along the line: 2 theta = atan2(2b, a - c), whose cosine
         * and sine these are (FLT_MIN: root is 0 on a flat patch). Off ridges they are reset
         * after: a division under a condition would keep this loop from vector code. */
        c2[x] = half / (root + FLT_MIN);
        s2[x] = b / (root + FLT_MIN);
    }
}

void ridge_hessian(ridge_map *r, const float *s, const unsigned char *mask, double sigma)
{
    int w = r->w, h = r->h;
    float norm = (float)(sigma * sigma);   /* scale-normalised second derivatives */
    for (int y = 0; y < h; y++) {
        float *restrict st = r->strength + (size_t)y * w;
        float *restrict c2 = r->cos2 + (size_t)y * w, *restrict s2 = r->sin2 + (size_t)y * w;
        st[0] = st[w - 1] = 0;   /* the border: no second derivative */
        if (y == 0 || y == h - 1)
            for (int x = 0; x < w; x++)
                st[x] = 0;
        else
            hessian_row(s + (size_t)y * w, w, norm, st, c2, s2);
        if (mask) {
            const unsigned char *m = mask + (size_t)y * w;
            for (int x = 0; x < w; x++)
                st[x] = m[x] ? st[x] : 0;
        }
        for (int x = 0; x < w; x++) {   /* no direction off ridges */
            c2[x] = st[x] > 0 ? c2[x] : 1;
            s2[x] = st[x] > 0 ? s2[x] : 0;
        }
    }
}

float ridge_orientation(const ridge_map *r, int i)
{
    return 0.5f * atan2f(r->sin2[i], r->cos2[i]);
}
