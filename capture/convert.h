/* Pixel conversion through libyuv: the luma plane for tracking, ARGB for display. */
#ifndef NG_CONVERT_H
#define NG_CONVERT_H

#include <stdint.h>

#include "capture/frame.h"

/* The luma plane of f (no copy for the planar formats). */
const uint8_t *convert_luma(const ng_frame *f, int *stride);
/* Converts f to ARGB (little-endian B,G,R,A bytes: SDL_PIXELFORMAT_ARGB8888). 0 or -1. */
int convert_to_argb(const ng_frame *f, uint8_t *argb, int argb_stride);

#endif
