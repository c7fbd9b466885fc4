/* The V4L2 source against a fake device substituted through the ops table. */
#include <errno.h>
#include <linux/videodev2.h>
#include <math.h>
#include <sys/mman.h>

#include "test_util.h"

#include "capture/source_v4l2.h"
#include "util/clock.h"

/* ---- the fake device ---- */

#define NBUF 4
#define FAKE_FD 42

static struct {
    uint32_t formats[8];
    int nformats;
    uint32_t width, height, bytesperline, fourcc, colorspace;
    bool dv;                      /* input 0 has DV timings */
    int dv_errno;                 /* QUERY_DV_TIMINGS fails with this, 0: ok */
    int open_errno, dqbuf_errno, streamon_errno;
    int opens;
    int64_t open_ns[8];
    uint8_t mem[NBUF][1 << 20];
    bool queued[NBUF];
    int unmapped[NBUF];           /* munmap calls per buffer */
    int detached[NBUF];           /* its pixels moved into memory of the process's own */
    /* buffers the "hardware" has filled, in order */
    struct { int index; uint32_t seq, flags, bytesused; } ready[16];
    int nready;
    bool event_pending;
    bool streaming;
    bool mplane;                  /* a multi-planar-only device */
} dev;

static void fake_reset(void)
{
    memset(&dev, 0, sizeof dev);
    dev.formats[0] = V4L2_PIX_FMT_YUYV;
    dev.formats[1] = V4L2_PIX_FMT_MJPEG;
    dev.nformats = 2;
    dev.width = 64;
    dev.height = 32;
    dev.fourcc = V4L2_PIX_FMT_YUYV;
    dev.colorspace = V4L2_COLORSPACE_SRGB;
}

/* The hardware fills queued buffer `index` with `value` and marks it ready. */
static void fill(int index, uint32_t seq, uint32_t flags, uint8_t value)
{
    assert_true(dev.queued[index]);
    dev.queued[index] = false;
    memset(dev.mem[index], value, sizeof dev.mem[index]);
    dev.ready[dev.nready].index = index;
    dev.ready[dev.nready].seq = seq;
    dev.ready[dev.nready].flags = flags;
    dev.ready[dev.nready].bytesused = dev.bytesperline * dev.height;
    dev.nready++;
}

static int f_open(const char *path, int flags)
{
    (void)path; (void)flags;
    if (dev.opens < 8)
        dev.open_ns[dev.opens] = ng_now_ns();
    dev.opens++;
    if (dev.open_errno) {
        errno = dev.open_errno;
        return -1;
    }
    return FAKE_FD;
}

static int f_close(int fd) { (void)fd; return 0; }

static void fill_pix(struct v4l2_pix_format *p)
{
    p->width = dev.width;
    p->height = dev.height;
    p->pixelformat = dev.fourcc;
    p->bytesperline = dev.bytesperline;
    p->sizeimage = dev.bytesperline * dev.height;
    p->colorspace = dev.colorspace;
    p->field = V4L2_FIELD_NONE;
}

static int fail_with(int e) { errno = e; return -1; }

static int f_ioctl(int fd, unsigned long req, void *arg)
{
    assert_int_equal(fd, FAKE_FD);
    switch (req) {
    case VIDIOC_QUERYCAP: {
        struct v4l2_capability *c = arg;
        memset(c, 0, sizeof *c);
        snprintf((char *)c->card, sizeof c->card, "fake");
        c->capabilities = (dev.mplane ? V4L2_CAP_VIDEO_CAPTURE_MPLANE : V4L2_CAP_VIDEO_CAPTURE) |
                          V4L2_CAP_STREAMING;
        return 0;
    }
    case VIDIOC_G_INPUT: *(int *)arg = 0; return 0;
    case VIDIOC_S_INPUT: return *(int *)arg == 0 ? 0 : fail_with(EINVAL);
    case VIDIOC_ENUMINPUT: {
        struct v4l2_input *in = arg;
        if (in->index != 0)
            return fail_with(EINVAL);
        in->capabilities = dev.dv ? V4L2_IN_CAP_DV_TIMINGS : 0;
        return 0;
    }
    case VIDIOC_QUERY_DV_TIMINGS: return dev.dv_errno ? fail_with(dev.dv_errno) : 0;
    case VIDIOC_S_DV_TIMINGS: return 0;
    case VIDIOC_ENUM_FMT: {
        struct v4l2_fmtdesc *d = arg;
        if ((int)d->index >= dev.nformats)
            return fail_with(EINVAL);
        d->pixelformat = dev.formats[d->index];
        return 0;
    }
    case VIDIOC_G_FMT: case VIDIOC_S_FMT: {
        struct v4l2_format *f = arg;
        assert_int_equal(f->type, dev.mplane ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE
                                             : V4L2_BUF_TYPE_VIDEO_CAPTURE);
        if (req == VIDIOC_S_FMT) {
            /* the fake accepts any format and keeps its size */
            dev.fourcc = dev.mplane ? f->fmt.pix_mp.pixelformat : f->fmt.pix.pixelformat;
            if (!dev.bytesperline || dev.bytesperline < dev.width * 2)
                dev.bytesperline = dev.width * 2;
        }
        if (!dev.mplane) {
            fill_pix(&f->fmt.pix);
            return 0;
        }
        struct v4l2_pix_format p;
        fill_pix(&p);
        memset(&f->fmt.pix_mp, 0, sizeof f->fmt.pix_mp);
        f->fmt.pix_mp.width = p.width;
        f->fmt.pix_mp.height = p.height;
        f->fmt.pix_mp.pixelformat = p.pixelformat;
        f->fmt.pix_mp.colorspace = p.colorspace;
        f->fmt.pix_mp.num_planes = 1;
        f->fmt.pix_mp.plane_fmt[0].bytesperline = p.bytesperline;
        f->fmt.pix_mp.plane_fmt[0].sizeimage = p.sizeimage;
        return 0;
    }
    case VIDIOC_G_PARM: case VIDIOC_S_PARM: return fail_with(ENOTTY);
    case VIDIOC_SUBSCRIBE_EVENT: return 0;
    case VIDIOC_DQEVENT: {
        if (!dev.event_pending)
            return fail_with(ENOENT);
        dev.event_pending = false;
        struct v4l2_event *ev = arg;
        memset(ev, 0, sizeof *ev);
        ev->type = V4L2_EVENT_SOURCE_CHANGE;
        ev->u.src_change.changes = V4L2_EVENT_SRC_CH_RESOLUTION;
        return 0;
    }
    case VIDIOC_REQBUFS: {
        struct v4l2_requestbuffers *rb = arg;
        if (rb->count > NBUF)
            rb->count = NBUF;
        memset(dev.queued, 0, sizeof dev.queued);   /* (re)allocated: none queued */
        dev.nready = 0;
        return 0;
    }
    case VIDIOC_QUERYBUF: {
        struct v4l2_buffer *b = arg;
        if (dev.mplane) {
            assert_non_null(b->m.planes);
            b->m.planes[0].length = sizeof dev.mem[0];
            b->m.planes[0].m.mem_offset = b->index * 4096;
            b->length = 1;
            return 0;
        }
        b->length = sizeof dev.mem[0];
        b->m.offset = b->index * 4096;
        return 0;
    }
    case VIDIOC_QBUF: {
        struct v4l2_buffer *b = arg;
        assert_true(b->index < NBUF);
        assert_int_equal(b->memory, V4L2_MEMORY_MMAP);
        if (dev.mplane) {   /* the plane array the driver reads */
            assert_non_null(b->m.planes);
            assert_true(b->length >= 1);
        }
        assert_false(dev.queued[b->index]);   /* never queued twice */
        dev.queued[b->index] = true;
        return 0;
    }
    case VIDIOC_DQBUF: {
        if (dev.dqbuf_errno)
            return fail_with(dev.dqbuf_errno);
        if (!dev.nready)
            return fail_with(EAGAIN);
        struct v4l2_buffer *b = arg;
        b->index = (uint32_t)dev.ready[0].index;
        b->sequence = dev.ready[0].seq;
        b->flags = dev.ready[0].flags | V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC;
        b->bytesused = dev.ready[0].bytesused;
        if (dev.mplane) {
            assert_non_null(b->m.planes);
            b->m.planes[0].bytesused = dev.ready[0].bytesused;
            b->bytesused = 0;
        }
        b->timestamp.tv_sec = 1000;
        b->timestamp.tv_usec = 250;
        memmove(dev.ready, dev.ready + 1, sizeof dev.ready[0] * (size_t)--dev.nready);
        return 0;
    }
    case VIDIOC_STREAMON:
        if (dev.streamon_errno)
            return fail_with(dev.streamon_errno);
        dev.streaming = true;
        return 0;
    case VIDIOC_STREAMOFF:   /* like V4L2: every buffer returns to the application */
        dev.streaming = false;
        memset(dev.queued, 0, sizeof dev.queued);
        dev.nready = 0;
        return 0;
    }
    return fail_with(ENOTTY);
}

static void *f_mmap(void *a, size_t len, int prot, int flags, int fd, off_t off)
{
    if (flags & MAP_ANONYMOUS)   /* memory of the process's own */
        return mmap(a, len, prot, flags, fd, off);
    assert_int_equal(fd, FAKE_FD);
    return dev.mem[off / 4096];
}

/* Moving a buffer's pixels off the device: the fake's buffers are not mappings, so the bytes are
 * put back where they were, and the move counted. */
static void *f_mremap(void *old, size_t old_len, size_t new_len, int flags, void *new_addr)
{
    ptrdiff_t i = ((uint8_t *)new_addr - dev.mem[0]) / (ptrdiff_t)sizeof dev.mem[0];
    assert_true(i >= 0 && i < NBUF);
    assert_ptr_equal(new_addr, dev.mem[i]);
    assert_int_equal(old_len, sizeof dev.mem[0]);
    assert_int_equal(new_len, old_len);
    assert_int_equal(flags, MREMAP_MAYMOVE | MREMAP_FIXED);
    memcpy(new_addr, old, old_len);
    munmap(old, old_len);
    dev.detached[i]++;
    return new_addr;
}

static int f_munmap(void *a, size_t len)
{
    ptrdiff_t i = ((uint8_t *)a - dev.mem[0]) / (ptrdiff_t)sizeof dev.mem[0];
    assert_true(i >= 0 && i < NBUF);
    assert_ptr_equal(a, dev.mem[i]);
    assert_int_equal(len, sizeof dev.mem[0]);
    dev.unmapped[i]++;
    return 0;
}

static int f_poll(struct pollfd *p, nfds_t n, int timeout)
{
    (void)n;
    assert_true(timeout >= 100 && timeout <= 1000);   /* always a validated timeout */
    p->revents = 0;
    if (dev.dqbuf_errno)
        p->revents |= POLLERR;
    if (dev.nready)
        p->revents |= POLLIN;
    if (dev.event_pending)
        p->revents |= POLLPRI;
    return p->revents ? 1 : 0;
}

static const v4l2_ops fake_ops = { .open = f_open, .close = f_close, .ioctl = f_ioctl,
                                   .mmap = f_mmap, .munmap = f_munmap, .mremap = f_mremap,
                                   .poll = f_poll };

/* The fake device opened as a source asking for `buffers` (0: the default). */
static ng_source *open_fake_buffers(v4l2_format_want want, int buffers)
{
    ng_source_spec spec;
    char why[200];
    assert_int_equal(source_spec_parse("v4l2:/dev/video0", &spec, why, sizeof why), 0);
    ng_source_opts o;
    source_opts_default(&o);
    o.ops = &fake_ops;
    o.format = want;
    if (buffers)
        o.buffers = buffers;
    ng_errbuf err = { 0 };
    ng_source *src = source_open(&spec, &o, &err);
    if (!src)
        fail_msg("%s", err.text);
    return src;
}

static ng_source *open_fake(v4l2_format_want want)
{
    return open_fake_buffers(want, 0);
}

/* ---- tests ---- */

static void test_format_choice(void **s)
{
    (void)s;
    uint32_t out;
    const uint32_t offered[] = { V4L2_PIX_FMT_MJPEG, V4L2_PIX_FMT_RGB24, V4L2_PIX_FMT_YUYV,
                                 V4L2_PIX_FMT_NV12 };
    assert_int_equal(v4l2_choose_format(offered, 4, V4L2_WANT_AUTO, &out), 0);
    assert_int_equal(out, V4L2_PIX_FMT_NV12);             /* cheapest first */
    assert_int_equal(v4l2_choose_format(offered, 2, V4L2_WANT_AUTO, &out), 0);
    assert_int_equal(out, V4L2_PIX_FMT_RGB24);            /* before MJPEG's decode */
    assert_int_equal(v4l2_choose_format(offered, 1, V4L2_WANT_AUTO, &out), 0);
    assert_int_equal(out, V4L2_PIX_FMT_MJPEG);
    assert_int_equal(v4l2_choose_format(offered, 4, V4L2_WANT_YUYV, &out), 0);
    assert_int_equal(out, V4L2_PIX_FMT_YUYV);
    assert_int_equal(v4l2_choose_format(offered, 4, V4L2_WANT_UYVY, &out), -1);
    const uint32_t odd[] = { V4L2_PIX_FMT_YVU420 };
    assert_int_equal(v4l2_choose_format(odd, 1, V4L2_WANT_AUTO, &out), -1);
    v4l2_format_want w;
    assert_int_equal(v4l2_format_want_parse("mjpeg", &w), 0);
    assert_int_equal(w, V4L2_WANT_MJPEG);
    assert_int_equal(v4l2_format_want_parse("h264", &w), -1);
}

static void test_colorimetry(void **s)
{
    (void)s;
    ng_matrix m;
    bool full;
    v4l2_colorimetry(V4L2_COLORSPACE_REC709, 0, 0, V4L2_PIX_FMT_YUYV, &m, &full);
    assert_int_equal(m, NG_MATRIX_BT709);
    assert_false(full);
    v4l2_colorimetry(V4L2_COLORSPACE_SRGB, 0, 0, V4L2_PIX_FMT_YUYV, &m, &full);
    assert_int_equal(m, NG_MATRIX_BT601);
    assert_false(full);
    v4l2_colorimetry(V4L2_COLORSPACE_SRGB, V4L2_YCBCR_ENC_709, V4L2_QUANTIZATION_FULL_RANGE,
                     V4L2_PIX_FMT_NV12, &m, &full);
    assert_int_equal(m, NG_MATRIX_BT709);
    assert_true(full);
    v4l2_colorimetry(V4L2_COLORSPACE_JPEG, 0, 0, V4L2_PIX_FMT_YUYV, &m, &full);
    assert_true(full);
    v4l2_colorimetry(V4L2_COLORSPACE_REC709, 0, V4L2_QUANTIZATION_LIM_RANGE, V4L2_PIX_FMT_MJPEG, &m, &full);
    assert_true(full);   /* JPEG data is full range */
}

static void test_timeout_validation(void **s)
{
    (void)s;
    assert_int_equal(v4l2_frame_timeout_ms(30), 100);
    assert_int_equal(v4l2_frame_timeout_ms(10), 300);
    assert_int_equal(v4l2_frame_timeout_ms(1), 1000);
    assert_int_equal(v4l2_frame_timeout_ms(240), 100);
    assert_int_equal(v4l2_frame_timeout_ms(NAN), 100);
    assert_int_equal(v4l2_frame_timeout_ms(0), 100);
    assert_int_equal(v4l2_frame_timeout_ms(-5), 100);
    assert_int_equal(v4l2_frame_timeout_ms(INFINITY), 100);
    assert_int_equal(v4l2_frame_timeout_ms(1e12), 100);
}

static void test_drain_to_newest(void **s)
{
    (void)s;
    fake_reset();
    ng_source *src = open_fake(V4L2_WANT_AUTO);
    assert_int_equal(src->state, CAP_STREAMING);
    assert_int_equal(src->width, 64);
    for (int i = 0; i < NBUF; i++)
        assert_true(dev.queued[i]);
    fill(0, 10, 0, 0x10);
    fill(1, 11, 0, 0x11);
    fill(2, 12, 0, 0x12);
    ng_frame *f = NULL;
    ng_errbuf err = { 0 };
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    assert_int_equal(f->fmt, NG_PIX_YUYV);
    assert_int_equal(f->data[0], 0x12);                /* the newest */
    assert_ptr_equal(f->data, dev.mem[2]);             /* lent: the buffer itself, no copy */
    assert_int_equal(src->skipped, 2);                 /* the two older, re-queued unseen */
    assert_int_equal(f->t_capture_ns, 1000LL * 1000000000 + 250000);   /* the kernel's time */
    assert_int_equal(f->seq, 0);
    for (int i = 0; i < NBUF; i++)
        assert_int_equal(dev.queued[i], i != 2);       /* the rest back with the driver */
    frame_free(f);
    assert_false(dev.queued[2]);                       /* queued again by the capture thread */

    /* a gap in the driver's numbering is counted as dropped by the card */
    fill(3, 15, 0, 0x15);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    assert_true(dev.queued[2]);                        /* the freed frame's buffer, before polling */
    assert_int_equal(src->driver_drops, 2);
    assert_int_equal(f->seq, 1);
    frame_free(f);

    /* a corrupt buffer is skipped and counted, the good one after it delivered */
    fill(0, 16, V4L2_BUF_FLAG_ERROR, 0xEE);
    fill(1, 17, 0, 0x17);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    assert_int_equal(f->data[0], 0x17);
    assert_int_equal(src->error_buffers, 1);
    frame_free(f);
    fill(2, 18, V4L2_BUF_FLAG_ERROR, 0xEE);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_IDLE);   /* nothing good: no frame */
    assert_true(dev.queued[2]);
    source_close(src);
}

static void test_bytesperline_padding(void **s)
{
    (void)s;
    fake_reset();
    dev.bytesperline = 64 * 2 + 32;   /* padded rows */
    ng_source *src = open_fake(V4L2_WANT_YUYV);
    for (int y = 0; y < 32; y++) {
        memset(dev.mem[0] + y * dev.bytesperline, y, 128);
        memset(dev.mem[0] + y * dev.bytesperline + 128, 0xEE, 32);
    }
    dev.queued[0] = false;
    dev.ready[0].index = 0;
    dev.ready[0].seq = 1;
    dev.ready[0].bytesused = dev.bytesperline * 32;
    dev.nready = 1;
    ng_frame *f = NULL;
    ng_errbuf err = { 0 };
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    /* lent: the card's pitch, which every stage reads rows at */
    assert_int_equal(f->stride[0], 160);
    for (int y = 0; y < 32; y++)
        for (int x = 0; x < 128; x++)
            if (f->plane[0][y * 160 + x] != y)
                fail_msg("lent row %d byte %d: %d", y, x, f->plane[0][y * 160 + x]);
    /* with it and another held, two buffers are left with the driver: the next is copied out,
     * tight, and its buffer queued again at once */
    ng_frame *held = f;
    fill(1, 2, 0, 0x33);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    assert_ptr_equal(f->data, dev.mem[1]);
    ng_frame *held2 = f;
    fill(2, 3, 0, 0);
    for (int y = 0; y < 32; y++) {
        memset(dev.mem[2] + y * dev.bytesperline, 100 + y, 128);
        memset(dev.mem[2] + y * dev.bytesperline + 128, 0xEE, 32);
    }
    assert_int_equal(src->copied_out, 0);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    assert_true(f->data < dev.mem[0] || f->data >= dev.mem[NBUF]);   /* a copy, counted */
    assert_int_equal(src->copied_out, 1);
    assert_true(dev.queued[2]);
    assert_int_equal(f->stride[0], 128);
    for (int y = 0; y < 32; y++)
        for (int x = 0; x < 128; x++)
            if (f->plane[0][y * 128 + x] != 100 + y)
                fail_msg("copied row %d byte %d: padding leaked in", y, x);
    frame_free(f);
    frame_free(held);
    frame_free(held2);
    source_close(src);
}

/* With two buffers none can be lent while two stay with the driver: every frame is copied out
 * (buffers = 2 is how a card whose buffers are slow to read is told to copy). */
static void test_two_buffers_copy_every_frame(void **s)
{
    (void)s;
    fake_reset();
    ng_source *src = open_fake_buffers(V4L2_WANT_AUTO, 2);
    ng_frame *f = NULL;
    ng_errbuf err = { 0 };
    for (int n = 0; n < 4; n++) {
        fill(n % 2, (uint32_t)n, 0, (uint8_t)(0x70 + n));
        assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
        assert_int_equal(f->data[0], 0x70 + n);
        assert_true(f->data < dev.mem[0] || f->data >= dev.mem[NBUF]);   /* a copy */
        assert_true(dev.queued[0] && dev.queued[1]);                      /* both with the driver */
        frame_free(f);
    }
    assert_int_equal(src->copied_out, 4);
    source_close(src);
}

/* A frame lent from a buffer outlives a restart of the capture (a new resolution here; an unplug
 * or lost signal tears down the same way): its pixels are moved off the device at the same
 * address (the vivid scenarios check that the device node is let go of), the other buffers are
 * unmapped at once, and it is unmapped when the frame is freed — never queued to the new
 * streaming. */
static void test_lent_frame_outlives_a_restart(void **s)
{
    (void)s;
    fake_reset();
    ng_source *src = open_fake(V4L2_WANT_AUTO);
    ng_frame *f = NULL, *g = NULL;
    ng_errbuf err = { 0 };
    fill(1, 1, 0, 0x61);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    assert_ptr_equal(f->data, dev.mem[1]);
    dev.event_pending = true;
    assert_int_equal(source_next(src, &g, &err), NG_SRC_STATE);
    assert_int_equal(src->state, CAP_FORMAT_CHANGED);
    for (int i = 0; i < NBUF; i++) {
        assert_int_equal(dev.unmapped[i], i != 1);
        assert_int_equal(dev.detached[i], i == 1);     /* off the device, same address */
    }
    assert_ptr_equal(f->data, dev.mem[1]);
    assert_int_equal(f->data[100], 0x61);              /* still there to be shown, dimmed */
    assert_int_equal(source_next(src, &g, &err), NG_SRC_STATE);   /* streaming again */
    assert_int_equal(src->state, CAP_STREAMING);
    frame_free(f);                                     /* from the old streaming */
    assert_int_equal(dev.unmapped[1], 1);
    fill(0, 1, 0, 0x62);
    assert_int_equal(source_next(src, &g, &err), NG_SRC_FRAME);
    assert_int_equal(g->data[0], 0x62);
    for (int i = 1; i < NBUF; i++)
        assert_true(dev.queued[i]);                    /* the old frame's buffer not queued twice */
    /* closed with a frame still out: unmapped when it goes */
    source_close(src);
    assert_int_equal(dev.unmapped[0], 1);
    assert_int_equal(g->data[0], 0x62);
    frame_free(g);
    assert_int_equal(dev.unmapped[0], 2);
}

static void test_error_states(void **s)
{
    (void)s;
    static const struct { int e; capture_state st; } map[] = {
        { ENOENT, CAP_NO_DEVICE }, { ENODEV, CAP_NO_DEVICE }, { EACCES, CAP_NO_DEVICE },
        { ENOLINK, CAP_NO_SIGNAL }, { ENOLCK, CAP_NO_SYNC }, { ERANGE, CAP_UNSUPPORTED },
        { EIO, CAP_STALLED }, { EPIPE, CAP_STALLED },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        assert_int_equal(capture_state_for_errno(map[i].e), map[i].st);
    assert_string_equal(capture_state_name(CAP_NO_SIGNAL), "no_signal");
    assert_string_equal(capture_state_banner(CAP_NO_DEVICE), "NO DEVICE");
    assert_null(capture_state_banner(CAP_STREAMING));

    /* HDMI input without a signal: opens, says no_signal, does not fail */
    static const struct { int e; capture_state st; } dv[] = {
        { ENOLINK, CAP_NO_SIGNAL }, { ENOLCK, CAP_NO_SYNC }, { ERANGE, CAP_UNSUPPORTED } };
    for (size_t i = 0; i < 3; i++) {
        fake_reset();
        dev.dv = true;
        dev.dv_errno = dv[i].e;
        ng_source *src = open_fake(V4L2_WANT_AUTO);
        assert_int_equal(src->state, dv[i].st);
        assert_false(dev.streaming);
        source_close(src);
    }
}

static void test_unplug_and_back(void **s)
{
    (void)s;
    fake_reset();
    ng_source *src = open_fake(V4L2_WANT_AUTO);
    ng_frame *f = NULL;
    ng_errbuf err = { 0 };
    dev.dqbuf_errno = ENODEV;                      /* unplugged while streaming */
    assert_int_equal(source_next(src, &f, &err), NG_SRC_STATE);
    assert_int_equal(src->state, CAP_NO_DEVICE);
    dev.dqbuf_errno = 0;
    dev.open_errno = ENOENT;                       /* the node is gone for now */
    int64_t t0 = ng_now_ns();
    int opens0 = dev.opens;
    while (dev.opens == opens0 && ng_now_ns() - t0 < 2000000000LL)
        source_next(src, &f, &err);
    assert_true(ng_now_ns() - t0 < 400 * 1000000LL);   /* first retry promptly (<= 250 ms + slack) */
    assert_int_equal(src->state, CAP_NO_DEVICE);
    dev.open_errno = 0;                            /* plugged back */
    ng_source_status st;
    do
        st = source_next(src, &f, &err);
    while (st == NG_SRC_IDLE && ng_now_ns() - t0 < 3000000000LL);
    assert_int_equal(st, NG_SRC_STATE);
    assert_int_equal(src->state, CAP_STREAMING);
    assert_true(dev.streaming);
    source_close(src);
}

static void test_source_change(void **s)
{
    (void)s;
    fake_reset();
    dev.dv = true;
    ng_source *src = open_fake(V4L2_WANT_AUTO);
    ng_frame *f = NULL;
    ng_errbuf err = { 0 };
    dev.width = 128;          /* the source switches resolution */
    dev.height = 64;
    dev.bytesperline = 0;
    dev.event_pending = true;
    assert_int_equal(source_next(src, &f, &err), NG_SRC_STATE);
    assert_int_equal(src->state, CAP_FORMAT_CHANGED);
    assert_false(dev.streaming);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_STATE);   /* renegotiated at once */
    assert_int_equal(src->state, CAP_STREAMING);
    assert_int_equal(src->width, 128);
    fill(0, 1, 0, 0x42);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    assert_int_equal(f->width, 128);
    assert_int_equal(f->height, 64);
    frame_free(f);
    source_close(src);
}

static void test_stall_and_streamon_failure(void **s)
{
    (void)s;
    fake_reset();
    ng_source *src = open_fake(V4L2_WANT_AUTO);
    ng_frame *f = NULL;
    ng_errbuf err = { 0 };
    int64_t t0 = ng_now_ns();
    ng_source_status st;
    while ((st = source_next(src, &f, &err)) == NG_SRC_IDLE && ng_now_ns() - t0 < 2000000000LL)
        ;                                                          /* no frame for a while */
    assert_int_equal(st, NG_SRC_STATE);
    assert_int_equal(src->state, CAP_STALLED);
    assert_true(ng_now_ns() - t0 >= 450 * 1000000LL);             /* not on a short gap */
    assert_int_equal(source_next(src, &f, &err), NG_SRC_IDLE);    /* same cause: quiet */
    fill(0, 1, 0, 1);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);   /* frames again */
    assert_int_equal(src->state, CAP_STREAMING);
    frame_free(f);
    source_close(src);

    fake_reset();
    dev.streamon_errno = EIO;
    src = open_fake(V4L2_WANT_AUTO);
    assert_int_equal(src->state, CAP_STALLED);
    assert_non_null(strstr(src->detail, "STREAMON"));
    dev.streamon_errno = 0;
    t0 = ng_now_ns();
    do
        st = source_next(src, &f, &err);
    while (st == NG_SRC_IDLE && ng_now_ns() - t0 < 2000000000LL);
    assert_int_equal(src->state, CAP_STREAMING);
    source_close(src);
}

static void test_unsupported_format_is_bad_input(void **s)
{
    (void)s;
    fake_reset();
    ng_source_spec spec;
    char why[200];
    source_spec_parse("v4l2:/dev/video0", &spec, why, sizeof why);
    ng_source_opts o;
    source_opts_default(&o);
    o.ops = &fake_ops;
    o.format = V4L2_WANT_NV12;   /* the fake offers YUYV and MJPEG */
    ng_errbuf err = { 0 };
    assert_null(source_open(&spec, &o, &err));
    assert_non_null(strstr(err.text, "format nv12 not offered (device offers: YUYV,MJPG)"));
}

static void test_mjpeg_uses_bytesused(void **s)
{
    (void)s;
    fake_reset();
    ng_source *src = open_fake(V4L2_WANT_MJPEG);
    fill(0, 1, 0, 0xAB);
    dev.ready[0].bytesused = 1234;
    ng_frame *f = NULL;
    ng_errbuf err = { 0 };
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    assert_int_equal(f->fmt, NG_PIX_MJPEG);
    assert_int_equal(f->size, 1234);
    assert_true(f->full_range);
    frame_free(f);
    fill(1, 2, 0, 0xAB);
    dev.ready[0].bytesused = 0;   /* an empty buffer: skipped and counted */
    assert_int_equal(source_next(src, &f, &err), NG_SRC_IDLE);
    assert_int_equal(src->error_buffers, 1);
    source_close(src);
}

static void test_multiplanar_device(void **s)
{
    (void)s;
    fake_reset();
    dev.mplane = true;
    ng_source *src = open_fake(V4L2_WANT_AUTO);
    assert_int_equal(src->state, CAP_STREAMING);
    fill(0, 1, 0, 0x21);
    fill(1, 2, 0, 0x22);
    ng_frame *f = NULL;
    ng_errbuf err = { 0 };
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    assert_int_equal(f->data[0], 0x22);
    assert_int_equal(f->width, 64);
    assert_int_equal(src->skipped, 1);
    frame_free(f);
    fill(0, 3, 0, 0x23);   /* the lent buffer queued again with its plane array */
    assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
    assert_true(dev.queued[1]);
    frame_free(f);
    source_close(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_choice),
        cmocka_unit_test(test_colorimetry),
        cmocka_unit_test(test_timeout_validation),
        cmocka_unit_test(test_drain_to_newest),
        cmocka_unit_test(test_bytesperline_padding),
        cmocka_unit_test(test_lent_frame_outlives_a_restart),
        cmocka_unit_test(test_two_buffers_copy_every_frame),
        cmocka_unit_test(test_error_states),
        cmocka_unit_test(test_unplug_and_back),
        cmocka_unit_test(test_source_change),
        cmocka_unit_test(test_stall_and_streamon_failure),
        cmocka_unit_test(test_unsupported_format_is_bad_input),
        cmocka_unit_test(test_mjpeg_uses_bytesused),
        cmocka_unit_test(test_multiplanar_device),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
