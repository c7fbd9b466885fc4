/* The temporal cue: frame differencing with global-motion compensation. The probe drifts with
 * breathing and the hand trembles, so consecutive frames are first registered (a translation,
 * Lucas-Kanade on the smoothed images, to a fraction of a pixel); what then got brighter is
 * echo that moved against the tissue: an advancing needle's new shaft. Accumulated with a decay
 * (and carried along with the tissue), it draws the needle's recent path as a line, while the
 * static bright structures that look like a needle (fascia, bone edges) cancel out. */
#ifndef NG_MOTION_H
#define NG_MOTION_H

#include <stdbool.h>
#include <stdint.h>

#include "util/geom.h"

/* Motion is rarely one translation: breathing moves the deep anatomy under a skin and fat
 * that stay with the probe. One translation per horizontal band of depth, linear in between. */
#define MOTION_MAX_BANDS 16
typedef struct {
    int nbands;
    double band_h;                        /* rows per band */
    ng_vec2 d[MOTION_MAX_BANDS];          /* pixels, from the previous frame to this one */
} motion_field;

/* The field's translation at row y. */
ng_vec2 motion_field_at(const motion_field *f, double y);

typedef struct {
    int w, h;
    double decay;        /* weight the trail keeps from one frame to the next */
    float *prev;         /* last frame's smoothed image */
    float *warped;       /* work buffer: prev (or the trail) carried onto this frame */
    float *trail;        /* accumulated new echo, in this frame's coordinates */
    bool primed;         /* prev holds a frame */
    motion_field field;  /* last motion, from prev to this frame */
} motion_map;

/* band_h: rows per band of depth (the last band takes the remainder). */
int motion_init(motion_map *m, int w, int h, double decay, int band_h);
void motion_free(motion_map *m);
/* Forgets the history (a new sequence, or the view changed beyond registration). */
void motion_reset(motion_map *m);

/* The translation d (pixels, |d| up to ~2) that best carries prev onto cur in rows y0..y1-1:
 * cur(x) ~ prev(x - d), over the pixels where mask is set and stays set 4 pixels around (the
 * fixed edge of the scanner's sector would pin the estimate to zero). Images non-negative and
 * smoothed beforehand (sigma >= 1). Sets *ok to false, and returns 0, where the rows hold too
 * little texture or the estimate runs away (the view changed: not a drift). */
ng_vec2 motion_estimate(const float *prev, const float *cur, const uint8_t *mask, int w, int h,
                        int y0, int y1, bool *ok);
/* The band-wise field from prev to cur; a band without texture takes its neighbours' motion. */
void motion_estimate_field(const float *prev, const float *cur, const uint8_t *mask, int w, int h,
                           motion_field *f);
/* out(x, y) = in((x, y) - f(y)), bilinear; pixels whose source lies outside copy in(x, y). */
void motion_warp(const float *in, float *out, int w, int h, const motion_field *f);

/* Registers cur (smoothed) to the previous frame, adds what got brighter to the decayed, carried
 * trail, and keeps cur for the next frame. The first frame only primes. */
void motion_update(motion_map *m, const float *cur, const uint8_t *mask);

#endif
