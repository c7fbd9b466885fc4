#include "capture/convert.h"

#include <libyuv.h>
#include <stdbool.h>
#include <stdlib.h>

void convert_init(ng_converter *c)
{
    c->scratch = c->luma = NULL;
    c->scratch_cap = c->luma_cap = 0;
}

void convert_free(ng_converter *c)
{
    free(c->scratch);
    free(c->luma);
    convert_init(c);
}

static uint8_t *grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need > *cap) {
        uint8_t *p = realloc(*buf, need);
        if (!p)
            return NULL;
        *buf = p;
        *cap = need;
    }
    return *buf;
}

/* Luma of a packed 4:2:2 frame into the converter's luma buffer: NULL when out of memory. */
static const uint8_t *packed_luma(ng_converter *c, const ng_frame *f)
{
    int w = f->width, h = f->height;
    uint8_t *y = grow(&c->luma, &c->luma_cap, (size_t)w * h);
    if (!y)
        return NULL;
    int rc = f->fmt == NG_PIX_YUYV ? YUY2ToY(f->plane[0], f->stride[0], y, w, w, h)
                                   : UYVYToY(f->plane[0], f->stride[0], y, w, w, h);
    return rc ? NULL : y;
}

int convert_for_display(ng_converter *c, ng_frame *f, ng_frame **shown, const uint8_t **luma,
                        int *luma_stride)
{
    switch (f->fmt) {
    case NG_PIX_I420: case NG_PIX_I422: case NG_PIX_I444: case NG_PIX_GREY: case NG_PIX_NV12:
        *luma = f->plane[0];
        *luma_stride = f->stride[0];
        break;
    case NG_PIX_YUYV:
    case NG_PIX_UYVY:
        if (!(*luma = packed_luma(c, f)))
            return -1;
        *luma_stride = f->width;
        break;
    default:
        return 1;
    }
    *shown = frame_ref(f);
    return 0;
}

/* The YCbCr matrix the source declared (capture cards: from the driver's colorimetry). */
static const struct YuvConstants *matrix_of(const ng_frame *f)
{
    if (f->matrix == NG_MATRIX_BT709)
        return f->full_range ? &kYuvF709Constants : &kYuvH709Constants;
    return f->full_range ? &kYuvJPEGConstants : &kYuvI601Constants;
}

/* A packed 4:2:2 row to ARGB under a matrix: libyuv's YUY2ToARGB and UYVYToARGB take BT.601
 * only, its row functions (row.h) any matrix. Picked as libyuv picks them for the CPU it runs
 * on; the _Any_ forms take any width. */
typedef void packed_row_fn(const uint8_t *src, uint8_t *argb, const struct YuvConstants *m,
                           int width);

static packed_row_fn *packed_row(ng_pixfmt fmt)
{
    bool yuyv = fmt == NG_PIX_YUYV;
#if defined(HAS_YUY2TOARGBROW_AVX2) && defined(HAS_UYVYTOARGBROW_AVX2)
    if (TestCpuFlag(kCpuHasAVX2))
        return yuyv ? YUY2ToARGBRow_Any_AVX2 : UYVYToARGBRow_Any_AVX2;
#endif
#if defined(HAS_YUY2TOARGBROW_SSSE3) && defined(HAS_UYVYTOARGBROW_SSSE3)
    if (TestCpuFlag(kCpuHasSSSE3))
        return yuyv ? YUY2ToARGBRow_Any_SSSE3 : UYVYToARGBRow_Any_SSSE3;
#endif
    return yuyv ? YUY2ToARGBRow_C : UYVYToARGBRow_C;
}

int convert_frame(ng_converter *c, const ng_frame *f, uint8_t *argb, int argb_stride,
                  const uint8_t **luma, int *luma_stride)
{
    const struct YuvConstants *m = matrix_of(f);
    const uint8_t *const *p = (const uint8_t *const *)f->plane;
    const int *s = f->stride;
    int w = f->width, h = f->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
    const bool want_luma = luma != NULL;
    const uint8_t *unused_luma;
    int unused_stride;
    if (!want_luma) {
        luma = &unused_luma;
        luma_stride = &unused_stride;
    }
    *luma = p[0];
    *luma_stride = s[0];
    switch (f->fmt) {
    case NG_PIX_I420: return I420ToARGBMatrix(p[0], s[0], p[1], s[1], p[2], s[2], argb, argb_stride, m, w, h);
    case NG_PIX_I422: return I422ToARGBMatrix(p[0], s[0], p[1], s[1], p[2], s[2], argb, argb_stride, m, w, h);
    case NG_PIX_I444: return I444ToARGBMatrix(p[0], s[0], p[1], s[1], p[2], s[2], argb, argb_stride, m, w, h);
    case NG_PIX_GREY: return I400ToARGBMatrix(p[0], s[0], argb, argb_stride, m, w, h);
    case NG_PIX_NV12: return NV12ToARGBMatrix(p[0], s[0], p[1], s[1], argb, argb_stride, m, w, h);
    case NG_PIX_YUYV:
    case NG_PIX_UYVY: {
        /* one pass, the packed rows straight to ARGB; the luma only for a caller that wants it */
        packed_row_fn *row = packed_row(f->fmt);
        for (int y = 0; y < h; y++)
            row(p[0] + (size_t)y * s[0], argb + (size_t)y * argb_stride, m, w);
        if (!want_luma)
            return 0;
        *luma_stride = w;
        return (*luma = packed_luma(c, f)) ? 0 : -1;
    }
    case NG_PIX_RGB24:
    case NG_PIX_BGR24: {
        uint8_t *y = grow(&c->luma, &c->luma_cap, (size_t)w * h);
        if (!y)
            return -1;
        /* libyuv names formats by word order: its "RAW" is bytes R,G,B, its "RGB24" B,G,R. */
        int rc = f->fmt == NG_PIX_RGB24 ? RAWToARGB(p[0], s[0], argb, argb_stride, w, h)
                                        : RGB24ToARGB(p[0], s[0], argb, argb_stride, w, h);
        *luma = y;
        *luma_stride = w;
        return rc ? rc : ARGBToJ400(argb, argb_stride, y, w, w, h);
    }
    case NG_PIX_MJPEG: {
        int jw, jh;
        if (MJPGSize(p[0], f->size, &jw, &jh) != 0 || jw != w || jh != h)
            return -1;
        uint8_t *y = grow(&c->scratch, &c->scratch_cap, (size_t)w * h + 2 * (size_t)cw * ch);
        if (!y)
            return -1;
        uint8_t *u = y + (size_t)w * h, *v = u + (size_t)cw * ch;
        if (MJPGToI420(p[0], f->size, y, w, u, cw, v, cw, w, h, w, h) != 0)
            return -1;
        *luma = y;
        *luma_stride = w;
        /* JPEG's YCbCr is full range. */
        return I420ToARGBMatrix(y, w, u, cw, v, cw, argb, argb_stride, &kYuvJPEGConstants, w, h);
    }
    }
    return -1;
}
