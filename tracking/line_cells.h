/* Where lines fall on the working image's grid, for many samples at once: the pixels read along
 * a line, and the Hough cells a pixel votes for. The tracker's innermost loops, written as plain
 * arithmetic so that they run as vector code (AVX2 where the CPU has it, util/vector_clones.h),
 * with the same results to the bit as one sample at a time. */
#ifndef NG_LINE_CELLS_H
#define NG_LINE_CELLS_H

#include "util/geom.h"

/* The Hough's line directions as its votes read them: each line's normal (nx, ny) and its
 * doubled angle (c2, s2), as floats, one array each so that they load as vectors. */
typedef struct {
    int n;
    float *nx, *ny, *c2, *s2;
    float min_cos;   /* a pixel votes for lines within tol of its ridge: cos(2 tol) */
} hough_dirs;

/* Directions ang[0..n-1] (radians, y down), votes within tol_rad; 0, or -1 out of memory. */
int hough_dirs_init(hough_dirs *h, const double *ang, int n, double tol_rad);
void hough_dirs_free(hough_dirs *h);

/* The pixels of c + s*d for s = s0 .. s0+n-1, each the nearest (x + 0.5 truncated, from
 * -0.5 up): idx[j] its index in a w x h image, or w * h off the image. */
void line_pixels(ng_vec2 c, ng_vec2 d, int s0, int n, int w, int h, int *restrict idx);

/* The cells (a * nrho + rho_max + rho rounded half away from zero, as lroundf) a pixel at (x, y)
 * from the lines' origin, its ridge along the doubled angle (c2, s2), votes for: one per
 * direction a, -1 where it is off the ridge's directions or rho is outside +-rho_max. */
void hough_cells(const hough_dirs *h, float x, float y, float c2, float s2, int rho_max,
                 int *restrict cell);

#endif
