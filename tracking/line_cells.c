#include "tracking/line_cells.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/vector_clones.h"

int hough_dirs_init(hough_dirs *h, const double *ang, int n, double tol_rad)
{
    h->n = n;
    h->nx = malloc(sizeof(float) * 4 * (size_t)n);
    if (!h->nx)
        return -1;
    h->ny = h->nx + n;
    h->c2 = h->ny + n;
    h->s2 = h->c2 + n;
    for (int a = 0; a < n; a++) {
        h->nx[a] = (float)-sin(ang[a]);
        h->ny[a] = (float)cos(ang[a]);
        h->c2[a] = (float)cos(2 * ang[a]);
        h->s2[a] = (float)sin(2 * ang[a]);
    }
    h->min_cos = (float)cos(2 * tol_rad);
    return 0;
}

void hough_dirs_free(hough_dirs *h)
{
    free(h->nx);
    h->nx = NULL;
}

NG_VECTOR_CLONES
void line_pixels(ng_vec2 c, ng_vec2 d, int s0, int n, int w, int h, int *restrict idx)
{
    const double cx = c.x, cy = c.y, dx = d.x, dy = d.y;
    for (int j = 0; j < n; j++) {
        double s = s0 + j;
        double x = cx + dx * s, y = cy + dy * s;
        int xi = (int)(x + 0.5), yi = (int)(y + 0.5);
        bool in = (x >= -0.5) & (y >= -0.5) & (xi >= 0) & (yi >= 0) & (xi < w) & (yi < h);
        idx[j] = in ? yi * w + xi : w * h;
    }
}

NG_VECTOR_CLONES
void hough_cells(const hough_dirs *h, float x, float y, float c2, float s2, int rho_max,
                 int *restrict cell)
{
    const float *restrict nx = h->nx, *restrict ny = h->ny, *restrict ca = h->c2,
                *restrict sa = h->s2;
    const float min_cos = h->min_cos;
    const int nrho = 2 * rho_max + 1;
    for (int a = 0; a < h->n; a++) {
        float rho = nx[a] * x + ny[a] * y;
        /* lroundf's rounding, exact in double (a float plus 0.5 is) */
        int k = (int)((double)rho + (rho < 0 ? -0.5 : 0.5)) + rho_max;
        bool votes = !(ca[a] * c2 + sa[a] * s2 < min_cos) & (k >= 0) & (k < nrho);
        cell[a] = votes ? a * nrho + k : -1;
    }
}
