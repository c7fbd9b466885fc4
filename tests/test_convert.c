/* Conversion of every source format to ARGB and luma: colour bars go in through libyuv's own
 * ARGB encoders (or libjpeg for MJPEG) and must come out as the same colours. */
#include "test_util.h"

#include <libyuv.h>

#include "test_jpeg.h"

#include "capture/convert.h"

#define W 64
#define H 16
#define BARS 8

/* Eight 8-pixel bars: white, yellow, cyan, green, magenta, red, blue, black (B,G,R,A bytes). */
static const uint8_t bar_rgb[BARS][3] = {
    { 235, 235, 235 }, { 235, 235, 16 }, { 16, 235, 235 }, { 16, 235, 16 },
    { 235, 16, 235 },  { 235, 16, 16 },  { 16, 16, 235 },  { 16, 16, 16 },
};
static uint8_t src[W * H * 4];

static void make_bars(void)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *c = bar_rgb[x / (W / BARS)];
            uint8_t *p = src + (y * W + x) * 4;
            p[0] = c[2]; p[1] = c[1]; p[2] = c[0]; p[3] = 255;
        }
}

/* Converts f and checks the middle of each bar against the source colour. */
static void expect_bars(const ng_frame *f, int tol)
{
    ng_converter c;
    convert_init(&c);
    uint8_t out[W * H * 4];
    const uint8_t *luma;
    int ls;
    assert_int_equal(convert_frame(&c, f, out, W * 4, &luma, &ls), 0);
    for (int b = 0; b < BARS; b++) {
        int x = b * (W / BARS) + W / BARS / 2, y = H / 2;
        const uint8_t *o = out + (y * W + x) * 4, *e = src + (y * W + x) * 4;
        for (int k = 0; k < 3; k++)
            if (abs(o[k] - e[k]) > tol)
                fail_msg("%s bar %d channel %d: got %d, want %d", pixfmt_name(f->fmt), b, k, o[k], e[k]);
        /* luma follows brightness: white brightest, black darkest */
        if (b > 0)
            assert_true(luma[y * ls + x] <= luma[y * ls + (W / BARS / 2)] + 2);
    }
    assert_true(luma[(H / 2) * ls + W - 4] < luma[(H / 2) * ls + 4]);
    convert_free(&c);
}

static void test_planar_and_packed_yuv(void **s)
{
    (void)s;
    make_bars();
    ng_frame *f = frame_alloc(NG_PIX_I420, W, H);
    ARGBToI420(src, W * 4, f->plane[0], f->stride[0], f->plane[1], f->stride[1], f->plane[2], f->stride[2], W, H);
    expect_bars(f, 12);
    frame_free(f);
    f = frame_alloc(NG_PIX_I422, W, H);
    ARGBToI422(src, W * 4, f->plane[0], f->stride[0], f->plane[1], f->stride[1], f->plane[2], f->stride[2], W, H);
    expect_bars(f, 12);
    frame_free(f);
    f = frame_alloc(NG_PIX_I444, W, H);
    ARGBToI444(src, W * 4, f->plane[0], f->stride[0], f->plane[1], f->stride[1], f->plane[2], f->stride[2], W, H);
    expect_bars(f, 12);
    frame_free(f);
    f = frame_alloc(NG_PIX_NV12, W, H);
    ARGBToNV12(src, W * 4, f->plane[0], f->stride[0], f->plane[1], f->stride[1], W, H);
    expect_bars(f, 12);
    frame_free(f);
    f = frame_alloc(NG_PIX_YUYV, W, H);
    assert_int_equal(f->size, W * H * 2);
    ARGBToYUY2(src, W * 4, f->plane[0], f->stride[0], W, H);
    expect_bars(f, 12);
    frame_free(f);
    f = frame_alloc(NG_PIX_UYVY, W, H);
    ARGBToUYVY(src, W * 4, f->plane[0], f->stride[0], W, H);
    expect_bars(f, 12);
    frame_free(f);
}

static void test_rgb_byte_orders(void **s)
{
    (void)s;
    make_bars();
    ng_frame *f = frame_alloc(NG_PIX_RGB24, W, H);
    ARGBToRAW(src, W * 4, f->plane[0], f->stride[0], W, H);   /* bytes R,G,B */
    assert_int_equal(f->plane[0][(H / 2 * W + 44) * 3 + 0], 235); /* red bar: R first */
    expect_bars(f, 1);
    frame_free(f);
    f = frame_alloc(NG_PIX_BGR24, W, H);
    ARGBToRGB24(src, W * 4, f->plane[0], f->stride[0], W, H); /* bytes B,G,R */
    expect_bars(f, 1);
    frame_free(f);
}

static void test_grey_and_range(void **s)
{
    (void)s;
    ng_frame *f = frame_alloc(NG_PIX_GREY, W, H);
    memset(f->data, 235, f->size);
    ng_converter c;
    convert_init(&c);
    uint8_t out[W * H * 4];
    const uint8_t *luma;
    int ls;
    assert_int_equal(convert_frame(&c, f, out, W * 4, &luma, &ls), 0);
    assert_true(out[0] >= 253);          /* video range: 235 is white */
    f->full_range = true;
    assert_int_equal(convert_frame(&c, f, out, W * 4, &luma, &ls), 0);
    assert_true(abs(out[0] - 235) <= 1); /* full range: 235 is light grey */
    convert_free(&c);
    frame_free(f);
}

static void test_bt709_matrix_applies(void **s)
{
    (void)s;
    /* Pure red in video range: BT.601 Y=81 Cb=90 Cr=240; decoded with BT.709 it comes out
     * differently (red over 255 clips, green goes up): the matrix is used, not ignored. */
    ng_frame *f = frame_alloc(NG_PIX_I444, 2, 2);
    memset(f->plane[0], 81, 4);
    memset(f->plane[1], 90, 4);
    memset(f->plane[2], 240, 4);
    ng_converter c;
    convert_init(&c);
    uint8_t a601[16], a709[16];
    const uint8_t *luma;
    int ls;
    convert_frame(&c, f, a601, 8, &luma, &ls);
    f->matrix = NG_MATRIX_BT709;
    convert_frame(&c, f, a709, 8, &luma, &ls);
    assert_true(a601[2] > 245 && a601[1] < 10);
    assert_true(a709[1] > a601[1] + 15);
    convert_free(&c);
    frame_free(f);
}

static size_t encode_jpeg(uint8_t **out) { return test_encode_jpeg(src, W, H, out); }

static int convert_jpeg(const uint8_t *jpg, size_t n)
{
    ng_frame *f = frame_alloc_compressed(NG_PIX_MJPEG, W, H, n);
    memcpy(f->data, jpg, n);
    ng_converter c;
    convert_init(&c);
    uint8_t out[W * H * 4];
    const uint8_t *luma;
    int ls;
    int rc = convert_frame(&c, f, out, W * 4, &luma, &ls);
    convert_free(&c);
    frame_free(f);
    return rc;
}

static void test_mjpeg(void **s)
{
    (void)s;
    make_bars();
    uint8_t *jpg;
    size_t n = encode_jpeg(&jpg);
    ng_frame *f = frame_alloc_compressed(NG_PIX_MJPEG, W, H, n);
    memcpy(f->data, jpg, n);
    expect_bars(f, 24);   /* lossy, and 4:2:0 */
    frame_free(f);
    /* Truncated, corrupt, wrong size, not JPEG at all: an error, never a crash. */
    assert_int_equal(convert_jpeg(jpg, 20), -1);
    convert_jpeg(jpg, n / 2);   /* a cut scan: libjpeg may pad it; it must not crash */
    uint8_t *bad = malloc(n);
    memcpy(bad, jpg, n);
    for (size_t i = 2; i < 200 && i < n; i++)
        bad[i] ^= 0x5A;                                  /* wrecked headers */
    assert_int_equal(convert_jpeg(bad, n), -1);
    memset(bad, 0x00, n);
    assert_int_equal(convert_jpeg(bad, n), -1);
    free(bad);
    free(jpg);
}

/* A frame of each format as the source would deliver it, from the bars. */
static ng_frame *bars_as(ng_pixfmt fmt)
{
    ng_frame *f = frame_alloc(fmt, W, H);
    uint8_t *const *p = f->plane;
    const int *st = f->stride;
    switch (fmt) {
    case NG_PIX_I420: ARGBToI420(src, W * 4, p[0], st[0], p[1], st[1], p[2], st[2], W, H); break;
    case NG_PIX_I422: ARGBToI422(src, W * 4, p[0], st[0], p[1], st[1], p[2], st[2], W, H); break;
    case NG_PIX_I444: ARGBToI444(src, W * 4, p[0], st[0], p[1], st[1], p[2], st[2], W, H); break;
    case NG_PIX_GREY: ARGBToJ400(src, W * 4, p[0], st[0], W, H); break;
    case NG_PIX_NV12: ARGBToNV12(src, W * 4, p[0], st[0], p[1], st[1], W, H); break;
    case NG_PIX_YUYV: ARGBToYUY2(src, W * 4, p[0], st[0], W, H); break;
    case NG_PIX_UYVY: ARGBToUYVY(src, W * 4, p[0], st[0], W, H); break;
    case NG_PIX_RGB24: ARGBToRAW(src, W * 4, p[0], st[0], W, H); break;
    default: ARGBToRGB24(src, W * 4, p[0], st[0], W, H); break;
    }
    return f;
}

/* What the processing hands to the display (convert_for_display) is the captured frame itself,
 * and its luma is the one converting the whole frame gives; the formats converted whole (RGB;
 * JPEG in test_mjpeg) are left to convert_frame. */
static void test_converted_by_the_display(void **s)
{
    (void)s;
    make_bars();
    const ng_pixfmt fmts[] = { NG_PIX_I420, NG_PIX_I422, NG_PIX_I444, NG_PIX_GREY, NG_PIX_NV12,
                               NG_PIX_YUYV, NG_PIX_UYVY, NG_PIX_RGB24, NG_PIX_BGR24 };
    ng_converter c, d;
    convert_init(&c);
    convert_init(&d);
    for (size_t k = 0; k < sizeof fmts / sizeof *fmts; k++) {
        ng_frame *f = bars_as(fmts[k]);
        static uint8_t whole[W * H * 4];
        const uint8_t *luma, *luma2;
        int ls, ls2;
        assert_int_equal(convert_frame(&c, f, whole, W * 4, &luma, &ls), 0);
        ng_frame *shown = NULL;
        int rc = convert_for_display(&d, f, &shown, &luma2, &ls2);
        if (fmts[k] == NG_PIX_RGB24 || fmts[k] == NG_PIX_BGR24) {
            assert_int_equal(rc, 1);
            assert_null(shown);
            frame_free(f);
            continue;
        }
        assert_int_equal(rc, 0);
        assert_ptr_equal(shown, f);
        for (int y = 0; y < H; y++)
            if (memcmp(luma2 + y * ls2, luma + y * ls, W))
                fail_msg("%s: row %d of the luma differs from the whole conversion's",
                         pixfmt_name(fmts[k]), y);
        frame_free(f);   /* the captured frame's owner lets go: shown stays whole */
        frame_free(shown);
    }
    ng_frame *jpeg = frame_alloc_compressed(NG_PIX_MJPEG, W, H, 100);
    ng_frame *shown = NULL;
    const uint8_t *luma;
    int ls;
    assert_int_equal(convert_for_display(&d, jpeg, &shown, &luma, &ls), 1);
    assert_null(shown);
    frame_free(jpeg);
    convert_free(&c);
    convert_free(&d);
}

/* Packed 4:2:2 goes to ARGB in one pass of libyuv's row functions under the frame's matrix:
 * exactly what its planar 4:2:2 under that matrix gives, with each CPU's row functions libyuv
 * has here (C, SSSE3, AVX2) and at a width that is no multiple of their step. Without the
 * luma asked for, none is extracted. */
static void test_packed_rows_under_each_matrix(void **s)
{
    (void)s;
    enum { PW = 70, PH = 6 };
    static uint8_t rgb[PW * PH * 4], got[PW * PH * 4], want[PW * PH * 4];
    for (int i = 0; i < PW * PH * 4; i++)
        rgb[i] = (uint8_t)(i * 37 + (i >> 5) * 11);
    uint8_t y[PW * PH], u[(PW / 2) * PH], v[(PW / 2) * PH];
    const int cpus[] = { 1 /* kCpuInitialized alone: the C rows */,
                         kCpuHasX86 | kCpuHasSSE2 | kCpuHasSSSE3, -1 /* all this CPU has */ };
    const ng_pixfmt fmts[] = { NG_PIX_YUYV, NG_PIX_UYVY };
    for (size_t k = 0; k < 2; k++) {
        ng_frame *f = frame_alloc(fmts[k], PW, PH);
        if (fmts[k] == NG_PIX_YUYV)
            ARGBToYUY2(rgb, PW * 4, f->plane[0], f->stride[0], PW, PH);
        else
            ARGBToUYVY(rgb, PW * 4, f->plane[0], f->stride[0], PW, PH);
        for (int mtx = 0; mtx < 4; mtx++) {
            f->matrix = mtx & 1 ? NG_MATRIX_BT709 : NG_MATRIX_BT601;
            f->full_range = mtx & 2;
            const struct YuvConstants *m[] = { &kYuvI601Constants, &kYuvH709Constants,
                                               &kYuvJPEGConstants, &kYuvF709Constants };
            for (size_t c = 0; c < sizeof cpus / sizeof *cpus; c++) {
                MaskCpuFlags(cpus[c]);
                (fmts[k] == NG_PIX_YUYV ? YUY2ToI422 : UYVYToI422)(
                    f->plane[0], f->stride[0], y, PW, u, PW / 2, v, PW / 2, PW, PH);
                I422ToARGBMatrix(y, PW, u, PW / 2, v, PW / 2, want, PW * 4, m[mtx], PW, PH);
                ng_converter conv;
                convert_init(&conv);
                memset(got, 0, sizeof got);
                assert_int_equal(convert_frame(&conv, f, got, PW * 4, NULL, NULL), 0);
                assert_null(conv.luma);
                if (memcmp(got, want, sizeof got))
                    fail_msg("%s, matrix %d, CPU flags %#x: differs from planar 4:2:2",
                             pixfmt_name(fmts[k]), mtx, (unsigned)cpus[c]);
                const uint8_t *luma;
                int ls;
                assert_int_equal(convert_frame(&conv, f, got, PW * 4, &luma, &ls), 0);
                assert_int_equal(ls, PW);
                assert_memory_equal(luma, y, sizeof y);
                convert_free(&conv);
            }
            MaskCpuFlags(-1);
        }
        frame_free(f);
    }
}

/* A frame with several owners lives until the last lets go (ASan and LSan, which the suite
 * also runs under, see a use after the free or a leak). */
static void test_frame_owners(void **s)
{
    (void)s;
    ng_frame *f = frame_alloc(NG_PIX_NV12, 8, 4);
    assert_ptr_equal(frame_ref(f), f);
    assert_ptr_equal(frame_ref(f), f);
    assert_int_equal(atomic_load(&f->more_owners), 2);
    frame_free(f);
    frame_free(f);
    assert_int_equal(atomic_load(&f->more_owners), 0);
    f->plane[0][0] = 7;   /* still ours */
    frame_free(f);
}

static int given_back[4];

static void count_give_back(void *lender, unsigned slot)
{
    assert_ptr_equal(lender, given_back);
    given_back[slot]++;
}

/* A frame lent over someone else's pixels (a capture card's buffer, rows at the card's pitch)
 * converts as the same image packed tight does, and its pixels go back to the lender, once,
 * when its last owner lets go, not freed. */
static void test_lent_frames_convert_at_their_pitch(void **s)
{
    (void)s;
    make_bars();
    const ng_pixfmt fmts[] = { NG_PIX_GREY, NG_PIX_NV12, NG_PIX_YUYV, NG_PIX_UYVY, NG_PIX_RGB24,
                               NG_PIX_BGR24 };
    ng_converter c;
    convert_init(&c);
    for (size_t k = 0; k < sizeof fmts / sizeof *fmts; k++) {
        ng_frame *tight = bars_as(fmts[k]);
        int rb[3], rows[3], n = pixfmt_planes(fmts[k], W, H, rb, rows);
        int pitch = rb[0] + 24;   /* padded rows, as cards have them */
        static uint8_t card[(W * 3 + 24) * H * 2];
        memset(card, 0xEE, sizeof card);
        uint8_t *p = card;
        for (int i = 0; i < n; i++)
            for (int y = 0; y < rows[i]; y++, p += pitch)
                memcpy(p, tight->plane[i] + (size_t)y * tight->stride[i], (size_t)rb[i]);
        memset(given_back, 0, sizeof given_back);
        ng_frame *lent = frame_lend(fmts[k], W, H, card, pitch, count_give_back, given_back, 3);
        assert_non_null(lent);
        assert_int_equal(lent->size, (size_t)(p - card));
        static uint8_t a[W * H * 4], b[W * H * 4];
        const uint8_t *la, *lb;
        int lsa, lsb;
        assert_int_equal(convert_frame(&c, tight, a, W * 4, &la, &lsa), 0);
        static uint8_t luma_a[W * H];
        for (int y = 0; y < H; y++)
            memcpy(luma_a + y * W, la + y * lsa, W);
        assert_int_equal(convert_frame(&c, lent, b, W * 4, &lb, &lsb), 0);
        if (memcmp(a, b, sizeof a))
            fail_msg("%s: the lent frame converts differently", pixfmt_name(fmts[k]));
        for (int y = 0; y < H; y++)
            if (memcmp(luma_a + y * W, lb + y * lsb, W))
                fail_msg("%s: row %d of the lent frame's luma differs", pixfmt_name(fmts[k]), y);
        frame_ref(lent);
        frame_free(lent);
        assert_int_equal(given_back[3], 0);
        frame_free(lent);
        assert_int_equal(given_back[3], 1);
        frame_free(tight);
    }
    convert_free(&c);
    /* what has no single pitch, no fixed size, or a pitch shorter than its rows: not lent */
    static uint8_t mem[W * H * 4];
    assert_null(frame_lend(NG_PIX_I420, W, H, mem, W, count_give_back, given_back, 0));
    assert_null(frame_lend(NG_PIX_MJPEG, W, H, mem, W, count_give_back, given_back, 0));
    assert_null(frame_lend(NG_PIX_YUYV, W, H, mem, 2 * W - 2, count_give_back, given_back, 0));
    assert_null(frame_lend(NG_PIX_NV12, 0, H, mem, W, count_give_back, given_back, 0));
    assert_int_equal(given_back[0], 0);
}

/* A picture that changes down the frame, so that a band converted from the wrong rows shows. */
static void make_ramp(void)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = src + (y * W + x) * 4;
            p[0] = (uint8_t)(230 - 11 * y + x / 8);
            p[1] = bar_rgb[x / (W / BARS)][1];
            p[2] = (uint8_t)(20 + 13 * y);
            p[3] = 255;
        }
}

/* Converts f whole into a, then rows of it at a time (frame_rows, bands of `band` rows) into b:
 * the two must be the same bytes. */
static void expect_rows_as_whole(ng_converter *c, const ng_frame *f, int band)
{
    static uint8_t a[W * H * 4], b[W * H * 4];
    memset(b, 0x5A, sizeof b);
    assert_int_equal(convert_frame(c, f, a, W * 4, NULL, NULL), 0);
    for (int y = 0; y < f->height; y += band) {
        int rows = f->height - y < band ? f->height - y : band;
        ng_frame v;
        assert_true(frame_rows(f, y, rows, &v));
        assert_int_equal(v.height, rows);
        assert_int_equal(convert_frame(c, &v, b + (size_t)y * W * 4, W * 4, NULL, NULL), 0);
    }
    if (memcmp(a, b, (size_t)W * 4 * (size_t)f->height))
        fail_msg("%s, %d rows, bands of %d: converted in bands, not the whole frame's bytes",
                 pixfmt_name(f->fmt), f->height, band);
}

/* A frame's rows as a frame of their own (what the display converts and dims band by band)
 * convert to the very rows the whole frame gives, in every format the display converts, a lent
 * frame at its card's pitch and a 4:2:0 frame of odd height too; rows not within the frame, an
 * odd first row where chroma has half the rows, and JPEG are refused. */
static void test_rows_convert_as_the_whole(void **s)
{
    (void)s;
    make_ramp();
    const ng_pixfmt fmts[] = { NG_PIX_I420, NG_PIX_I422, NG_PIX_I444, NG_PIX_GREY, NG_PIX_NV12,
                               NG_PIX_YUYV, NG_PIX_UYVY, NG_PIX_RGB24, NG_PIX_BGR24 };
    ng_converter c;
    convert_init(&c);
    for (size_t k = 0; k < sizeof fmts / sizeof *fmts; k++) {
        ng_frame *f = bars_as(fmts[k]);
        for (int band = 2; band <= H; band += 4)
            expect_rows_as_whole(&c, f, band);
        ng_frame v;
        assert_false(frame_rows(f, -2, 2, &v));
        assert_false(frame_rows(f, H - 1, 2, &v));
        assert_false(frame_rows(f, 0, 0, &v));
        bool halved = fmts[k] == NG_PIX_I420 || fmts[k] == NG_PIX_NV12;
        assert_int_equal(frame_rows(f, 1, 2, &v), !halved);
        frame_free(f);
    }
    /* a card's NV12 at a padded pitch */
    ng_frame *tight = bars_as(NG_PIX_NV12);
    enum { PITCH = W + 24 };
    static uint8_t card[PITCH * (H + H / 2)];
    for (int y = 0; y < H; y++)
        memcpy(card + y * PITCH, tight->plane[0] + y * tight->stride[0], W);
    for (int y = 0; y < H / 2; y++)
        memcpy(card + (H + y) * PITCH, tight->plane[1] + y * tight->stride[1], W);
    ng_frame *lent = frame_lend(NG_PIX_NV12, W, H, card, PITCH, count_give_back, given_back, 0);
    assert_non_null(lent);
    expect_rows_as_whole(&c, lent, 6);
    frame_free(lent);
    frame_free(tight);
    /* odd height: the last band's last chroma row is the frame's */
    const ng_pixfmt halved[] = { NG_PIX_I420, NG_PIX_NV12 };
    for (int k = 0; k < 2; k++) {
        ng_frame *odd = frame_alloc(halved[k], W, H - 1);
        uint8_t *const *p = odd->plane;
        const int *st = odd->stride;
        if (halved[k] == NG_PIX_I420)
            ARGBToI420(src, W * 4, p[0], st[0], p[1], st[1], p[2], st[2], W, H - 1);
        else
            ARGBToNV12(src, W * 4, p[0], st[0], p[1], st[1], W, H - 1);
        expect_rows_as_whole(&c, odd, 6);
        frame_free(odd);
    }
    ng_frame *jpeg = frame_alloc_compressed(NG_PIX_MJPEG, W, H, 64);
    ng_frame v;
    assert_false(frame_rows(jpeg, 0, 2, &v));
    frame_free(jpeg);
    convert_free(&c);
    make_bars();
}

static void test_frame_sizes(void **s)
{
    (void)s;
    /* 5x3: odd sizes round chroma up */
    assert_int_equal(pixfmt_frame_size(NG_PIX_I420, 5, 3), 15 + 2 * 3 * 2);
    assert_int_equal(pixfmt_frame_size(NG_PIX_I422, 5, 3), 15 + 2 * 3 * 3);
    assert_int_equal(pixfmt_frame_size(NG_PIX_I444, 5, 3), 45);
    assert_int_equal(pixfmt_frame_size(NG_PIX_GREY, 5, 3), 15);
    assert_int_equal(pixfmt_frame_size(NG_PIX_NV12, 5, 3), 15 + 6 * 2);
    assert_int_equal(pixfmt_frame_size(NG_PIX_YUYV, 5, 3), 12 * 3);
    assert_int_equal(pixfmt_frame_size(NG_PIX_UYVY, 640, 480), 640 * 480 * 2);
    assert_int_equal(pixfmt_frame_size(NG_PIX_RGB24, 5, 3), 45);
    assert_int_equal(pixfmt_frame_size(NG_PIX_BGR24, 5, 3), 45);
    assert_int_equal(pixfmt_frame_size(NG_PIX_MJPEG, 5, 3), 0);
    assert_int_equal(pixfmt_frame_size(NG_PIX_I420, 0, 3), 0);
    assert_int_equal(pixfmt_frame_size(NG_PIX_I420, 20000, 3), 0);
    ng_frame *f = frame_alloc(NG_PIX_NV12, 6, 4);
    assert_int_equal(f->nplanes, 2);
    assert_ptr_equal(f->plane[1], f->data + 24);
    assert_int_equal(f->stride[1], 6);
    frame_free(f);
    f = frame_alloc_compressed(NG_PIX_MJPEG, 6, 4, 100);
    assert_int_equal(f->size, 100);
    frame_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frame_sizes),
        cmocka_unit_test(test_planar_and_packed_yuv),
        cmocka_unit_test(test_rgb_byte_orders),
        cmocka_unit_test(test_grey_and_range),
        cmocka_unit_test(test_bt709_matrix_applies),
        cmocka_unit_test(test_mjpeg),
        cmocka_unit_test(test_converted_by_the_display),
        cmocka_unit_test(test_packed_rows_under_each_matrix),
        cmocka_unit_test(test_frame_owners),
        cmocka_unit_test(test_lent_frames_convert_at_their_pitch),
        cmocka_unit_test(test_rows_convert_as_the_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
