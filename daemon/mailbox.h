/* One-slot, newest-frame-wins mailbox between two threads.
 * put() never blocks: an item still waiting is dropped (counted as skipped) and replaced.
 * The wake callback runs only when the slot goes from empty to full, so a consumer that
 * has not yet taken the pending item is not woken a second time. */
#ifndef NG_MAILBOX_H
#define NG_MAILBOX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

typedef void (*mailbox_drop_fn)(void *item, void *ctx);
typedef void (*mailbox_wake_fn)(void *ctx);

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    void *item;
    bool closed;
    atomic_uint_fast64_t skipped;   /* read without the lock: also after mailbox_destroy */
    mailbox_drop_fn drop;
    mailbox_wake_fn wake;
    void *ctx;
} ng_mailbox;

/* drop(item, ctx) disposes of replaced and leftover items; wake(ctx) as above. */
void mailbox_init(ng_mailbox *mb, mailbox_drop_fn drop, mailbox_wake_fn wake, void *ctx);
/* Drops any item left and frees the primitives. */
void mailbox_destroy(ng_mailbox *mb);
/* Hands item over; returns false (and drops the item) once the mailbox is closed. */
bool mailbox_put(ng_mailbox *mb, void *item);
/* Waits for an item; NULL once the mailbox is closed and empty. */
void *mailbox_take(ng_mailbox *mb);
/* The item if one is waiting, else NULL. */
void *mailbox_try_take(ng_mailbox *mb);
/* Waits until the slot is empty (the consumer took the last item): a file replayed frame by
 * frame may wait; a live source never does. False once closed. */
bool mailbox_wait_empty(ng_mailbox *mb);
/* No more puts; wakes every waiter. An item already waiting can still be taken. */
void mailbox_close(ng_mailbox *mb);
bool mailbox_closed(ng_mailbox *mb);
/* Items replaced before they were taken; still readable after mailbox_destroy (the totals a
 * stopped pipeline reports). */
uint64_t mailbox_skipped(ng_mailbox *mb);

#endif
