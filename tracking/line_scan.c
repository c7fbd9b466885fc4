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
    size_t n = (size_t)nang * (size_t)s->nrho + 1;   /* + the cell off the scan */
    s->sum = malloc(n * sizeof *s->sum);
    s->count = malloc(n * sizeof *s->count);
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
    size_t n = (size_t)s->nang * (size_t)s->nrho + 1;
    memset(s->sum, 0, n * sizeof *s->sum);
    memset(s->count, 0, n * sizeof *s->count);
}

NG_VECTOR_CLONES
void line_scan_add(line_scan *s, const float *val, const float *xs, const float *ys, int n,
                   const hough_dirs *dirs, int a0, int a1)
{
    enum { CHUNK = 256 };
    int bin[CHUNK];
    const float top = (float)s->nrho, shift = (float)s->rho_max + 0.5f;
    for (int a = a0; a < a1; a++) {
        const float nx = dirs->nx[a], ny = dirs->ny[a];
        float *sum = s->sum + (size_t)a * s->nrho;
        int *count = s->count + (size_t)a * s->nrho;
        /* the cell after the last line's, where what falls off the scan goes: no branch */
        const int off = (s->nang - a) * s->nrho;
        for (int c0 = 0; c0 < n; c0 += CHUNK) {
            int m = n - c0 < CHUNK ? n - c0 : CHUNK;
            /* The bins first, in a loop of plain arithmetic that runs as vector code: rho +
             * rho_max + 0.5 truncated is the nearest bin. */
            for (int c = 0; c < m; c++) {
                float r = nx * xs[c0 + c] + ny * ys[c0 + c] + shift;
                bin[c] = ((r >= 0) & (r < top)) ? (int)r : off;
            }
            for (int c = 0; c < m; c++) {
                sum[bin[c]] += val[c0 + c];
                count[bin[c]]++;
            }
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
