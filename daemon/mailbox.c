#include "daemon/mailbox.h"

void mailbox_init(ng_mailbox *mb, mailbox_drop_fn drop, mailbox_wake_fn wake, void *ctx)
{
    pthread_mutex_init(&mb->lock, NULL);
    pthread_cond_init(&mb->cond, NULL);
    mb->item = NULL;
    mb->closed = false;
    atomic_init(&mb->skipped, 0);
    mb->drop = drop;
    mb->wake = wake;
    mb->ctx = ctx;
}

void mailbox_destroy(ng_mailbox *mb)
{
    if (mb->item && mb->drop)
        mb->drop(mb->item, mb->ctx);
    mb->item = NULL;
    pthread_cond_destroy(&mb->cond);
    pthread_mutex_destroy(&mb->lock);
}

bool mailbox_put(ng_mailbox *mb, void *item)
{
    void *old = NULL;
    bool was_empty, closed;
    pthread_mutex_lock(&mb->lock);
    closed = mb->closed;
    if (closed) {
        old = item;
        was_empty = false;
    } else {
        old = mb->item;
        was_empty = old == NULL;
        if (old)
            atomic_fetch_add(&mb->skipped, 1);
        mb->item = item;
        if (was_empty)   /* a taker, or a producer waiting for the slot to empty */
            pthread_cond_broadcast(&mb->cond);
    }
    pthread_mutex_unlock(&mb->lock);
    /* Freeing and waking outside the lock keeps the producer's critical section tiny. */
    if (old && mb->drop)
        mb->drop(old, mb->ctx);
    if (was_empty && mb->wake)
        mb->wake(mb->ctx);
    return !closed;
}

void *mailbox_take(ng_mailbox *mb)
{
    pthread_mutex_lock(&mb->lock);
    while (!mb->item && !mb->closed)
        pthread_cond_wait(&mb->cond, &mb->lock);
    void *item = mb->item;
    mb->item = NULL;
    pthread_cond_broadcast(&mb->cond);   /* a producer waiting for the slot to empty */
    pthread_mutex_unlock(&mb->lock);
    return item;
}

void *mailbox_try_take(ng_mailbox *mb)
{
    pthread_mutex_lock(&mb->lock);
    void *item = mb->item;
    mb->item = NULL;
    if (item)
        pthread_cond_broadcast(&mb->cond);
    pthread_mutex_unlock(&mb->lock);
    return item;
}

bool mailbox_wait_empty(ng_mailbox *mb)
{
    pthread_mutex_lock(&mb->lock);
    while (mb->item && !mb->closed)
        pthread_cond_wait(&mb->cond, &mb->lock);
    bool open = !mb->closed;
    pthread_mutex_unlock(&mb->lock);
    return open;
}

void mailbox_close(ng_mailbox *mb)
{
    pthread_mutex_lock(&mb->lock);
    mb->closed = true;
    pthread_cond_broadcast(&mb->cond);
    pthread_mutex_unlock(&mb->lock);
    if (mb->wake)
        mb->wake(mb->ctx);
}

bool mailbox_closed(ng_mailbox *mb)
{
    pthread_mutex_lock(&mb->lock);
    bool c = mb->closed;
    pthread_mutex_unlock(&mb->lock);
    return c;
}

uint64_t mailbox_skipped(ng_mailbox *mb)
{
    return atomic_load(&mb->skipped);
}
