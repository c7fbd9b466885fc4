#include "capture/frame.h"

#include <stdlib.h>
#include <string.h>

#define NG_MAX_DIM 16384

const char *pixfmt_name(ng_pixfmt fmt)
{
    switch (fmt) {
    case NG_PIX_I420: return "i420";
    case NG_PIX_I422: return "i422";
    case NG_PIX_I444: return "i444";
    case NG_PIX_GREY: return "grey";
    case NG_PIX_NV12: return "nv12";
    case NG_PIX_YUYV: return "yuyv";
    case NG_PIX_UYVY: return "uyvy";
    case NG_PIX_RGB24: return "rgb24";
    case NG_PIX_BGR24: return "bgr24";
    case NG_PIX_MJPEG: return "mjpeg";
    }
    return "?";
}

int pixfmt_planes(ng_pixfmt fmt, int width, int height, int row_bytes[3], int rows[3])
{
    int cw = (width + 1) / 2, ch = (height + 1) / 2;
    row_bytes[0] = width;
    rows[0] = height;
    switch (fmt) {
    case NG_PIX_GREY: return 1;
    case NG_PIX_MJPEG: row_bytes[0] = 0; return 1;
    case NG_PIX_YUYV: case NG_PIX_UYVY: row_bytes[0] = 4 * cw; return 1;   /* 4 bytes per pixel pair */
    case NG_PIX_RGB24: case NG_PIX_BGR24: row_bytes[0] = 3 * width; return 1;
    case NG_PIX_NV12: row_bytes[1] = 2 * cw; rows[1] = ch; return 2;
    case NG_PIX_I420: break;
    case NG_PIX_I422: ch = height; break;
    case NG_PIX_I444: cw = width; ch = height; break;
    }
    row_bytes[1] = row_bytes[2] = cw;
    rows[1] = rows[2] = ch;
    return 3;
}

size_t pixfmt_frame_size(ng_pixfmt fmt, int width, int height)
{
    if (width <= 0 || height <= 0 || width > NG_MAX_DIM || height > NG_MAX_DIM)
        return 0;
    int w[3], h[3];
    int n = pixfmt_planes(fmt, width, height, w, h);
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += (size_t)w[i] * (size_t)h[i];
    return total;
}

static ng_frame *frame_new(ng_pixfmt fmt, int width, int height, size_t size)
{
    ng_frame *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->data = malloc(size);
    if (!f->data) {
        free(f);
        return NULL;
    }
    f->fmt = fmt;
    f->pts_ms = -1;
    f->width = width;
    f->height = height;
    f->size = size;
    int w[3], h[3];
    f->nplanes = pixfmt_planes(fmt, width, height, w, h);
    if (fmt == NG_PIX_MJPEG) {
        f->plane[0] = f->data;
        return f;
    }
    uint8_t *p = f->data;
    for (int i = 0; i < f->nplanes; i++) {
        f->plane[i] = p;
        f->stride[i] = w[i];
        p += (size_t)w[i] * (size_t)h[i];
    }
    return f;
}

ng_frame *frame_alloc(ng_pixfmt fmt, int width, int height)
{
    size_t size = pixfmt_frame_size(fmt, width, height);
    return size ? frame_new(fmt, width, height, size) : NULL;
}

ng_frame *frame_alloc_compressed(ng_pixfmt fmt, int width, int height, size_t size)
{
    if (size == 0 || width <= 0 || height <= 0 || width > NG_MAX_DIM || height > NG_MAX_DIM)
        return NULL;
    return frame_new(fmt, width, height, size);
}

ng_frame *frame_lend(ng_pixfmt fmt, int width, int height, uint8_t *pixels, int pitch,
                     ng_frame_return give_back, void *lender, unsigned slot)
{
    switch (fmt) {
    case NG_PIX_NV12: case NG_PIX_YUYV: case NG_PIX_UYVY: case NG_PIX_GREY:
    case NG_PIX_RGB24: case NG_PIX_BGR24: break;
    default: return NULL;   /* planar chroma has its own pitch; JPEG a size of its own */
    }
    int w[3], h[3];
    if (!pixfmt_frame_size(fmt, width, height) || !pixels || !give_back)
        return NULL;
    int n = pixfmt_planes(fmt, width, height, w, h);
    if (pitch < w[0])
        return NULL;
    ng_frame *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    *f = (ng_frame){ .fmt = fmt, .pts_ms = -1, .width = width, .height = height, .nplanes = n,
                     .data = pixels, .give_back = give_back, .lender = lender, .slot = slot };
    uint8_t *p = pixels;
    for (int i = 0; i < n; i++) {
        f->plane[i] = p;
        f->stride[i] = pitch;
        p += (size_t)pitch * (size_t)h[i];
    }
    f->size = (size_t)(p - pixels);
    return f;
}

bool frame_rows(const ng_frame *f, int y0, int rows, ng_frame *view)
{
    if (f->fmt == NG_PIX_MJPEG || y0 < 0 || rows <= 0 || y0 > f->height - rows)
        return false;
    int row_bytes[3], two[3];   /* each plane's rows for two of the image's: 1 where halved */
    int n = pixfmt_planes(f->fmt, f->width, 2, row_bytes, two);
    for (int i = 0; i < n; i++)
        if (two[i] == 1 && y0 % 2)
            return false;
    *view = (ng_frame){ .seq = f->seq, .t_capture_ns = f->t_capture_ns,
                        .t_dequeued_ns = f->t_dequeued_ns, .fmt = f->fmt,
                        .full_range = f->full_range, .matrix = f->matrix, .width = f->width,
                        .height = rows, .nplanes = n, .pts_ms = f->pts_ms };
    for (int i = 0; i < n; i++) {
        view->plane[i] = f->plane[i] + (size_t)(y0 * two[i] / 2) * (size_t)f->stride[i];
        view->stride[i] = f->stride[i];
    }
    return true;
}

ng_frame *frame_ref(ng_frame *f)
{
    atomic_fetch_add(&f->more_owners, 1);
    return f;
}

void frame_free(ng_frame *f)
{
    if (!f || atomic_fetch_sub(&f->more_owners, 1) > 0)
        return;
    if (f->give_back)
        f->give_back(f->lender, f->slot);
    else
        free(f->data);
    free(f);
}

void frame_clear_chroma(ng_frame *f)
{
    if (f->nplanes < 2 || f->fmt == NG_PIX_MJPEG || f->give_back)
        return;
    size_t luma = (size_t)f->stride[0] * (size_t)f->height;
    memset(f->data + luma, 128, f->size - luma);
}
