#include "capture/av_pixfmt.h"

static const struct {
    ng_pixfmt ng;
    enum AVPixelFormat av;
} table[] = {
    { NG_PIX_I420, AV_PIX_FMT_YUV420P }, { NG_PIX_I422, AV_PIX_FMT_YUV422P },
    { NG_PIX_I444, AV_PIX_FMT_YUV444P }, { NG_PIX_GREY, AV_PIX_FMT_GRAY8 },
    { NG_PIX_NV12, AV_PIX_FMT_NV12 },    { NG_PIX_YUYV, AV_PIX_FMT_YUYV422 },
    { NG_PIX_UYVY, AV_PIX_FMT_UYVY422 }, { NG_PIX_RGB24, AV_PIX_FMT_RGB24 },
    { NG_PIX_BGR24, AV_PIX_FMT_BGR24 },
};

enum AVPixelFormat pixfmt_to_av(ng_pixfmt f)
{
    for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].ng == f)
            return table[i].av;
    return AV_PIX_FMT_NONE;
}

enum AVPixelFormat av_pixfmt_unjpeg(enum AVPixelFormat f, bool *full_range)
{
    switch (f) {
    case AV_PIX_FMT_YUVJ420P: *full_range = true; return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P: *full_range = true; return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P: *full_range = true; return AV_PIX_FMT_YUV444P;
    default: return f;
    }
}

bool pixfmt_from_av(enum AVPixelFormat av, ng_pixfmt *f, bool *full_range)
{
    av = av_pixfmt_unjpeg(av, full_range);
    for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].av == av) {
            *f = table[i].ng;
            return true;
        }
    return false;
}
