/* Block averages of an 8-bit plane: what the tracker and the registration work on, coarser
 * than the captured frame. */
#ifndef NG_BOX_AVERAGE_H
#define NG_BOX_AVERAGE_H

#include <stdint.h>

#include "util/geom.h"

/* The rect r of a plane (width x height, stride bytes a row) averaged over f x f blocks into
 * out: (r.w / f) x (r.h / f) floats, row by row, to within one grey level (libyuv gives 8 bits;
 * exact where the rect crosses the plane's edge). Pixels outside the plane read as black.
 * scratch: as many bytes as out has cells. */
void box_average(const uint8_t *plane, int stride, int width, int height, ng_rect r, int f,
                 float *out, uint8_t *scratch);

#endif
