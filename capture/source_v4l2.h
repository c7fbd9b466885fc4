/* Internals of the V4L2 source that the unit tests reach. */
#ifndef NG_SOURCE_V4L2_H
#define NG_SOURCE_V4L2_H

#include "capture/source.h"

/* poll() timeout for one wake-up at fps: a few frame periods, 100..1000 ms, for any input
 * (NaN, zero and negative rates fall back to 30 fps). */
int v4l2_frame_timeout_ms(double fps);

#endif
