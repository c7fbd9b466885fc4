/* v4l2:/dev/videoN — capture cards and USB grabbers.
 *
 * Keeps running through unplugs, lost signal, resolution changes and driver errors: every
 * failure becomes a typed state (shown on screen, written to telemetry) and a retry with
 * back-off; nothing here ever gives up. Each wake-up drains the queue to the newest buffer,
 * so what we show is as fresh as the card can make it. */
#include <errno.h>
#include <fcntl.h>
#include <linux/videodev2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "capture/source_v4l2.h"
#include "capture/v4l2_pool.h"
#include "util/clock.h"
#include "util/log.h"

#define MAX_BUFFERS V4L2_POOL_MAX
_Static_assert(NG_CAPTURE_BUFFERS_MAX <= MAX_BUFFERS, "the pool holds every buffer one may ask for");
#define RETRY_FIRST_MS 100
#define RETRY_MAX_MS 500       /* reopening or asking for timings is cheap: retry often */
#define IDLE_SLICE_MS 250      /* next() returns at least this often, so stop is prompt */
#define LOG_EVERY_NS (5 * 1000000000LL)
#define STALL_NS (500 * 1000000LL)   /* shorter gaps show as FROZEN, not as a source fault */

typedef struct {
    const v4l2_ops *ops;
    char path[500];
    int fd;
    uint32_t type;           /* V4L2_BUF_TYPE_VIDEO_CAPTURE or _MPLANE */
    bool mplane, has_dv, streaming;
    uint32_t input;          /* current input: source-change events are per input */
    uint32_t fourcc;
    ng_pixfmt fmt;
    int width, height;
    uint32_t bytesperline, sizeimage;
    ng_matrix matrix;
    bool full_range;
    v4l2_pool *pool;         /* the mapped buffers, lent out as frames while streaming */
    bool have_seq;
    uint32_t last_seq;
    uint64_t seq_out;
    int retry_ms;
    int64_t retry_at_ns;
    int64_t last_log_ns;
    unsigned suppressed;     /* failure messages not logged since last_log_ns */
    bool changed;            /* set_state saw something new since this was cleared */
    int64_t last_frame_ns;   /* last frame, or (re)start */
} v4l2_source;

/* ---- errors, states, logs ---- */

/* Moves to a state; returns true if the state or its cause changed (the caller then reports
 * NG_SRC_STATE). A retry loop meeting the same failure again reports nothing new. */
static bool set_state(ng_source *src, capture_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static bool set_state(ng_source *src, capture_state st, const char *fmt, ...)
{
    v4l2_source *s = src->priv;
    char detail[sizeof src->detail];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    bool changed = st != src->state || strcmp(detail, src->detail) != 0;
    int64_t now = ng_now_ns();
    /* Logs rate-limited: every change, repeats at most every few seconds with a count. */
    if (changed || now - s->last_log_ns > LOG_EVERY_NS) {
        if (s->suppressed)
            NG_INFO("v4l2", "%s: %s: %u more attempts, not logged", s->path,
                    capture_state_name(src->state), s->suppressed);
        NG_INFO("v4l2", "%s: %s%s%s", s->path, capture_state_name(st), *detail ? ": " : "", detail);
        s->last_log_ns = now;
        s->suppressed = 0;
    } else {
        s->suppressed++;
    }
    src->state = st;
    snprintf(src->detail, sizeof src->detail, "%s", detail);
    s->changed |= changed;
    return changed;
}

static void schedule_retry(v4l2_source *s)
{
    s->retry_at_ns = ng_now_ns() + (int64_t)s->retry_ms * 1000000;
    s->retry_ms = s->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : s->retry_ms * 2;
}

/* ---- setup and teardown ---- */

static void teardown(v4l2_source *s)
{
    if (s->fd < 0)
        return;
    if (s->streaming) {
        uint32_t type = s->type;
        v4l2_xioctl(s->ops, s->fd, VIDIOC_STREAMOFF, &type);
        s->streaming = false;
    }
    if (s->pool)   /* what is lent stays mapped until its frame is freed */
        v4l2_pool_orphan(s->pool);
    s->pool = NULL;
    struct v4l2_requestbuffers rb = { .count = 0, .type = s->type, .memory = V4L2_MEMORY_MMAP };
    v4l2_xioctl(s->ops, s->fd, VIDIOC_REQBUFS, &rb);   /* may fail on a vanished device */
    s->ops->close(s->fd);
    s->fd = -1;
    s->have_seq = false;
}

/* Each step returns 0, or -1 with errno-derived state set through fail(). */
#define FAIL(st, ...) do { set_state(src, st, __VA_ARGS__); return -1; } while (0)

static int setup_input(ng_source *src)
{
    v4l2_source *s = src->priv;
    if (src->opts.input >= 0) {
        int idx = src->opts.input;
        if (v4l2_xioctl(s->ops, s->fd, VIDIOC_S_INPUT, &idx) < 0)
            FAIL(errno == EINVAL ? CAP_UNSUPPORTED : capture_state_for_errno(errno),
                 "input %d: %s", src->opts.input, strerror(errno));
    }
    int cur = 0;
    struct v4l2_input in = { 0 };
    s->has_dv = false;
    if (v4l2_xioctl(s->ops, s->fd, VIDIOC_G_INPUT, &cur) == 0) {
        in.index = s->input = (uint32_t)cur;
        if (v4l2_xioctl(s->ops, s->fd, VIDIOC_ENUMINPUT, &in) == 0)
            s->has_dv = (in.capabilities & V4L2_IN_CAP_DV_TIMINGS) != 0;
    }
    if (!s->has_dv)
        return 0;
    /* HDMI and friends: lock to what the source sends. */
    struct v4l2_dv_timings t = { 0 };
    if (v4l2_xioctl(s->ops, s->fd, VIDIOC_QUERY_DV_TIMINGS, &t) < 0)
        FAIL(errno == ENOLINK ? CAP_NO_SIGNAL : errno == ENOLCK ? CAP_NO_SYNC
             : errno == ERANGE ? CAP_UNSUPPORTED : capture_state_for_errno(errno),
             "DV timings: %s", errno == ENOLINK ? "no signal" : errno == ENOLCK ? "no lock"
             : errno == ERANGE ? "out of range" : strerror(errno));
    if (v4l2_xioctl(s->ops, s->fd, VIDIOC_S_DV_TIMINGS, &t) < 0)
        FAIL(capture_state_for_errno(errno), "VIDIOC_S_DV_TIMINGS: %s", strerror(errno));
    return 0;
}

static int setup_format(ng_source *src)
{
    v4l2_source *s = src->priv;
    uint32_t offered[64];
    size_t n = 0;
    for (struct v4l2_fmtdesc d = { .type = s->type };
         n < 64 && v4l2_xioctl(s->ops, s->fd, VIDIOC_ENUM_FMT, &d) == 0; d.index++)
        offered[n++] = d.pixelformat;
    uint32_t fourcc;
    if (v4l2_choose_format(offered, n, src->opts.format, &fourcc) < 0) {
        char list[200] = "", fc[5];
        for (size_t i = 0; i < n; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? "," : "",
                     v4l2_fourcc_str(offered[i], fc));
        FAIL(CAP_UNSUPPORTED, "format %s not offered (device offers: %s)",
             v4l2_format_want_name(src->opts.format), n ? list : "nothing");
    }

    struct v4l2_format f = { .type = s->type };
    if (v4l2_xioctl(s->ops, s->fd, VIDIOC_G_FMT, &f) < 0)
        FAIL(capture_state_for_errno(errno), "VIDIOC_G_FMT: %s", strerror(errno));
    if (s->mplane) {
        f.fmt.pix_mp.pixelformat = fourcc;
        if (src->opts.width > 0 && !s->has_dv) f.fmt.pix_mp.width = (uint32_t)src->opts.width;
        if (src->opts.height > 0 && !s->has_dv) f.fmt.pix_mp.height = (uint32_t)src->opts.height;
        f.fmt.pix_mp.field = V4L2_FIELD_NONE;
    } else {
        f.fmt.pix.pixelformat = fourcc;
        if (src->opts.width > 0 && !s->has_dv) f.fmt.pix.width = (uint32_t)src->opts.width;
        if (src->opts.height > 0 && !s->has_dv) f.fmt.pix.height = (uint32_t)src->opts.height;
        f.fmt.pix.field = V4L2_FIELD_NONE;
    }
    if (v4l2_xioctl(s->ops, s->fd, VIDIOC_S_FMT, &f) < 0)
        FAIL(errno == EINVAL ? CAP_UNSUPPORTED : capture_state_for_errno(errno),
             "VIDIOC_S_FMT: %s", strerror(errno));

    uint32_t got, w, h, bpl, size, cs, enc, q;
    if (s->mplane) {
        struct v4l2_pix_format_mplane *m = &f.fmt.pix_mp;
        if (m->num_planes != 1)
            FAIL(CAP_UNSUPPORTED, "%u memory planes: only single-plane buffers are supported",
                 m->num_planes);
        got = m->pixelformat; w = m->width; h = m->height;
        bpl = m->plane_fmt[0].bytesperline; size = m->plane_fmt[0].sizeimage;
        cs = m->colorspace; enc = m->ycbcr_enc; q = m->quantization;
    } else {
        struct v4l2_pix_format *p = &f.fmt.pix;
        got = p->pixelformat; w = p->width; h = p->height;
        bpl = p->bytesperline; size = p->sizeimage;
        cs = p->colorspace; enc = p->ycbcr_enc; q = p->quantization;
    }
    char fc[5];
    if (!v4l2_fourcc_to_pixfmt(got, &s->fmt))
        FAIL(CAP_UNSUPPORTED, "driver chose format %s", v4l2_fourcc_str(got, fc));
    int rb[3], rows[3];
    int nplanes = pixfmt_planes(s->fmt, (int)w, (int)h, rb, rows);
    if (bpl == 0)
        bpl = (uint32_t)rb[0];
    /* the buffer must hold every row of every plane at the declared pitch (copy_out's layout) */
    size_t need = 0;
    for (int i = 0; i < nplanes; i++)
        need += (size_t)bpl * (size_t)rows[i];
    if (s->fmt == NG_PIX_MJPEG)
        need = 1;
    if (w == 0 || h == 0 || w > 16384 || h > 16384 ||
        (s->fmt != NG_PIX_MJPEG && bpl < (uint32_t)rb[0]) || size < need)
        FAIL(CAP_UNSUPPORTED, "driver format %ux%u bytesperline %u sizeimage %u does not add up",
             w, h, bpl, size);
    s->fourcc = got;
    s->width = (int)w;
    s->height = (int)h;
    s->bytesperline = bpl;
    s->sizeimage = size;
    v4l2_colorimetry(cs, enc, q, got, &s->matrix, &s->full_range);

    /* Frame rate: asked for, not required (DV sources run at the source's rate). */
    struct v4l2_streamparm parm = { .type = s->type };
    if (src->opts.fps > 0 && v4l2_xioctl(s->ops, s->fd, VIDIOC_G_PARM, &parm) == 0 &&
        (parm.parm.capture.capability & V4L2_CAP_TIMEPERFRAME)) {
        parm.parm.capture.timeperframe.numerator = 1000;
        parm.parm.capture.timeperframe.denominator = (uint32_t)(src->opts.fps * 1000 + 0.5);
        v4l2_xioctl(s->ops, s->fd, VIDIOC_S_PARM, &parm);
    }
    parm = (struct v4l2_streamparm){ .type = s->type };
    if (v4l2_xioctl(s->ops, s->fd, VIDIOC_G_PARM, &parm) == 0 &&
        parm.parm.capture.timeperframe.numerator && parm.parm.capture.timeperframe.denominator)
        src->fps = (double)parm.parm.capture.timeperframe.denominator /
                   parm.parm.capture.timeperframe.numerator;
    return 0;
}

static int setup_buffers(ng_source *src)
{
    v4l2_source *s = src->priv;
    struct v4l2_requestbuffers rb = { .count = (uint32_t)src->opts.buffers, .type = s->type,
                                      .memory = V4L2_MEMORY_MMAP };
    if (v4l2_xioctl(s->ops, s->fd, VIDIOC_REQBUFS, &rb) < 0)
        FAIL(capture_state_for_errno(errno), "VIDIOC_REQBUFS: %s", strerror(errno));
    if (rb.count < 2)
        FAIL(CAP_STALLED, "driver granted %u buffers", rb.count);
    if (rb.count > MAX_BUFFERS)
        rb.count = MAX_BUFFERS;
    if (!(s->pool = v4l2_pool_new(s->ops)))
        FAIL(CAP_STALLED, "out of memory");
    for (unsigned i = 0; i < rb.count; i++) {
        struct v4l2_plane planes[VIDEO_MAX_PLANES];
        struct v4l2_buffer b = { .index = i, .type = s->type, .memory = V4L2_MEMORY_MMAP };
        if (s->mplane) {
            b.m.planes = planes;
            b.length = VIDEO_MAX_PLANES;
        }
        if (v4l2_xioctl(s->ops, s->fd, VIDIOC_QUERYBUF, &b) < 0)
            FAIL(capture_state_for_errno(errno), "VIDIOC_QUERYBUF: %s", strerror(errno));
        size_t len = s->mplane ? planes[0].length : b.length;
        off_t off = s->mplane ? (off_t)planes[0].m.mem_offset : (off_t)b.m.offset;
        void *start = s->ops->mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, off);
        if (start == MAP_FAILED)
            FAIL(capture_state_for_errno(errno), "mmap: %s", strerror(errno));
        v4l2_pool_add(s->pool, start, len);   /* index i: rb.count is at most the pool's room */
        if (v4l2_xioctl(s->ops, s->fd, VIDIOC_QBUF, &b) < 0)
            FAIL(capture_state_for_errno(errno), "VIDIOC_QBUF: %s", strerror(errno));
    }
    uint32_t type = s->type;
    if (v4l2_xioctl(s->ops, s->fd, VIDIOC_STREAMON, &type) < 0)
        FAIL(capture_state_for_errno(errno), "VIDIOC_STREAMON: %s", strerror(errno));
    s->streaming = true;
    return 0;
}

/* Opens and configures the device and starts streaming. */
static int start(ng_source *src)
{
    v4l2_source *s = src->priv;
    s->fd = s->ops->open(s->path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (s->fd < 0)
        FAIL(capture_state_for_errno(errno), "open: %s", strerror(errno));
    struct v4l2_capability cap = { 0 };
    if (v4l2_xioctl(s->ops, s->fd, VIDIOC_QUERYCAP, &cap) < 0)
        FAIL(capture_state_for_errno(errno), "not a V4L2 device: %s", strerror(errno));
    uint32_t caps = cap.capabilities & V4L2_CAP_DEVICE_CAPS ? cap.device_caps : cap.capabilities;
    if (!(caps & V4L2_CAP_STREAMING))
        FAIL(CAP_UNSUPPORTED, "%s cannot stream", (const char *)cap.card);
    if (caps & V4L2_CAP_VIDEO_CAPTURE) {
        s->type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
        s->mplane = false;
    } else if (caps & V4L2_CAP_VIDEO_CAPTURE_MPLANE) {
        s->type = V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE;
        s->mplane = true;
    } else {
        FAIL(CAP_UNSUPPORTED, "%s is not a video capture device", (const char *)cap.card);
    }
    if (setup_input(src) < 0 || setup_format(src) < 0)
        return -1;
    /* Resolution changes arrive as events, polled together with the frames. */
    struct v4l2_event_subscription sub = { .type = V4L2_EVENT_SOURCE_CHANGE, .id = s->input };
    v4l2_xioctl(s->ops, s->fd, VIDIOC_SUBSCRIBE_EVENT, &sub);
    if (setup_buffers(src) < 0)
        return -1;
    src->width = s->width;
    src->height = s->height;
    s->last_frame_ns = ng_now_ns();
    return 0;
}

/* ---- streaming ---- */

/* poll() timeout for one frame period, with room for jitter; always a sane number. */
int v4l2_frame_timeout_ms(double fps)
{
    if (!(fps >= 1 && fps <= 1000))   /* NaN, zero, negative, absurd */
        fps = 30;
    int ms = (int)(3000.0 / fps);
    return ms < 100 ? 100 : ms > 1000 ? 1000 : ms;
}

static void requeue(v4l2_source *s, struct v4l2_buffer *b)
{
    v4l2_xioctl(s->ops, s->fd, VIDIOC_QBUF, b);
}

/* The buffers whose lent frames were freed, back to the driver. */
static void requeue_returned(v4l2_source *s)
{
    unsigned idx[V4L2_POOL_MAX];
    for (unsigned k = 0, n = v4l2_pool_take_returned(s->pool, idx); k < n; k++) {
        struct v4l2_plane planes[VIDEO_MAX_PLANES] = { 0 };
        struct v4l2_buffer b = { .index = idx[k], .type = s->type, .memory = V4L2_MEMORY_MMAP };
        if (s->mplane) {
            b.m.planes = planes;
            b.length = 1;   /* single-plane buffers only (setup_format) */
        }
        requeue(s, &b);
    }
}

/* Copies a buffer into a tight frame, honouring bytesperline. */
static ng_frame *copy_out(v4l2_source *s, const struct v4l2_buffer *b, uint32_t bytesused)
{
    const uint8_t *src = v4l2_pool_start(s->pool, b->index);
    ng_frame *f;
    if (s->fmt == NG_PIX_MJPEG) {
        if (bytesused == 0 || bytesused > v4l2_pool_length(s->pool, b->index))
            return NULL;
        f = frame_alloc_compressed(NG_PIX_MJPEG, s->width, s->height, bytesused);
        if (f)
            memcpy(f->data, src, bytesused);
        return f;
    }
    f = frame_alloc(s->fmt, s->width, s->height);
    if (!f)
        return NULL;
    /* each plane's rows follow the last at the same pitch (NV12: the UV rows after the Y rows) */
    int rb[3], rows[3];
    pixfmt_planes(s->fmt, s->width, s->height, rb, rows);
    const uint8_t *p = src;
    for (int i = 0; i < f->nplanes; i++) {
        for (int y = 0; y < rows[i]; y++)
            memcpy(f->plane[i] + (size_t)y * f->stride[i], p + (size_t)y * s->bytesperline,
                   (size_t)rb[i]);
        p += (size_t)s->bytesperline * rows[i];
    }
    return f;
}

/* Handles pending events; returns true if the source changed format. */
static bool source_changed(v4l2_source *s)
{
    bool changed = false;
    struct v4l2_event ev;
    while (v4l2_xioctl(s->ops, s->fd, VIDIOC_DQEVENT, &ev) == 0)
        if (ev.type == V4L2_EVENT_SOURCE_CHANGE &&
            (ev.u.src_change.changes & V4L2_EVENT_SRC_CH_RESOLUTION))
            changed = true;
    return changed;
}

/* A failure while streaming: tear down and retry. */
static ng_source_status lost(ng_source *src, int err, const char *what)
{
    v4l2_source *s = src->priv;
    teardown(s);
    s->retry_ms = RETRY_FIRST_MS;
    schedule_retry(s);
    return set_state(src, capture_state_for_errno(err), "%s: %s", what, strerror(err))
               ? NG_SRC_STATE : NG_SRC_IDLE;
}

/* Dequeues everything ready, keeps the newest good buffer, re-queues the rest. */
static ng_source_status drain(ng_source *src, ng_frame **out)
{
    v4l2_source *s = src->priv;
    struct v4l2_plane planes[VIDEO_MAX_PLANES], newest_planes[VIDEO_MAX_PLANES];
    struct v4l2_buffer newest = { 0 };
    bool have = false;
    for (;;) {
        struct v4l2_buffer b = { .type = s->type, .memory = V4L2_MEMORY_MMAP };
        if (s->mplane) {
            b.m.planes = planes;
            b.length = VIDEO_MAX_PLANES;
        }
        if (v4l2_xioctl(s->ops, s->fd, VIDIOC_DQBUF, &b) < 0) {
            if (errno == EAGAIN)
                break;
            if (have)
                requeue(s, &newest);
            return lost(src, errno, "VIDIOC_DQBUF");
        }
        if (b.index >= v4l2_pool_count(s->pool))
            continue;
        if (s->have_seq && b.sequence > s->last_seq + 1)
            src->driver_drops += b.sequence - s->last_seq - 1;
        s->have_seq = true;
        s->last_seq = b.sequence;
        if (b.flags & V4L2_BUF_FLAG_ERROR) {
            src->error_buffers++;
            requeue(s, &b);
            continue;
        }
        if (have) {
            src->skipped++;
            requeue(s, &newest);
        }
        newest = b;
        if (s->mplane) {
            memcpy(newest_planes, planes, sizeof planes);
            newest.m.planes = newest_planes;
        }
        have = true;
    }
    if (!have)
        return NG_SRC_IDLE;
    int64_t ts = ng_now_ns();
    if ((newest.flags & V4L2_BUF_FLAG_TIMESTAMP_MASK) == V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC &&
        (newest.timestamp.tv_sec || newest.timestamp.tv_usec))
        ts = (int64_t)newest.timestamp.tv_sec * 1000000000LL + (int64_t)newest.timestamp.tv_usec * 1000;
    /* Lent without a copy while enough buffers stay with the driver; copied out otherwise (and
     * always for MJPEG, whose frames decode into a copy anyway, and planar formats). */
    ng_frame *f = NULL;
    if (s->fmt != NG_PIX_MJPEG && v4l2_pool_can_lend(s->pool, V4L2_KEEP_QUEUED))
        f = v4l2_pool_lend(s->pool, newest.index, s->fmt, s->width, s->height,
                           (int)s->bytesperline);
    if (!f) {
        uint32_t used = s->mplane ? newest.m.planes[0].bytesused : newest.bytesused;
        f = copy_out(s, &newest, used);
        requeue(s, &newest);
        src->copied_out += f != NULL;
    }
    if (!f) {
        src->error_buffers++;
        return NG_SRC_IDLE;
    }
    f->seq = s->seq_out++;
    f->t_capture_ns = ts;
    s->last_frame_ns = ng_now_ns();
    f->matrix = s->matrix;
    f->full_range = s->full_range;
    *out = f;
    return NG_SRC_FRAME;
}

static ng_source_status v4l2_next(ng_source *src, ng_frame **out, ng_errbuf *err)
{
    (void)err;
    v4l2_source *s = src->priv;
    if (s->fd < 0) {
        int64_t now = ng_now_ns();
        if (now < s->retry_at_ns) {
            int64_t wait = s->retry_at_ns - now, slice = (int64_t)IDLE_SLICE_MS * 1000000;
            ng_sleep_until_ns(now + (wait < slice ? wait : slice));
            return NG_SRC_IDLE;
        }
        s->changed = false;
        if (start(src) < 0) {
            teardown(s);
            schedule_retry(s);
            return s->changed ? NG_SRC_STATE : NG_SRC_IDLE;
        }
        s->retry_ms = RETRY_FIRST_MS;
        char fc[5];
        return set_state(src, CAP_STREAMING, "%dx%d %s at %.3g fps", s->width, s->height,
                         v4l2_fourcc_str(s->fourcc, fc), src->fps) ? NG_SRC_STATE : NG_SRC_IDLE;
    }

    requeue_returned(s);
    struct pollfd pfd = { .fd = s->fd, .events = POLLIN | POLLPRI };
    int rc = s->ops->poll(&pfd, 1, v4l2_frame_timeout_ms(src->fps));
    if (rc < 0)
        return errno == EINTR ? NG_SRC_IDLE : lost(src, errno, "poll");
    if (rc == 0) {
        if (ng_now_ns() - s->last_frame_ns < STALL_NS)
            return NG_SRC_IDLE;
        /* No frame for a while: find out why. */
        if (s->has_dv) {
            struct v4l2_dv_timings t = { 0 };
            if (v4l2_xioctl(s->ops, s->fd, VIDIOC_QUERY_DV_TIMINGS, &t) < 0 &&
                (errno == ENOLINK || errno == ENOLCK))
                return set_state(src, errno == ENOLINK ? CAP_NO_SIGNAL : CAP_NO_SYNC,
                                 "no frames; DV timings: %s", errno == ENOLINK ? "no signal" : "no lock")
                           ? NG_SRC_STATE : NG_SRC_IDLE;
        }
        return set_state(src, CAP_STALLED, "no frame for %d ms", (int)(STALL_NS / 1000000))
                   ? NG_SRC_STATE : NG_SRC_IDLE;
    }
    if (pfd.revents & POLLPRI && source_changed(s)) {
        teardown(s);
        s->retry_at_ns = 0;   /* renegotiate at once */
        return set_state(src, CAP_FORMAT_CHANGED, "the source changed resolution")
                   ? NG_SRC_STATE : NG_SRC_IDLE;
    }
    if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
        /* vanished, or a fatal streaming error: DQBUF tells which */
        struct v4l2_buffer b = { .type = s->type, .memory = V4L2_MEMORY_MMAP };
        struct v4l2_plane planes[VIDEO_MAX_PLANES];
        if (s->mplane) {
            b.m.planes = planes;
            b.length = VIDEO_MAX_PLANES;
        }
        if (v4l2_xioctl(s->ops, s->fd, VIDIOC_DQBUF, &b) < 0)
            /* EAGAIN with POLLERR: the queue is in error without saying why */
            return lost(src, errno == EAGAIN ? EIO : errno, "streaming");
        requeue(s, &b);   /* a good buffer after all: back to the driver, carry on */
    }
    if (!(pfd.revents & POLLIN))
        return NG_SRC_IDLE;
    ng_source_status st = drain(src, out);
    if (st == NG_SRC_FRAME && src->state != CAP_STREAMING) {
        /* frames again after a stall or lost signal: hand the state over first, keep the frame */
        char fc[5];
        set_state(src, CAP_STREAMING, "%dx%d %s", s->width, s->height, v4l2_fourcc_str(s->fourcc, fc));
    }
    return st;
}

static int v4l2_open_src(ng_source *src, const ng_source_spec *spec, ng_errbuf *err)
{
    v4l2_source *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->ops = src->opts.ops ? src->opts.ops : &v4l2_system_ops;
    snprintf(s->path, sizeof s->path, "%s", spec->path);
    s->fd = -1;
    s->retry_ms = RETRY_FIRST_MS;
    if (src->opts.buffers < NG_CAPTURE_BUFFERS_MIN || src->opts.buffers > NG_CAPTURE_BUFFERS_MAX)
        src->opts.buffers = NG_CAPTURE_BUFFERS_DEFAULT;
    src->priv = s;
    /* The first attempt now, so the frame size is known; a device that is not there yet is a
     * state to show and retry, not an error. Only a malformed request is refused. */
    if (start(src) < 0) {
        teardown(s);
        if (src->state == CAP_UNSUPPORTED && src->opts.format != V4L2_WANT_AUTO &&
            strstr(src->detail, "not offered")) {
            ng_err_add(err, "v4l2:%s: %s", s->path, src->detail);
            free(s);
            return -1;
        }
        schedule_retry(s);
        src->width = src->opts.width > 0 ? src->opts.width : 640;
        src->height = src->opts.height > 0 ? src->opts.height : 480;
        return 0;
    }
    src->state = CAP_STREAMING;
    char fc[5];
    NG_INFO("v4l2", "%s: %dx%d %s, %u buffers, %s%s", s->path, s->width, s->height,
            v4l2_fourcc_str(s->fourcc, fc), v4l2_pool_count(s->pool),
            s->matrix == NG_MATRIX_BT709 ? "BT.709" : "BT.601", s->full_range ? " full range" : "");
    return 0;
}

static void v4l2_close_src(ng_source *src)
{
    v4l2_source *s = src->priv;
    teardown(s);
    free(s);
}

const ng_source_ops source_v4l2_ops = { "v4l2", v4l2_open_src, v4l2_next, v4l2_close_src };
