/* A capture card's mmap'ed buffers, lent out as frames so that no stage copies them.
 *
 * A buffer the card has filled is handed on as a frame over its own pixels (frame_lend); when
 * that frame's last owner frees it, from whatever thread, the buffer comes back here and the
 * capture thread gives it to the driver again. The capture thread lends only while enough other
 * buffers stay with the driver for it to keep capturing into; otherwise it copies, as before.
 *
 * The pool outlives the streaming that made it: a teardown (unplug, lost signal, a new
 * resolution) orphans it. What is not lent is unmapped at once; a lent buffer's pixels are moved
 * into memory of our own at the same address (the device's mapping would hold the device node
 * open, and a card plugged back would come back under another number), unmapped when its frame
 * is freed. So a restart never pulls pixels from under a frame still shown. Every other call is
 * the capture thread's alone. */
#ifndef NG_V4L2_POOL_H
#define NG_V4L2_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "capture/frame.h"
#include "capture/v4l2_ops.h"

#define V4L2_POOL_MAX 32
/* Buffers the capture thread always leaves with the driver (one being filled, one ready next):
 * lent frames never starve the card. */
#define V4L2_KEEP_QUEUED 2

typedef struct v4l2_pool v4l2_pool;

/* An empty pool whose buffers are unmapped through ops. NULL if out of memory. */
v4l2_pool *v4l2_pool_new(const v4l2_ops *ops);
/* Adds the next buffer's mapping (index: the number added before); -1 when full. */
int v4l2_pool_add(v4l2_pool *p, void *start, size_t length);
unsigned v4l2_pool_count(const v4l2_pool *p);
void *v4l2_pool_start(const v4l2_pool *p, unsigned index);
size_t v4l2_pool_length(const v4l2_pool *p, unsigned index);
/* Whether one more buffer may be lent with at least keep_queued of the others still the
 * driver's (buffers lent, or returned and not yet re-queued, are not). */
bool v4l2_pool_can_lend(v4l2_pool *p, unsigned keep_queued);
/* Buffer index, just dequeued, as a frame over its pixels (frame_lend's layout); NULL when
 * the format cannot be lent or out of memory (the buffer is then still the caller's). */
ng_frame *v4l2_pool_lend(v4l2_pool *p, unsigned index, ng_pixfmt fmt, int width, int height,
                         int pitch);
/* The buffers whose frames were freed since the last call, now the caller's to queue again:
 * their indices into out (room for V4L2_POOL_MAX); returns how many. */
unsigned v4l2_pool_take_returned(v4l2_pool *p, unsigned *out);
/* Streaming is over: unmaps every buffer not lent, moves the lent ones' pixels off the device
 * (unmapped as their frames are freed, the last freeing the pool) and lets go of the pool. p is
 * not to be used after. */
void v4l2_pool_orphan(v4l2_pool *p);

#endif
