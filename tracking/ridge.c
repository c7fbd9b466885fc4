#include "tracking/ridge.h"

#include <math.h>
#include <stdlib.h>

int ridge_init(ridge_map *r, int w, int h)
{
    size_t n = (size_t)w * (size_t)h;
    r->w = w;
    r->h = h;
    r->strength = malloc(n * sizeof(float));
    r->orientation = malloc(n * sizeof(float));
    r->tmp = malloc(n * sizeof(float));
    r->smooth = malloc(n * sizeof(float));
    return r->strength && r->orientation && r->tmp && r->smooth ? 0 : -1;
}

void ridge_free(ridge_map *r)
{
    free(r->strength);
    free(r->orientation);
    free(r->tmp);
    free(r->smooth);
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
    /* rows: clamped at the edges, straight through the interior */
    for (int y = 0; y < h; y++) {
        const float *row = in + (size_t)y * w;
        float *o = r->tmp + (size_t)y * w;
        for (int x = 0; x < w; x++) {
            float a = 0;
            if (x >= k && x < w - k) {
                for (int i = -k; i <= k; i++)
                    a += g[i + k] * row[x + i];
            } else {
                for (int i = -k; i <= k; i++) {
                    int xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
                    a += g[i + k] * row[xx];
                }
            }
            o[x] = a;
        }
    }
    /* columns, a row at a time so the inner loop runs along memory */
    for (int y = 0; y < h; y++) {
        float *o = out + (size_t)y * w;
        for (int x = 0; x < w; x++)
            o[x] = 0;
        for (int i = -k; i <= k; i++) {
            int yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
            const float *src = r->tmp + (size_t)yy * w;
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

void ridge_hessian(ridge_map *r, const float *s, const unsigned char *mask, double sigma)
{
    int w = r->w, h = r->h;
    float norm = (float)(sigma * sigma);   /* scale-normalised second derivatives */
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            int i = y * w + x;
            if (x == 0 || y == 0 || x == w - 1 || y == h - 1 || (mask && !mask[i])) {
                r->strength[i] = 0;
                r->orientation[i] = 0;
                continue;
            }
            float a = (s[i - 1] - 2 * s[i] + s[i + 1]) * norm;            /* Ixx */
            float c = (s[i - w] - 2 * s[i] + s[i + w]) * norm;            /* Iyy */
            float b = (s[i + w + 1] - s[i + w - 1] - s[i - w + 1] + s[i - w - 1]) * 0.25f * norm;
            float half = 0.5f * (a - c), root = sqrtf(half * half + b * b);
            float l1 = 0.5f * (a + c) + root, l2 = 0.5f * (a + c) - root;  /* l1 >= l2 */
            /* A bright line: strongly negative across it (l2), flat along it (l1 near 0). */
            float st = l2 < 0 ? -l2 - fabsf(l1) : 0;
            r->strength[i] = st > 0 ? st : 0;
            /* The eigenvector of l1 runs along the line (only needed where there is a ridge). */
            r->orientation[i] = st > 0 ? 0.5f * atan2f(2 * b, a - c) : 0;
        }
}
