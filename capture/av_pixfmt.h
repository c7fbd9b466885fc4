/* Our pixel formats and FFmpeg's, both ways (recording, and reading video files). */
#ifndef NG_AV_PIXFMT_H
#define NG_AV_PIXFMT_H

#include <stdbool.h>

#include <libavutil/pixfmt.h>

#include "capture/frame.h"

/* The JPEG variants (yuvj420p...) are the same memory as the plain formats, full range: the
 * plain format, *full_range set for them (left as it was for the others). */
enum AVPixelFormat av_pixfmt_unjpeg(enum AVPixelFormat f, bool *full_range);
/* AV_PIX_FMT_NONE for MJPEG (a compressed frame). */
enum AVPixelFormat pixfmt_to_av(ng_pixfmt f);
/* The same samples in one of ours, without conversion; false when there is none. JPEG
 * variants set *full_range. */
bool pixfmt_from_av(enum AVPixelFormat av, ng_pixfmt *f, bool *full_range);

#endif
