/* A captured frame: planes in one allocation, with its sequence number and capture time. */
#ifndef NG_FRAME_H
#define NG_FRAME_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    NG_PIX_I420, NG_PIX_I422, NG_PIX_I444, NG_PIX_GREY,   /* planar */
    NG_PIX_NV12,                                          /* Y plane + interleaved UV */
    NG_PIX_YUYV, NG_PIX_UYVY,                             /* packed 4:2:2 */
    NG_PIX_RGB24,                                         /* bytes R,G,B */
    NG_PIX_BGR24,                                         /* bytes B,G,R */
    NG_PIX_MJPEG,                                         /* one JPEG per frame */
} ng_pixfmt;

typedef enum { NG_MATRIX_BT601, NG_MATRIX_BT709 } ng_matrix;

/* Called once the last owner of a lent frame lets go: the lender takes its pixels back. */
typedef void (*ng_frame_return)(void *lender, unsigned slot);

typedef struct ng_frame {
    uint64_t seq;          /* source sequence number, from 0 */
    int64_t t_capture_ns;  /* CLOCK_MONOTONIC when the frame was captured */
    int64_t t_dequeued_ns; /* when the capture thread had it from the source */
    ng_pixfmt fmt;
    bool full_range;       /* luma 0..255 instead of 16..235 */
    ng_matrix matrix;      /* YCbCr encoding */
    int width, height;
    int nplanes;
    uint8_t *plane[3];
    int stride[3];
    size_t size;           /* bytes in all planes (MJPEG: bytes of the JPEG) */
    uint8_t *data;
    int64_t pts_ms;        /* files: the frame's time in the file; -1 for live sources */
    bool discontinuity;    /* not the frame after the last one (a seek, a loop): start afresh */
    atomic_int more_owners;   /* frame_ref: owners besides the first (0 from frame_alloc) */
    ng_frame_return give_back;   /* lent pixels (frame_lend): returned, not freed */
    void *lender;
    unsigned slot;
} ng_frame;

const char *pixfmt_name(ng_pixfmt fmt);
/* Bytes of one tightly packed frame; 0 for invalid sizes (and for MJPEG, whose size varies).
 * Chroma sizes round up. */
size_t pixfmt_frame_size(ng_pixfmt fmt, int width, int height);
/* Plane count, bytes per row and rows of each plane; returns the number of planes. */
int pixfmt_planes(ng_pixfmt fmt, int width, int height, int row_bytes[3], int rows[3]);

ng_frame *frame_alloc(ng_pixfmt fmt, int width, int height);
/* A compressed frame holding size bytes. */
ng_frame *frame_alloc_compressed(ng_pixfmt fmt, int width, int height, size_t size);
/* A frame over pixels someone else owns (a capture card's buffer, so they need no copy): every
 * plane's rows `pitch` bytes apart, each plane right after the last, as V4L2 lays out a
 * single-buffer NV12, YUYV, UYVY, GREY, RGB24 or BGR24 image. When its last owner frees it,
 * give_back(lender, slot) is called instead of freeing the pixels. NULL for other formats, a
 * pitch shorter than a row, or no memory. */
ng_frame *frame_lend(ng_pixfmt fmt, int width, int height, uint8_t *pixels, int pitch,
                     ng_frame_return give_back, void *lender, unsigned slot);
/* Rows y0 .. y0 + rows - 1 of f as a frame of their own, in view: over f's pixels, valid while f
 * is, never freed (no owner, nothing given back). Where chroma has half the rows (I420, NV12) y0
 * must be even. False for MJPEG, or rows not all within f. */
bool frame_rows(const ng_frame *f, int y0, int rows, ng_frame *view);
/* One more owner of f (its pixels are read-only from capture on, so the display, the processing
 * and the recorder may hold it at once): each calls frame_free once; the last frees it. */
ng_frame *frame_ref(ng_frame *f);
void frame_free(ng_frame *f);
/* Fills the chroma planes with neutral grey (for grey images in colour formats); not a lent
 * frame's (its pixels are the lender's, read-only). */
void frame_clear_chroma(ng_frame *f);

#endif
