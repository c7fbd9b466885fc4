#include "record/frame_image.h"

#include <string.h>

#include <libavcodec/avcodec.h>

#include "capture/av_pixfmt.h"

static int decode_jpeg(frame_imager *fi, const ng_frame *f, video_image *out)
{
    if (!fi->jpeg) {
        const AVCodec *c = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
        fi->jpeg = c ? avcodec_alloc_context3(c) : NULL;
        if (!fi->jpeg || avcodec_open2(fi->jpeg, c, NULL) < 0)
            return -1;
        fi->pkt = av_packet_alloc();
        fi->decoded = av_frame_alloc();
        if (!fi->pkt || !fi->decoded)
            return -1;
    }
    fi->pkt->data = f->data;
    fi->pkt->size = (int)f->size;
    int rc = avcodec_send_packet(fi->jpeg, fi->pkt);
    if (rc >= 0)
        rc = avcodec_receive_frame(fi->jpeg, fi->decoded);
    if (rc < 0)
        return -1;
    AVFrame *d = fi->decoded;
    for (int i = 0; i < 4; i++) {
        out->data[i] = d->data[i];
        out->linesize[i] = d->linesize[i];
    }
    out->fmt = d->format;
    out->width = d->width;
    out->height = d->height;
    out->full_range = d->color_range == AVCOL_RANGE_JPEG || d->format == AV_PIX_FMT_YUVJ422P ||
                      d->format == AV_PIX_FMT_YUVJ420P || d->format == AV_PIX_FMT_YUVJ444P;
    out->bt709 = false;
    return 0;
}

int frame_image(frame_imager *fi, const ng_frame *f, video_image *out)
{
    memset(out, 0, sizeof *out);
    if (f->fmt == NG_PIX_MJPEG)
        return decode_jpeg(fi, f, out);
    out->fmt = pixfmt_to_av(f->fmt);
    out->width = f->width;
    out->height = f->height;
    out->full_range = f->full_range;
    out->bt709 = f->matrix == NG_MATRIX_BT709;
    for (int i = 0; i < f->nplanes && i < 3; i++) {
        out->data[i] = f->plane[i];
        out->linesize[i] = f->stride[i];
    }
    return out->fmt == AV_PIX_FMT_NONE ? -1 : 0;
}

void frame_imager_free(frame_imager *fi)
{
    avcodec_free_context(&fi->jpeg);
    av_packet_free(&fi->pkt);
    av_frame_free(&fi->decoded);
}
