#include "capture/v4l2_format.h"

#include <linux/videodev2.h>
#include <string.h>

static const struct {
    const char *name;
    v4l2_format_want want;
    uint32_t fourcc;
    ng_pixfmt fmt;
} formats[] = {
    /* the order auto prefers: luma is a plane or a byte stride away, ARGB one libyuv pass */
    { "nv12", V4L2_WANT_NV12, V4L2_PIX_FMT_NV12, NG_PIX_NV12 },
    { "yuyv", V4L2_WANT_YUYV, V4L2_PIX_FMT_YUYV, NG_PIX_YUYV },
    { "uyvy", V4L2_WANT_UYVY, V4L2_PIX_FMT_UYVY, NG_PIX_UYVY },
    { "grey", V4L2_WANT_GREY, V4L2_PIX_FMT_GREY, NG_PIX_GREY },
    { "bgr24", V4L2_WANT_BGR24, V4L2_PIX_FMT_BGR24, NG_PIX_BGR24 },
    { "rgb24", V4L2_WANT_RGB24, V4L2_PIX_FMT_RGB24, NG_PIX_RGB24 },
    { "mjpeg", V4L2_WANT_MJPEG, V4L2_PIX_FMT_MJPEG, NG_PIX_MJPEG },
    { "mjpeg", V4L2_WANT_MJPEG, V4L2_PIX_FMT_JPEG, NG_PIX_MJPEG },
};
#define NFORMATS (sizeof formats / sizeof formats[0])

int v4l2_format_want_parse(const char *s, v4l2_format_want *out)
{
    if (!strcmp(s, "auto"))
        return *out = V4L2_WANT_AUTO, 0;
    for (size_t i = 0; i < NFORMATS; i++)
        if (!strcmp(s, formats[i].name))
            return *out = formats[i].want, 0;
    return -1;
}

const char *v4l2_format_want_name(v4l2_format_want w)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (formats[i].want == w)
            return formats[i].name;
    return "auto";
}

bool v4l2_fourcc_to_pixfmt(uint32_t fourcc, ng_pixfmt *fmt)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (formats[i].fourcc == fourcc)
            return *fmt = formats[i].fmt, true;
    return false;
}

const char *v4l2_fourcc_str(uint32_t fourcc, char buf[5])
{
    for (int i = 0; i < 4; i++) {
        char c = (char)((fourcc >> (8 * i)) & 0xFF);
        buf[i] = c >= 32 && c < 127 ? c : '?';
    }
    buf[4] = '\0';
    return buf;
}

int v4l2_choose_format(const uint32_t *offered, size_t n, v4l2_format_want want, uint32_t *out)
{
    for (size_t i = 0; i < NFORMATS; i++) {
        if (want != V4L2_WANT_AUTO && formats[i].want != want)
            continue;
        for (size_t k = 0; k < n; k++)
            if (offered[k] == formats[i].fourcc)
                return *out = offered[k], 0;
    }
    return -1;
}

void v4l2_colorimetry(uint32_t colorspace, uint32_t ycbcr_enc, uint32_t quantization,
                      uint32_t fourcc, ng_matrix *matrix, bool *full_range)
{
    if (ycbcr_enc == V4L2_YCBCR_ENC_DEFAULT)
        ycbcr_enc = V4L2_MAP_YCBCR_ENC_DEFAULT(colorspace);
    *matrix = ycbcr_enc == V4L2_YCBCR_ENC_709 || ycbcr_enc == V4L2_YCBCR_ENC_XV709
                  ? NG_MATRIX_BT709 : NG_MATRIX_BT601;
    bool rgb = fourcc == V4L2_PIX_FMT_RGB24 || fourcc == V4L2_PIX_FMT_BGR24;
    if (quantization == V4L2_QUANTIZATION_DEFAULT)
        quantization = V4L2_MAP_QUANTIZATION_DEFAULT(rgb, colorspace, ycbcr_enc);
    *full_range = quantization == V4L2_QUANTIZATION_FULL_RANGE;
    if (fourcc == V4L2_PIX_FMT_MJPEG || fourcc == V4L2_PIX_FMT_JPEG)
        *full_range = true;   /* JPEG's YCbCr is full range whatever the driver says */
}
