/* file:PATH — any video FFmpeg reads (MKV, MP4, AVI, ...), in real time by its own timestamps
 * unless fast; with a playback control (replay): pause, step, speed, seek and loop. Frames keep
 * their samples where our formats hold them (a recording's FFV1 decodes to the very planes the
 * live tracker saw); other formats are converted to I420 (RGB ones to BGR24). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libswscale/swscale.h>

#include "capture/av_pixfmt.h"
#include "capture/source.h"
#include "util/clock.h"

typedef struct {
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    AVFrame *frame, *held;       /* held: decoded ahead (stepping back), given out next */
    struct SwsContext *sws;
    int stream;
    AVRational tb;
    bool draining;               /* the file has ended; the decoder gives what it still holds */
    uint64_t seq;
    int64_t last_pts_ms;         /* of the last frame given out; -1: none yet */
    bool discontinuity;          /* the next frame follows a jump */
    /* pacing: a frame at pts is due at anchor_ns + (pts - anchor_pts) / speed */
    int64_t anchor_ns, anchor_pts_ms;
    int anchor_speed;
    bool anchored;
} av_source;

static int64_t pts_ms_of(const av_source *s, const AVFrame *f)
{
    int64_t ts = f->best_effort_timestamp;
    if (ts == AV_NOPTS_VALUE)
        return s->last_pts_ms < 0 ? 0 : s->last_pts_ms + 1;
    int64_t start = s->fmt->streams[s->stream]->start_time;
    if (start != AV_NOPTS_VALUE)
        ts -= start;
    return av_rescale_q(ts, s->tb, (AVRational){ 1, 1000 });
}

static int av_src_open(ng_source *src, const ng_source_spec *spec, ng_errbuf *err)
{
    av_source *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->last_pts_ms = -1;
    av_log_set_level(AV_LOG_ERROR);
    int rc = avformat_open_input(&s->fmt, spec->path, NULL, NULL);
    if (rc < 0) {
        ng_err_add(err, "%s: cannot open: %s", spec->path, av_err2str(rc));
        free(s);
        return -1;
    }
    const AVCodec *codec = NULL;
    if ((rc = avformat_find_stream_info(s->fmt, NULL)) < 0 ||
        (rc = av_find_best_stream(s->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0)) < 0) {
        ng_err_add(err, "%s: no video stream FFmpeg can decode: %s", spec->path, av_err2str(rc));
        goto fail;
    }
    s->stream = rc;
    AVStream *st = s->fmt->streams[s->stream];
    s->tb = st->time_base;
    s->dec = avcodec_alloc_context3(codec);
    if (!s->dec || avcodec_parameters_to_context(s->dec, st->codecpar) < 0 ||
        (rc = avcodec_open2(s->dec, codec, NULL)) < 0) {
        ng_err_add(err, "%s: cannot open the %s decoder", spec->path, codec->name);
        goto fail;
    }
    s->pkt = av_packet_alloc();
    s->frame = av_frame_alloc();
    s->held = av_frame_alloc();
    if (!s->pkt || !s->frame || !s->held)
        goto fail;
    if (st->codecpar->width <= 0 || st->codecpar->height <= 0) {
        ng_err_add(err, "%s: the video has no size", spec->path);
        goto fail;
    }
    src->width = st->codecpar->width;
    src->height = st->codecpar->height;
    AVRational r = st->avg_frame_rate.num ? st->avg_frame_rate : st->r_frame_rate;
    src->fps = r.num && r.den ? av_q2d(r) : 30;
    snprintf(src->detail, sizeof src->detail, "%.200s, %s %dx%d", spec->path, codec->name,
             src->width, src->height);
    if (src->opts.play && s->fmt->duration > 0)
        atomic_store(&src->opts.play->duration_ms, s->fmt->duration / 1000);
    src->priv = s;
    return 0;
fail:
    avcodec_free_context(&s->dec);
    avformat_close_input(&s->fmt);
    av_packet_free(&s->pkt);
    av_frame_free(&s->frame);
    av_frame_free(&s->held);
    free(s);
    return -1;
}

/* The next decoded picture into s->frame: 0, 1 at the end, -1 on an error. */
static int decode(av_source *s)
{
    if (s->held->buf[0]) {
        av_frame_unref(s->frame);
        av_frame_move_ref(s->frame, s->held);
        return 0;
    }
    for (;;) {
        int rc = avcodec_receive_frame(s->dec, s->frame);
        if (rc == 0)
            return 0;
        if (rc == AVERROR_EOF)
            return 1;
        if (rc != AVERROR(EAGAIN))
            return -1;
        if (s->draining)
            return 1;
        rc = av_read_frame(s->fmt, s->pkt);
        if (rc < 0) {   /* the end (or a file cut short, as after a kill): drain the decoder */
            s->draining = true;
            avcodec_send_packet(s->dec, NULL);
            continue;
        }
        if (s->pkt->stream_index == s->stream)
            avcodec_send_packet(s->dec, s->pkt);   /* a damaged packet is skipped */
        av_packet_unref(s->pkt);
    }
}

/* Seeks to the key frame at or before file time ms and empties the decoder. 0 or -1. */
static int seek_stream(av_source *s, int64_t ms)
{
    int64_t ts = av_rescale_q(ms, (AVRational){ 1, 1000 }, s->tb);
    int64_t start = s->fmt->streams[s->stream]->start_time;
    if (start != AV_NOPTS_VALUE)
        ts += start;
    if (av_seek_frame(s->fmt, s->stream, ts, AVSEEK_FLAG_BACKWARD) < 0)
        return -1;
    avcodec_flush_buffers(s->dec);
    s->draining = false;
    av_frame_unref(s->held);
    return 0;
}

/* Positions the decoder so that the next frame is the first at or after target_ms (past the
 * end: the last frame). */
static int seek_to(av_source *s, int64_t target_ms)
{
    if (target_ms < 0)
        target_ms = 0;
    if (seek_stream(s, target_ms) < 0)
        return -1;
    s->discontinuity = true;
    s->anchored = false;
    AVFrame *last = av_frame_alloc();
    if (!last)
        return -1;
    while (decode(s) == 0) {
        av_frame_unref(last);
        av_frame_move_ref(last, s->frame);
        if (pts_ms_of(s, last) >= target_ms)
            break;
    }
    av_frame_move_ref(s->held, last);   /* given out next */
    av_frame_free(&last);
    return 0;
}

/* The time of the last frame before before_ms (stepping back); before_ms if there is none. */
static int64_t previous_pts(av_source *s, int64_t before_ms)
{
    int64_t prev = before_ms;
    if (before_ms <= 0 || seek_stream(s, before_ms - 1) < 0)
        return prev;
    while (decode(s) == 0) {
        int64_t pts = pts_ms_of(s, s->frame);
        av_frame_unref(s->frame);
        if (pts >= before_ms)
            break;
        prev = pts;
    }
    return prev;
}

/* The decoded picture as one of our frames: the same planes where we have the format. */
static ng_frame *to_frame(av_source *s, const AVFrame *in)
{
    ng_pixfmt fmt;
    bool full = in->color_range == AVCOL_RANGE_JPEG;
    bool direct = pixfmt_from_av(in->format, &fmt, &full);
    if (!direct) {
        const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(in->format);
        fmt = d && (d->flags & AV_PIX_FMT_FLAG_RGB) ? NG_PIX_BGR24 : NG_PIX_I420;
    }
    ng_frame *f = frame_alloc(fmt, in->width, in->height);
    if (!f)
        return NULL;
    f->full_range = full;
    f->matrix = in->colorspace == AVCOL_SPC_BT709 ? NG_MATRIX_BT709 : NG_MATRIX_BT601;
    if (direct) {
        int w[3], h[3];
        pixfmt_planes(fmt, in->width, in->height, w, h);
        for (int i = 0; i < f->nplanes; i++)
            av_image_copy_plane(f->plane[i], f->stride[i], in->data[i], in->linesize[i], w[i], h[i]);
        return f;
    }
    s->sws = sws_getCachedContext(s->sws, in->width, in->height, in->format, in->width,
                                  in->height, pixfmt_to_av(fmt), SWS_BICUBIC, NULL, NULL, NULL);
    if (!s->sws) {
        frame_free(f);
        return NULL;
    }
    sws_scale(s->sws, (const uint8_t *const *)in->data, in->linesize, 0, in->height, f->plane,
              f->stride);
    return f;
}

/* Waits until the frame at pts_ms is due; false if playback was paused or asked to jump
 * meanwhile (the frame is kept for later). */
static bool wait_due(ng_source *src, av_source *s, int64_t pts_ms)
{
    ng_playback *pb = src->opts.play;
    int speed = pb ? atomic_load(&pb->speed_pct) : 100;
    if (speed < 1)
        speed = 1;
    if (!s->anchored || speed != s->anchor_speed) {
        s->anchor_ns = ng_now_ns();
        s->anchor_pts_ms = pts_ms;
        s->anchor_speed = speed;
        s->anchored = true;
    }
    int64_t due = s->anchor_ns + (pts_ms - s->anchor_pts_ms) * 1000000LL * 100 / speed;
    for (;;) {
        if (pb && (atomic_load(&pb->paused) || atomic_load(&pb->seek_ms)))
            return false;
        int64_t left = due - ng_now_ns();
        if (left <= 0)
            return true;
        ng_sleep_until_ns(ng_now_ns() + (left < 20000000 ? left : 20000000));   /* wakes to see pause or seek */
    }
}

static ng_source_status av_src_next(ng_source *src, ng_frame **out, ng_errbuf *err)
{
    av_source *s = src->priv;
    ng_playback *pb = src->opts.play;
    bool stepping = false;
    if (pb) {
        long long jump = atomic_exchange(&pb->seek_ms, 0);
        if (jump)
            seek_to(s, s->last_pts_ms + jump);
        if (atomic_load(&pb->paused)) {
            int step = atomic_exchange(&pb->step, 0);
            if (step < 0)
                seek_to(s, previous_pts(s, s->last_pts_ms));
            if (!step) {
                s->anchored = false;   /* restart the clock when playing again */
                ng_sleep_until_ns(ng_now_ns() + 10000000);
                return NG_SRC_IDLE;
            }
            stepping = true;
        }
    }
    int rc = decode(s);
    if (rc == 1 && pb && atomic_load(&pb->loop)) {
        seek_to(s, 0);
        rc = decode(s);
    }
    if (rc != 0) {
        if (rc < 0)
            ng_err_add(err, "%s: cannot decode", src->detail);
        return rc > 0 ? NG_SRC_EOF : NG_SRC_ERROR;
    }
    int64_t pts = pts_ms_of(s, s->frame);
    if (!stepping && !src->opts.fast && !wait_due(src, s, pts)) {
        av_frame_move_ref(s->held, s->frame);   /* shown when playing on */
        return NG_SRC_IDLE;
    }
    ng_frame *f = to_frame(s, s->frame);
    av_frame_unref(s->frame);
    if (!f) {
        ng_err_add(err, "%s: out of memory", src->detail);
        return NG_SRC_ERROR;
    }
    f->seq = s->seq++;
    f->pts_ms = pts;
    f->discontinuity = s->discontinuity;
    f->t_capture_ns = ng_now_ns();
    s->discontinuity = false;
    s->last_pts_ms = pts;
    if (pb)
        atomic_store(&pb->position_ms, pts);
    *out = f;
    return NG_SRC_FRAME;
}

static void av_src_close(ng_source *src)
{
    av_source *s = src->priv;
    avcodec_free_context(&s->dec);
    avformat_close_input(&s->fmt);
    av_packet_free(&s->pkt);
    av_frame_free(&s->frame);
    av_frame_free(&s->held);
    sws_freeContext(s->sws);
    free(s);
}

const ng_source_ops source_av_ops = { "file", av_src_open, av_src_next, av_src_close };
