/* Line integrals (a Radon transform) of an image over a fan of directions through a corridor.
 * Summing along a line lifts a faint shaft out of the speckle where no pixel of it stands out
 * alone: the matched filter for a straight echo, with no threshold to lose it below. */
#ifndef NG_LINE_SCAN_H
#define NG_LINE_SCAN_H

#include <stdint.h>

#include "tracking/line_cells.h"

typedef struct {
    int nang, nrho, rho_max;   /* lines: direction a, offset rho = r - rho_max (pixels) */
    float *sum;                /* nang x nrho: values summed along each line (+ 1: off the scan) */
    int *count;                /* and the pixels summed */
} line_scan;

int line_scan_init(line_scan *s, int nang, int rho_max);
void line_scan_free(line_scan *s);
void line_scan_clear(line_scan *s);
/* Adds n pixels of values val at positions (xs, ys), relative to the lines' origin, to the lines
 * of directions a0..a1-1 of dirs (their normals: the Hough's own, so that both see one line). */
void line_scan_add(line_scan *s, const float *val, const float *xs, const float *ys, int n,
                   const hough_dirs *dirs, int a0, int a1);
/* How much line (a, r) is brighter than the lines `side` bins either side of it, in units of
 * the pixel noise sd over the line's length: mean difference x sqrt(count) / sd. 0 when a
 * neighbour is outside the scan or a line is too short to judge (< min_count pixels). */
double line_scan_score(const line_scan *s, int a, int r, int side, double sd, int min_count);

#endif
