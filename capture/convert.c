#include "capture/convert.h"

#include <libyuv.h>

const uint8_t *convert_luma(const ng_frame *f, int *stride)
{
    *stride = f->stride[0];
    return f->plane[0];
}

int convert_to_argb(const ng_frame *f, uint8_t *argb, int argb_stride)
{
    /* Y4M and capture cards default to BT.601 video range; full range uses the JPEG matrix. */
    const struct YuvConstants *m = f->full_range ? &kYuvJPEGConstants : &kYuvI601Constants;
    const uint8_t *y = f->plane[0], *u = f->plane[1], *v = f->plane[2];
    int sy = f->stride[0], su = f->stride[1], sv = f->stride[2], w = f->width, h = f->height;
    switch (f->fmt) {
    case NG_PIX_I420: return I420ToARGBMatrix(y, sy, u, su, v, sv, argb, argb_stride, m, w, h);
    case NG_PIX_I422: return I422ToARGBMatrix(y, sy, u, su, v, sv, argb, argb_stride, m, w, h);
    case NG_PIX_I444: return I444ToARGBMatrix(y, sy, u, su, v, sv, argb, argb_stride, m, w, h);
    case NG_PIX_GREY: return I400ToARGBMatrix(y, sy, argb, argb_stride, m, w, h);
    }
    return -1;
}
