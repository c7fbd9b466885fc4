/* Our pixel formats and FFmpeg's, both ways (recording, and reading video files). */
#ifndef NG_AV_PIXFMT_H
#define NG_AV_PIXFMT_H

#include <stdbool.h>

#include <libavutil/pixfmt.h>

#include "capture/frame.h"

/* AV_PIX_FMT_NONE for MJPEG (a compressed frame). */
enum AVPixelFormat pixfmt_to_av(ng_pixfmt f);
/* The same samples in one of ours, without conversion; false when there is none. JPEG
 * variants set *full_range. */
bool pixfmt_from_av(enum AVPixelFormat av, ng_pixfmt *f, bool *full_range);

#endif
