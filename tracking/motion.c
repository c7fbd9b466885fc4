#include "tracking/motion.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ERODE 4          /* pixels kept clear of the mask's edge */
#define MAX_SHIFT 4.0    /* beyond this the linearisation has long stopped holding */

int motion_init(motion_map *m, int w, int h, double decay, int band_h)
{
    memset(m, 0, sizeof *m);
    size_t n = (size_t)w * (size_t)h;
    m->w = w;
    m->h = h;
    m->decay = decay;
    int nb = band_h > 0 ? (int)lround((double)h / band_h) : 1;
    m->field.nbands = nb < 1 ? 1 : nb > MOTION_MAX_BANDS ? MOTION_MAX_BANDS : nb;
    m->field.band_h = (double)h / m->field.nbands;
    m->prev = malloc(n * sizeof(float));
    m->warped = malloc(n * sizeof(float));
    m->trail = calloc(n, sizeof(float));
    if (!m->prev || !m->warped || !m->trail) {
        motion_free(m);
        return -1;
    }
    return 0;
}

void motion_free(motion_map *m)
{
    free(m->prev);
    free(m->warped);
    free(m->trail);
    m->prev = m->warped = m->trail = NULL;
}

void motion_reset(motion_map *m)
{
    m->primed = false;
    for (int k = 0; k < MOTION_MAX_BANDS; k++)
        m->field.d[k] = ng_v2(0, 0);
    memset(m->trail, 0, sizeof(float) * (size_t)m->w * (size_t)m->h);
}

static bool interior(const uint8_t *mask, int w, int x, int y)
{
    size_t i = (size_t)y * (size_t)w + (size_t)x;
    return mask[i] && mask[i - ERODE] && mask[i + ERODE] && mask[i - (size_t)ERODE * (size_t)w] &&
           mask[i + (size_t)ERODE * (size_t)w];
}

/* Bilinear sample of img at (x, y), or -1 when it falls outside. */
static float sample(const float *img, int w, int h, double x, double y)
{
    if (x < 0 || y < 0 || x > w - 1.001 || y > h - 1.001)
        return -1;
    int xi = (int)x, yi = (int)y;
    float fx = (float)(x - xi), fy = (float)(y - yi);
    const float *p = img + (size_t)yi * (size_t)w + (size_t)xi;
    return (p[0] * (1 - fx) + p[1] * fx) * (1 - fy) + (p[w] * (1 - fx) + p[w + 1] * fx) * fy;
}

/* Inverse compositional Lucas-Kanade for a translation: the normal matrix comes from prev once;
 * each iteration samples cur once per pixel and takes prev's gradient again (four loads, cheaper
 * than keeping two gradient images). Every second pixel each way: the images are smooth. */
ng_vec2 motion_estimate(const float *prev, const float *cur, const uint8_t *mask, int w, int h,
                        int y0, int y1, bool *ok)
{
    const int m0 = ERODE + 2;
    if (y0 < m0)
        y0 = m0;
    if (y1 > h - m0)
        y1 = h - m0;
    *ok = false;
    double sxx = 0, sxy = 0, syy = 0;
    long n = 0;
    for (int y = y0; y < y1; y += 2)
        for (int x = m0; x < w - m0; x += 2) {
            if (!interior(mask, w, x, y))
                continue;
            size_t i = (size_t)y * (size_t)w + (size_t)x;
            double gx = 0.5 * (prev[i + 1] - prev[i - 1]), gy = 0.5 * (prev[i + w] - prev[i - w]);
            sxx += gx * gx;
            sxy += gx * gy;
            syy += gy * gy;
            n++;
        }
    /* texture in both directions: a gradient of at least ~0.3 grey a pixel on average, and
     * not all of it one way */
    double det = sxx * syy - sxy * sxy;
    if (n < 50 || sxx + syy < 0.1 * (double)n || det <= 0.01 * (sxx + syy) * (sxx + syy))
        return ng_v2(0, 0);
    ng_vec2 d = ng_v2(0, 0);
    for (int it = 0; it < 6; it++) {
        double bx = 0, by = 0;
        for (int y = y0; y < y1; y += 2)
            for (int x = m0; x < w - m0; x += 2) {
                if (!interior(mask, w, x, y))
                    continue;
                float c = sample(cur, w, h, x + d.x, y + d.y);
                if (c < 0)
                    continue;
                size_t i = (size_t)y * (size_t)w + (size_t)x;
                double e = c - prev[i];
                bx += 0.5 * (prev[i + 1] - prev[i - 1]) * e;
                by += 0.5 * (prev[i + w] - prev[i - w]) * e;
            }
        ng_vec2 step = ng_v2((syy * bx - sxy * by) / det, (sxx * by - sxy * bx) / det);
        d = ng_v2_sub(d, step);
        if (ng_v2_len(d) > MAX_SHIFT)
            return ng_v2(0, 0);
        if (ng_v2_len(step) < 0.005)
            break;
    }
    *ok = true;
    return d;
}

void motion_estimate_field(const float *prev, const float *cur, const uint8_t *mask, int w, int h,
                           motion_field *f)
{
    bool ok[MOTION_MAX_BANDS];
    int nok = 0;
    for (int k = 0; k < f->nbands; k++) {
        int y0 = (int)(k * f->band_h), y1 = k + 1 == f->nbands ? h : (int)((k + 1) * f->band_h);
        f->d[k] = motion_estimate(prev, cur, mask, w, h, y0, y1, &ok[k]);
        nok += ok[k];
    }
    for (int k = 0; k < f->nbands && nok > 0; k++) {   /* the nearest band that had texture */
        for (int r = 1; !ok[k] && r < f->nbands; r++) {
            if (k - r >= 0 && ok[k - r]) {
                f->d[k] = f->d[k - r];
                break;
            }
            if (k + r < f->nbands && ok[k + r]) {
                f->d[k] = f->d[k + r];
                break;
            }
        }
    }
}

ng_vec2 motion_field_at(const motion_field *f, double y)
{
    double u = y / f->band_h - 0.5;
    if (u <= 0 || f->nbands == 1)
        return f->d[0];
    if (u >= f->nbands - 1)
        return f->d[f->nbands - 1];
    int k = (int)u;
    return ng_v2_lerp(f->d[k], f->d[k + 1], u - k);
}

void motion_warp(const float *in, float *out, int w, int h, const motion_field *f)
{
    for (int y = 0; y < h; y++) {
        ng_vec2 d = motion_field_at(f, y);
        for (int x = 0; x < w; x++) {
            float v = sample(in, w, h, x - d.x, y - d.y);
            out[(size_t)y * (size_t)w + (size_t)x] = v < 0 ? in[(size_t)y * (size_t)w + (size_t)x] : v;
        }
    }
}

void motion_update(motion_map *m, const float *cur, const uint8_t *mask)
{
    size_t n = (size_t)m->w * (size_t)m->h;
    if (m->primed) {
        motion_estimate_field(m->prev, cur, mask, m->w, m->h, &m->field);
        /* the trail follows the tissue ... */
        motion_warp(m->trail, m->warped, m->w, m->h, &m->field);
        float *t = m->trail;
        m->trail = m->warped;
        m->warped = t;
        /* ... and gains what got brighter against the registered previous frame */
        motion_warp(m->prev, m->warped, m->w, m->h, &m->field);
        float k = (float)m->decay;
        for (size_t i = 0; i < n; i++) {
            float grew = cur[i] - m->warped[i];
            m->trail[i] = mask[i] ? k * m->trail[i] + (grew > 0 ? grew : 0) : 0;
        }
    }
    memcpy(m->prev, cur, n * sizeof(float));
    m->primed = true;
}
