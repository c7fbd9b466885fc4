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

/* Separable Gaussian blur with clamped edges. */
NG_VECTOR_CLONES
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
    /* rows: clamped at the edges; through the interior a tap at a time along the row, which
     * the compiler turns into vector code (each output's sum in the same order either way) */
    for (int y = 0; y < h; y++) {
        const float *restrict row = in + (size_t)y * w;
        float *restrict o = r->tmp + (size_t)y * w;
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
        for (int x = x0; x < x1; x++)
            o[x] = 0;
        for (int i = -k; i <= k; i++) {
            float gi = g[i + k];
            for (int x = x0; x < x1; x++)
                o[x] += gi * row[x + i];
        }
    }
    /* columns, a row at a time so the inner loop runs along memory */
    for (int y = 0; y < h; y++) {
        float *restrict o = out + (size_t)y * w;
        for (int x = 0; x < w; x++)
            o[x] = 0;
        for (int i = -k; i <= k; i++) {
            int yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
            const float *restrict src = r->tmp + (size_t)yy * w;
            float gi = g[i + k];
            for (int x = 0; x < w; x++)
                o[x] += gi * src[x];
        }
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
