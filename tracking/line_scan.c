#include "tracking/line_scan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/vector_clones.h"

int line_scan_init(line_scan *s, int nang, int rho_max)
{
    s->nang = nang;
    s->rho_max = rho_max;
    s->nrho = 2 * rho_max + 1;
    size_t n = (size_t)nang * (size_t)s->nrho;
    s->sum = calloc(n, sizeof *s->sum);
    s->count = calloc(n, sizeof *s->count);
    return s->sum && s->count ? 0 : -1;
}

void line_scan_free(line_scan *s)
{
    free(s->sum);
    free(s->count);
    s->sum = NULL;
    s->count = NULL;
}

void line_scan_clear(line_scan *s)
{
    size_t n = (size_t)s->nang * (size_t)s->nrho;
    memset(s->sum, 0, n * sizeof *s->sum);
    memset(s->count, 0, n * sizeof *s->count);
}

/* Pixel c's line of direction a: rho + rho_max + 0.5 truncated is the nearest; -1 off the scan. */
static int line_of(const line_scan *s, const hough_dirs *dirs, int a, float x, float y)
{
    const float top = (float)s->nrho, shift = (float)s->rho_max + 0.5f;
    float r = dirs->nx[a] * x + dirs->ny[a] * y + shift;
    return r >= 0 && r < top ? (int)r : -1;
}

int line_scan_pixels_init(line_scan_pixels *p, const line_scan *s, const float *xs,
                          const float *ys, int n, const hough_dirs *dirs, int a0, int a1)
{
    memset(p, 0, sizeof *p);
    if (n < 0 || n > LINE_SCAN_PIXELS_MAX)
        return -1;
    p->a0 = a0;
    p->a1 = a1;
    p->n = n;
    p->blocks = (s->nrho + LINE_SCAN_BLOCK - 1) / LINE_SCAN_BLOCK;
    size_t nblocks = (size_t)(a1 - a0) * (size_t)p->blocks;
    int *len = calloc((size_t)s->nrho, sizeof *len);
    p->rows = calloc(nblocks + 1, sizeof *p->rows);
    p->first = calloc(nblocks + 1, sizeof *p->first);
    p->val = calloc((size_t)n + 1, sizeof *p->val);
    p->counts = calloc((size_t)n + 1, sizeof *p->counts);
    if (!len || !p->rows || !p->first || !p->val || !p->counts)
        goto fail;
    /* each block as long as its longest line */
    size_t total = 0;
    for (int a = a0; a < a1; a++) {
        memset(len, 0, (size_t)s->nrho * sizeof *len);
        for (int c = 0; c < n; c++) {
            int r = line_of(s, dirs, a, xs[c], ys[c]);
            if (r >= 0)
                len[r]++;
        }
        for (int b = 0; b < p->blocks; b++) {
            size_t k = (size_t)(a - a0) * (size_t)p->blocks + (size_t)b;
            for (int l = 0; l < LINE_SCAN_BLOCK && b * LINE_SCAN_BLOCK + l < s->nrho; l++)
                if (len[b * LINE_SCAN_BLOCK + l] > p->rows[k])
                    p->rows[k] = len[b * LINE_SCAN_BLOCK + l];
            p->first[k] = total;
            total += (size_t)p->rows[k] * LINE_SCAN_BLOCK;
        }
    }
    if (!(p->idx = malloc((total + 1) * sizeof *p->idx)))
        goto fail;
    for (size_t i = 0; i < total; i++)
        p->idx[i] = (uint16_t)n;
    /* each line's pixels down its column of the block, in their order */
    for (int a = a0; a < a1; a++) {
        memset(len, 0, (size_t)s->nrho * sizeof *len);
        for (int c = 0; c < n; c++) {
            int r = line_of(s, dirs, a, xs[c], ys[c]);
            if (r < 0)
                continue;
            size_t k = (size_t)(a - a0) * (size_t)p->blocks + (size_t)(r / LINE_SCAN_BLOCK);
            p->idx[p->first[k] + (size_t)len[r]++ * LINE_SCAN_BLOCK + r % LINE_SCAN_BLOCK] = (uint16_t)c;
        }
    }
    free(len);
    return 0;
fail:
    free(len);
    line_scan_pixels_free(p);
    return -1;
}

void line_scan_pixels_free(line_scan_pixels *p)
{
    free(p->rows);
    free(p->first);
    free(p->idx);
    free(p->val);
    free(p->counts);
    memset(p, 0, sizeof *p);
}

NG_VECTOR_CLONES
void line_scan_sum(line_scan *s, const line_scan_pixels *p)
{
    const float *restrict val = p->val;
    const int *restrict counts = p->counts;
    for (int a = p->a0; a < p->a1; a++)
        for (int b = 0; b < p->blocks; b++) {
            size_t k = (size_t)(a - p->a0) * (size_t)p->blocks + (size_t)b;
            const uint16_t *restrict idx = p->idx + p->first[k];
            float *line_sum = s->sum + (size_t)a * s->nrho + (size_t)b * LINE_SCAN_BLOCK;
            int *line_count = s->count + (size_t)a * s->nrho + (size_t)b * LINE_SCAN_BLOCK;
            int lines = s->nrho - b * LINE_SCAN_BLOCK < LINE_SCAN_BLOCK ? s->nrho - b * LINE_SCAN_BLOCK
                                                                          : LINE_SCAN_BLOCK;
            /* on from the sums so far (+0 when cleared, which a pixel that does not count, +0,
             * leaves +0: no bit changes) */
            float sum[LINE_SCAN_BLOCK] = { 0 };
            int count[LINE_SCAN_BLOCK] = { 0 };
            for (int l = 0; l < lines; l++) {
                sum[l] = line_sum[l];
                count[l] = line_count[l];
            }
            for (int j = 0; j < p->rows[k]; j++)
                for (int l = 0; l < LINE_SCAN_BLOCK; l++) {
                    int c = idx[j * LINE_SCAN_BLOCK + l];
                    sum[l] += val[c];
                    count[l] += counts[c];
                }
            for (int l = 0; l < lines; l++) {
                line_sum[l] = sum[l];
                line_count[l] = count[l];
            }
        }
}

double line_scan_score(const line_scan *s, int a, int r, int side, double sd, int min_count)
{
    if (r - side < 0 || r + side >= s->nrho)
        return 0;
    const float *sum = s->sum + (size_t)a * s->nrho;
    const int *count = s->count + (size_t)a * s->nrho;
    if (count[r] < min_count || count[r - side] < min_count || count[r + side] < min_count)
        return 0;
    double on = sum[r] / count[r];
    double beside = 0.5 * (sum[r - side] / count[r - side] + sum[r + side] / count[r + side]);
    return (on - beside) * sqrt(count[r]) / sd;
}
