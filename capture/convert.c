#include "capture/convert.h"

#include <libyuv.h>
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

int convert_for_display(ng_frame *f, ng_frame **shown, const uint8_t **luma, int *luma_stride)
{
    ng_frame *out = NULL;
    switch (f->fmt) {
    case NG_PIX_I420: case NG_PIX_I422: case NG_PIX_I444: case NG_PIX_GREY: case NG_PIX_NV12:
        out = frame_ref(f);
        break;
    case NG_PIX_YUYV:
    case NG_PIX_UYVY: {
        if (!(out = frame_alloc(NG_PIX_I422, f->width, f->height)))
            return -1;
        uint8_t *const *q = out->plane;
        const int *qs = out->stride;
        if ((f->fmt == NG_PIX_YUYV
                 ? YUY2ToI422(f->plane[0], f->stride[0], q[0], qs[0], q[1], qs[1], q[2], qs[2],
                              f->width, f->height)
                 : UYVYToI422(f->plane[0], f->stride[0], q[0], qs[0], q[1], qs[1], q[2], qs[2],
                              f->width, f->height)) != 0) {
            frame_free(out);
            return -1;
        }
        out->seq = f->seq;
        out->t_capture_ns = f->t_capture_ns;
        out->t_dequeued_ns = f->t_dequeued_ns;
        out->full_range = f->full_range;
        out->matrix = f->matrix;
        out->pts_ms = f->pts_ms;
        break;
    }
    default:
        return 1;
    }
    *shown = out;
    *luma = out->plane[0];
    *luma_stride = out->stride[0];
    return 0;
}

/* The YCbCr matrix the source declared (capture cards: from the driver's colorimetry). */
static const struct YuvConstants *matrix_of(const ng_frame *f)
{
    if (f->matrix == NG_MATRIX_BT709)
        return f->full_range ? &kYuvF709Constants : &kYuvH709Constants;
    return f->full_range ? &kYuvJPEGConstants : &kYuvI601Constants;
}

int convert_frame(ng_converter *c, const ng_frame *f, uint8_t *argb, int argb_stride,
                  const uint8_t **luma, int *luma_stride)
{
    const struct YuvConstants *m = matrix_of(f);
    const uint8_t *const *p = (const uint8_t *const *)f->plane;
    const int *s = f->stride;
    int w = f->width, h = f->height, cw = (w + 1) / 2, ch = (h + 1) / 2;
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
        /* Through planar 4:2:2 so the declared matrix applies (libyuv's packed paths are
         * BT.601 only). */
        uint8_t *y = grow(&c->scratch, &c->scratch_cap, (size_t)w * h + 2 * (size_t)cw * h);
        if (!y)
            return -1;
        uint8_t *u = y + (size_t)w * h, *v = u + (size_t)cw * h;
        int rc = f->fmt == NG_PIX_YUYV ? YUY2ToI422(p[0], s[0], y, w, u, cw, v, cw, w, h)
                                       : UYVYToI422(p[0], s[0], y, w, u, cw, v, cw, w, h);
        *luma = y;
        *luma_stride = w;
        return rc ? rc : I422ToARGBMatrix(y, w, u, cw, v, cw, argb, argb_stride, m, w, h);
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
