/* make bench: a capture card played by the benchmark. Frames rendered once by the simulator and
 * put in the card's format (YUYV or NV12) beforehand, as its DMA would have them in a buffer,
 * are delivered at a card's pace (absolute deadlines at the rate asked, the card's time stamp
 * the deadline) as the V4L2 source delivers a buffer: lent without a copy while, of the
 * `buffers` the capture options ask for, V4L2_KEEP_QUEUED would stay with the card, copied out
 * into a fresh frame otherwise. The capture thread's work is ours, the card's is not. A capture
 * thread late by whole periods finds the newer frame: those it missed are counted as skipped,
 * as the V4L2 source counts the buffers it re-queues unseen. */
#ifndef NG_BENCH_PACED_CARD_H
#define NG_BENCH_PACED_CARD_H

#include <stdint.h>

#include "capture/source.h"

typedef struct {
    ng_pixfmt fmt;        /* NG_PIX_YUYV or NG_PIX_NV12 */
    int width, height;
    ng_frame **frames;    /* in fmt, rendered beforehand; played in a loop */
    int nframes;
    uint64_t delivered;   /* read back after the run */
    uint64_t copied;      /* of them, copied out for want of a buffer to lend */
} paced_card;

/* The I420 frame in the card's format: a new frame (NULL if out of memory). */
ng_frame *paced_card_format(const ng_frame *i420, ng_pixfmt fmt);
/* The card the next source opened with paced_card_ops plays (one per benchmark process). */
void paced_card_use(paced_card *card);
extern const ng_source_ops paced_card_ops;

#endif
