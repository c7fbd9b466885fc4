/* A captured frame: planes in one allocation, with its sequence number and capture time. */
#ifndef NG_FRAME_H
#define NG_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { NG_PIX_I420, NG_PIX_I422, NG_PIX_I444, NG_PIX_GREY } ng_pixfmt;

typedef struct ng_frame {
    uint64_t seq;          /* source sequence number, from 0 */
    int64_t t_capture_ns;  /* CLOCK_MONOTONIC when the frame was captured */
    ng_pixfmt fmt;
    bool full_range;       /* luma 0..255 instead of 16..235 */
    int width, height;
    int nplanes;
    uint8_t *plane[3];
    int stride[3];
    size_t size;           /* bytes in all planes */
    uint8_t *data;
} ng_frame;

const char *pixfmt_name(ng_pixfmt fmt);
/* Bytes of one tightly packed frame; 0 for invalid sizes. Chroma sizes round up. */
size_t pixfmt_frame_size(ng_pixfmt fmt, int width, int height);
/* Plane count and dimensions; returns the number of planes. */
int pixfmt_planes(ng_pixfmt fmt, int width, int height, int w[3], int h[3]);

ng_frame *frame_alloc(ng_pixfmt fmt, int width, int height);
void frame_free(ng_frame *f);
/* Fills the chroma planes with neutral grey (for grey images in colour formats). */
void frame_clear_chroma(ng_frame *f);

#endif
