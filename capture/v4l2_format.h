/* V4L2 pixel formats we capture, in the order `auto` prefers them (cheapest to convert first),
 * and the colorimetry a driver declares. */
#ifndef NG_V4L2_FORMAT_H
#define NG_V4L2_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/frame.h"

typedef enum {
    V4L2_WANT_AUTO, V4L2_WANT_YUYV, V4L2_WANT_UYVY, V4L2_WANT_NV12, V4L2_WANT_MJPEG,
    V4L2_WANT_RGB24, V4L2_WANT_BGR24, V4L2_WANT_GREY,
} v4l2_format_want;

/* Parses auto|yuyv|uyvy|nv12|mjpeg|rgb24|bgr24|grey; -1 if unknown. */
int v4l2_format_want_parse(const char *s, v4l2_format_want *out);
const char *v4l2_format_want_name(v4l2_format_want w);

/* Our pixel format for a fourcc; false when we cannot capture it. */
bool v4l2_fourcc_to_pixfmt(uint32_t fourcc, ng_pixfmt *fmt);
/* "YUYV" from a fourcc (buf holds at least 5 bytes). */
const char *v4l2_fourcc_str(uint32_t fourcc, char buf[5]);

/* Picks the fourcc to ask for among what the device offers: the wanted one, or with auto the
 * cheapest to convert. Returns 0, or -1 when nothing offered fits. */
int v4l2_choose_format(const uint32_t *offered, size_t n, v4l2_format_want want, uint32_t *out);

/* Matrix and range from a driver's colorspace / ycbcr_enc / quantization. */
void v4l2_colorimetry(uint32_t colorspace, uint32_t ycbcr_enc, uint32_t quantization,
                      uint32_t fourcc, ng_matrix *matrix, bool *full_range);

#endif
