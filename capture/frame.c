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
    }
    return "?";
}

int pixfmt_planes(ng_pixfmt fmt, int width, int height, int w[3], int h[3])
{
    int cw = width, ch = height;
    w[0] = width;
    h[0] = height;
    switch (fmt) {
    case NG_PIX_GREY: return 1;
    case NG_PIX_I420: cw = (width + 1) / 2; ch = (height + 1) / 2; break;
    case NG_PIX_I422: cw = (width + 1) / 2; break;
    case NG_PIX_I444: break;
    }
    w[1] = w[2] = cw;
    h[1] = h[2] = ch;
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

ng_frame *frame_alloc(ng_pixfmt fmt, int width, int height)
{
    size_t size = pixfmt_frame_size(fmt, width, height);
    if (size == 0)
        return NULL;
    ng_frame *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->data = malloc(size);
    if (!f->data) {
        free(f);
        return NULL;
    }
    f->fmt = fmt;
    f->width = width;
    f->height = height;
    f->size = size;
    int w[3], h[3];
    f->nplanes = pixfmt_planes(fmt, width, height, w, h);
    uint8_t *p = f->data;
    for (int i = 0; i < f->nplanes; i++) {
        f->plane[i] = p;
        f->stride[i] = w[i];
        p += (size_t)w[i] * (size_t)h[i];
    }
    return f;
}

void frame_free(ng_frame *f)
{
    if (!f)
        return;
    free(f->data);
    free(f);
}

void frame_clear_chroma(ng_frame *f)
{
    if (f->nplanes < 3)
        return;
    size_t luma = (size_t)f->stride[0] * (size_t)f->height;
    memset(f->data + luma, 128, f->size - luma);
}
