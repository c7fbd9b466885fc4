#include "record/video_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>

#include "capture/av_pixfmt.h"

#define MAX_MASKS 16
#define IO_BUFFER (256 * 1024)

struct video_writer {
    int fd;
    int io_errno;            /* the first failed write or seek */
    AVFormatContext *oc;
    AVCodecContext *enc;
    AVStream *st;
    AVFrame *frame;          /* the encoder's input, in the stream's size and format */
    AVPacket *pkt;
    struct SwsContext *sws;
    const struct SwsContext *sws_set;   /* the context the colour details were set on */
    int64_t frames, last_pts;
    bool full_range;
    ng_rect masks[MAX_MASKS];
    int nmasks;
};

/* ---- the file, through our descriptor ---- */

static int io_write(void *opaque, uint8_t *buf, int size)
{
    video_writer *w = opaque;
    int done = 0;
    while (done < size) {
        ssize_t n = write(w->fd, buf + done, (size_t)(size - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (!w->io_errno)
                w->io_errno = n < 0 ? errno : ENOSPC;
            return AVERROR(w->io_errno);
        }
        done += (int)n;
    }
    return size;
}

static int64_t io_seek(void *opaque, int64_t offset, int whence)
{
    video_writer *w = opaque;
    if (whence & AVSEEK_SIZE) {
        struct stat sb;
        return fstat(w->fd, &sb) == 0 ? sb.st_size : AVERROR(errno);
    }
    off_t r = lseek(w->fd, offset, whence & ~AVSEEK_FORCE);
    return r < 0 ? AVERROR(errno) : r;
}

/* A negative errno for an FFmpeg result: the descriptor's own errno when it was the cause. */
static int failure(const video_writer *w, int averr)
{
    if (w->io_errno)
        return -w->io_errno;
    return averr < 0 && averr > -4096 ? averr : -EIO;
}

/* ---- formats ---- */

/* The lossless stream's format for a source format: the same samples, planar. */
static enum AVPixelFormat lossless_format(enum AVPixelFormat in, bool *full_range)
{
    switch (av_pixfmt_unjpeg(in, full_range)) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_NV12: return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUV422P:
    case AV_PIX_FMT_YUYV422:
    case AV_PIX_FMT_UYVY422: return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUV444P: return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_GRAY8: *full_range = true; return AV_PIX_FMT_GRAY8;
    default: *full_range = true; return AV_PIX_FMT_0RGB32;   /* RGB of any kind */
    }
}

void video_mask(uint8_t *const data[4], const int linesize[4], enum AVPixelFormat fmt,
                int width, int height, bool full_range, const ng_rect *rects, int n)
{
    const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(fmt);
    if (!d)
        return;
    bool planar = d->flags & AV_PIX_FMT_FLAG_PLANAR;
    bool rgb = d->flags & AV_PIX_FMT_FLAG_RGB;
    for (int i = 0; i < n; i++) {
        int x0 = rects[i].x < 0 ? 0 : rects[i].x, y0 = rects[i].y < 0 ? 0 : rects[i].y;
        int x1 = rects[i].x + rects[i].w, y1 = rects[i].y + rects[i].h;
        if (x1 > width) x1 = width;
        if (y1 > height) y1 = height;
        if (x0 >= x1 || y0 >= y1)
            continue;
        if (!planar) {   /* packed RGB: black, opaque */
            int bpp = d->comp[0].step;
            for (int y = y0; y < y1; y++) {
                uint8_t *p = data[0] + (size_t)y * (size_t)linesize[0] + (size_t)x0 * (size_t)bpp;
                memset(p, 0, (size_t)(x1 - x0) * (size_t)bpp);
                if (d->flags & AV_PIX_FMT_FLAG_ALPHA)
                    for (int x = 0; x < x1 - x0; x++)
                        p[(size_t)x * (size_t)bpp + (size_t)d->comp[3].offset] = 255;
            }
            continue;
        }
        for (int pl = 0; pl < d->nb_components && pl < 4; pl++) {
            int sw = pl == 0 || rgb ? 0 : d->log2_chroma_w, sh = pl == 0 || rgb ? 0 : d->log2_chroma_h;
            int px0 = x0 >> sw, py0 = y0 >> sh;
            int px1 = (x1 + (1 << sw) - 1) >> sw, py1 = (y1 + (1 << sh) - 1) >> sh;
            uint8_t v = rgb || pl == 0 ? (uint8_t)(rgb || full_range ? 0 : 16) : 128;
            for (int y = py0; y < py1; y++)
                memset(data[pl] + (size_t)y * (size_t)linesize[pl] + px0, v, (size_t)(px1 - px0));
        }
    }
}

/* ---- opening ---- */

static int open_encoder(video_writer *w, video_kind kind, int width, int height,
                        enum AVPixelFormat pix, double fps, ng_errbuf *err)
{
    const char *name = kind == VIDEO_LOSSLESS ? "ffv1" : "libx264";
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (!codec) {
        ng_err_add(err, "recording: FFmpeg has no %s encoder", name);
        return -1;
    }
    AVCodecContext *c = w->enc = avcodec_alloc_context3(codec);
    if (!c)
        return -1;
    c->width = width;
    c->height = height;
    c->pix_fmt = pix;
    c->time_base = (AVRational){ 1, 1000 };   /* pts in ms: frames come when they come */
    c->framerate = av_d2q(fps, 1000);
    c->color_range = w->full_range ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG;
    /* a key frame about every second: a kill leaves little to lose, replay seeks quickly */
    c->gop_size = fps > 1 ? (int)(fps + 0.5) : 1;
    c->thread_count = 2;
    if (w->oc->oformat->flags & AVFMT_GLOBALHEADER)
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    AVDictionary *o = NULL;
    if (kind == VIDEO_LOSSLESS) {
        av_dict_set(&o, "level", "3", 0);
        av_dict_set(&o, "slicecrc", "1", 0);   /* damaged slices are detected, not shown */
        av_dict_set(&o, "slices", "4", 0);
    } else {
        /* no look-ahead or B-frames: each frame is in the file as soon as it is encoded */
        av_dict_set(&o, "preset", "superfast", 0);
        av_dict_set(&o, "tune", "zerolatency", 0);
        av_dict_set(&o, "crf", "23", 0);
        c->colorspace = AVCOL_SPC_BT709;
        c->color_primaries = AVCOL_PRI_BT709;
        c->color_trc = AVCOL_TRC_BT709;
    }
    int rc = avcodec_open2(c, codec, &o);
    av_dict_free(&o);
    if (rc < 0) {
        ng_err_add(err, "recording: cannot open the %s encoder (%dx%d %s): %s", name, width,
                   height, av_get_pix_fmt_name(pix), av_err2str(rc));
        return -1;
    }
    return 0;
}

video_writer *video_writer_open(const char *path, video_kind kind, const video_image *first,
                                double fps, const ng_rect *masks, int nmasks, ng_errbuf *err,
                                int *err_no)
{
    *err_no = 0;
    av_log_set_level(AV_LOG_ERROR);   /* FFmpeg's chatter stays out of the daemon's log */
    video_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->fd = -1;
    w->last_pts = INT64_MIN;
    w->nmasks = nmasks < MAX_MASKS ? nmasks : MAX_MASKS;
    memcpy(w->masks, masks, (size_t)w->nmasks * sizeof *masks);
    int width = first->width, height = first->height;
    enum AVPixelFormat pix;
    if (kind == VIDEO_LOSSLESS) {
        w->full_range = first->full_range;
        pix = lossless_format(first->fmt, &w->full_range);
    } else {
        pix = AV_PIX_FMT_YUV420P;
        width &= ~1;
        height &= ~1;
    }
    if (avformat_alloc_output_context2(&w->oc, NULL, "matroska", path) < 0 || !w->oc) {
        ng_err_add(err, "recording: FFmpeg cannot write Matroska");
        goto fail;
    }
    if (open_encoder(w, kind, width, height, pix, fps, err) < 0)
        goto fail;
    w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (w->fd < 0) {
        *err_no = errno;
        ng_err_add(err, "recording: %s: cannot create: %s", path, strerror(errno));
        goto fail;
    }
    uint8_t *buf = av_malloc(IO_BUFFER);
    w->oc->pb = buf ? avio_alloc_context(buf, IO_BUFFER, 1, w, NULL, io_write, io_seek) : NULL;
    if (!w->oc->pb) {
        av_free(buf);
        goto fail;
    }
    w->oc->flags |= AVFMT_FLAG_CUSTOM_IO;
    w->st = avformat_new_stream(w->oc, NULL);
    w->frame = av_frame_alloc();
    w->pkt = av_packet_alloc();
    if (!w->st || !w->frame || !w->pkt)
        goto fail;
    w->st->time_base = w->enc->time_base;
    avcodec_parameters_from_context(w->st->codecpar, w->enc);
    w->frame->format = pix;
    w->frame->width = width;
    w->frame->height = height;
    w->frame->color_range = w->enc->color_range;
    if (av_frame_get_buffer(w->frame, 0) < 0)
        goto fail;
    AVDictionary *mo = NULL;
    av_dict_set(&mo, "cluster_time_limit", "1000", 0);   /* bounds a cluster even without sync */
    int rc = avformat_write_header(w->oc, &mo);
    av_dict_free(&mo);
    if (rc < 0) {
        *err_no = w->io_errno;
        ng_err_add(err, "recording: %s: cannot write the header: %s", path,
                   w->io_errno ? strerror(w->io_errno) : av_err2str(rc));
        goto fail;
    }
    return w;
fail:
    video_writer_close(w, false);
    return NULL;
}

/* ---- writing ---- */

static int drain(video_writer *w)
{
    for (;;) {
        int rc = avcodec_receive_packet(w->enc, w->pkt);
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
            return 0;
        if (rc < 0)
            return failure(w, rc);
        av_packet_rescale_ts(w->pkt, w->enc->time_base, w->st->time_base);
        w->pkt->stream_index = w->st->index;
        rc = av_write_frame(w->oc, w->pkt);
        av_packet_unref(w->pkt);
        if (rc < 0 || w->io_errno)
            return failure(w, rc);
    }
}

int video_writer_put(video_writer *w, const video_image *img, int64_t pts_ms)
{
    if (pts_ms <= w->last_pts)
        return 0;   /* the same millisecond twice: the muxer needs increasing times */
    int rc = av_frame_make_writable(w->frame);
    if (rc < 0)
        return failure(w, rc);
    AVFrame *f = w->frame;
    /* a picture one pixel larger (odd sizes for H.264) is cropped, not scaled */
    int sw = img->width, sh = img->height;
    if (sw == f->width + 1) sw = f->width;
    if (sh == f->height + 1) sh = f->height;
    bool full = img->full_range;   /* the range is the stream's, set when it was opened */
    w->sws = sws_getCachedContext(w->sws, sw, sh, av_pixfmt_unjpeg(img->fmt, &full), f->width,
                                  f->height, f->format, SWS_BICUBIC, NULL, NULL, NULL);
    if (!w->sws)
        return -EINVAL;
    if (w->enc->codec_id != AV_CODEC_ID_FFV1 && w->sws_set != w->sws) {
        /* the screen is RGB; its H.264 is BT.709, limited range */
        const int *m = sws_getCoefficients(SWS_CS_ITU709);
        sws_setColorspaceDetails(w->sws, m, 1, m, 0, 0, 1 << 16, 1 << 16);
        w->sws_set = w->sws;
    }
    sws_scale(w->sws, img->data, img->linesize, 0, sh, f->data, f->linesize);
    video_mask(f->data, f->linesize, f->format, f->width, f->height, w->full_range, w->masks,
               w->nmasks);
    f->pts = pts_ms;
    rc = avcodec_send_frame(w->enc, f);
    if (rc < 0)
        return failure(w, rc);
    w->last_pts = pts_ms;
    w->frames++;
    return drain(w);
}

int video_writer_sync(video_writer *w)
{
    int rc = av_write_frame(w->oc, NULL);   /* Matroska: ends the cluster */
    if (rc < 0 || w->io_errno)
        return failure(w, rc);
    avio_flush(w->oc->pb);
    if (w->io_errno)
        return -w->io_errno;
    return fsync(w->fd) == 0 ? 0 : -errno;
}

int video_writer_close(video_writer *w, bool finish)
{
    if (!w)
        return 0;
    int rc = 0;
    if (finish && w->enc && w->oc && w->oc->pb) {
        rc = avcodec_send_frame(w->enc, NULL) < 0 ? -EIO : drain(w);
        if (rc == 0 && av_write_trailer(w->oc) < 0)
            rc = failure(w, -EIO);
        if (rc == 0) {
            avio_flush(w->oc->pb);
            rc = w->io_errno ? -w->io_errno : fsync(w->fd) == 0 ? 0 : -errno;
        }
    }
    if (w->oc) {
        if (w->oc->pb) {
            av_freep(&w->oc->pb->buffer);
            avio_context_free(&w->oc->pb);
        }
        avformat_free_context(w->oc);
    }
    avcodec_free_context(&w->enc);
    av_frame_free(&w->frame);
    av_packet_free(&w->pkt);
    sws_freeContext(w->sws);
    if (w->fd >= 0 && close(w->fd) < 0 && rc == 0 && finish)
        rc = -errno;
    free(w);
    return rc;
}

int64_t video_writer_frames(const video_writer *w) { return w->frames; }

const char *video_writer_codec(const video_writer *w) { return w->enc->codec->name; }

void video_writer_geometry(const video_writer *w, int *width, int *height, const char **pix)
{
    *width = w->enc->width;
    *height = w->enc->height;
    *pix = av_get_pix_fmt_name(w->enc->pix_fmt);
}
