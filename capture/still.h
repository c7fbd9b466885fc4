/* Is the picture still moving? A scanner's freeze button (or a hung scan converter) keeps the
 * grabber delivering frames whose image never changes: frames arrive, but the video is not live.
 * Compares a sparse grid of the ROI's luma with the previous frame's. */
#ifndef NG_STILL_H
#define NG_STILL_H

#include <stdbool.h>
#include <stdint.h>

#include "util/geom.h"

#define STILL_GRID_W 64
#define STILL_GRID_H 48
/* Mean absolute luma change (grey levels) under which two frames count as the same picture:
 * live ultrasound never gets this close (speckle, noise), a re-sent frozen image does (even
 * through a lossy MJPEG path). */
#define STILL_MAX_DIFF 0.5

typedef struct {
    ng_rect roi;
    uint8_t prev[STILL_GRID_W * STILL_GRID_H];
    bool have_prev;
    double changed_ms;   /* when the picture last changed */
} still_detector;

void still_init(still_detector *s, ng_rect roi);
/* Feeds one frame at t_ms; returns how long the picture has not changed (0 when it just did). */
double still_update(still_detector *s, const uint8_t *luma, int stride, int width, int height,
                    double t_ms);

#endif
