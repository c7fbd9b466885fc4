/* Line integrals (a Radon transform) of an image over a fan of directions through a corridor.
 * Summing along a line lifts a faint shaft out of the speckle where no pixel of it stands out
 * alone: the matched filter for a straight echo, with no threshold to lose it below. */
#ifndef NG_LINE_SCAN_H
#define NG_LINE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "tracking/line_cells.h"

typedef struct {
    int nang, nrho, rho_max;   /* lines: direction a, offset rho = r - rho_max (pixels) */
    float *sum;                /* nang x nrho: values summed along each line */
    int *count;                /* and the pixels summed */
} line_scan;

int line_scan_init(line_scan *s, int nang, int rho_max);
void line_scan_free(line_scan *s);
/* Every line empty. */
void line_scan_clear(line_scan *s);

/* Pixels at fixed places (a corridor on the scan's grid) and the lines of some directions
 * through them, laid out once so that each frame's values are summed along every line without
 * scattering them: the lines of one direction in blocks of LINE_SCAN_BLOCK side by side, each
 * its own running sum. Scattered, a pixel's add waited on its neighbour's (mostly the same
 * line) through memory; side by side the sums run in registers, each still taking its pixels
 * in their order — the same sums to the bit. */
#define LINE_SCAN_BLOCK 8
/* The most pixels one set lays out: their indices are 16 bits, half the layout of 32 (which is
 * read from memory every frame: ~0.1 ms less a 1080p frame). More pixels go in more sets,
 * summed one after the other. */
#define LINE_SCAN_PIXELS_MAX 65535

typedef struct {
    int a0, a1, n;      /* directions a0..a1-1 of the scan; pixels 0..n-1 */
    int blocks;         /* blocks of lines per direction */
    int *rows;          /* per block (direction by direction): its longest line's pixels */
    size_t *first;      /* per block: where its rows start in idx */
    uint16_t *idx;      /* per block, rows of LINE_SCAN_BLOCK pixels, one of each line: its
                         * pixels in their order, then n (where nothing is) */
    float *val;         /* n + 1: this frame's values (line_scan_set), val[n] = 0 */
    int *counts;        /* n + 1: 1 where a pixel counts this frame, 0 where not or at n */
} line_scan_pixels;

/* The n pixels (at most LINE_SCAN_PIXELS_MAX) at (xs, ys), relative to the lines' origin, on the
 * lines of directions a0..a1-1 of dirs (their normals: the Hough's own, so that both see one
 * line); a pixel off the scan (|rho| > rho_max) is on none. Every pixel starts not counting.
 * 0, or -1 out of memory or with too many pixels. */
int line_scan_pixels_init(line_scan_pixels *p, const line_scan *s, const float *xs,
                          const float *ys, int n, const hough_dirs *dirs, int a0, int a1);
void line_scan_pixels_free(line_scan_pixels *p);

/* Pixel c's value this frame, or that it does not count (not in the image). */
static inline void line_scan_set(line_scan_pixels *p, int c, float value, int counts)
{
    p->val[c] = counts ? value : 0;
    p->counts[c] = counts != 0;
}

/* Adds to the lines of p's directions the values and the count of their pixels that count this
 * frame, each line its pixels in their order: sets of pixels summed one after the other into
 * cleared lines give the sums of all their pixels in that order. */
void line_scan_sum(line_scan *s, const line_scan_pixels *p);

/* How much line (a, r) is brighter than the lines `side` bins either side of it, in units of
 * the pixel noise sd over the line's length: mean difference x sqrt(count) / sd. 0 when a
 * neighbour is outside the scan or a line is too short to judge (< min_count pixels). */
double line_scan_score(const line_scan *s, int a, int r, int side, double sd, int min_count);

#endif
