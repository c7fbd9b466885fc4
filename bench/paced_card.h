/* make bench: a capture card played by the benchmark. Frames rendered once by the simulator are
 * delivered at a card's pace (absolute deadlines at the rate asked, the card's time stamp the
 * deadline), written into a fresh buffer in the card's format (YUYV or NV12) as its DMA would.
 * A capture thread late by whole periods finds the newer frame: those it missed are counted as
 * skipped, as the V4L2 source counts the buffers it re-queues unseen. */
#ifndef NG_BENCH_PACED_CARD_H
#define NG_BENCH_PACED_CARD_H

#include <stdint.h>

#include "capture/source.h"

typedef struct {
    ng_pixfmt fmt;        /* NG_PIX_YUYV or NG_PIX_NV12 */
    int width, height;
    ng_frame **frames;    /* I420, rendered beforehand; played in a loop */
    int nframes;
    uint64_t delivered;   /* read back after the run */
} paced_card;

/* The card the next source opened with paced_card_ops plays (one per benchmark process). */
void paced_card_use(paced_card *card);
extern const ng_source_ops paced_card_ops;

#endif
