#include "capture/v4l2_pool.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

typedef enum { BUF_DRIVERS, BUF_LENT, BUF_RETURNED } buf_state;   /* DRIVERS: or in hand */

struct v4l2_pool {
    pthread_mutex_t lock;   /* frames are freed on any thread */
    const v4l2_ops *ops;
    unsigned n;
    struct { void *start; size_t length; buf_state state; } buf[V4L2_POOL_MAX];
    unsigned out;           /* lent or returned: not the driver's */
    unsigned refs;          /* the capture thread's, until orphaned, and one a lent frame */
    bool orphaned;
};

v4l2_pool *v4l2_pool_new(const v4l2_ops *ops)
{
    v4l2_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    p->ops = ops;
    p->refs = 1;
    return p;
}

int v4l2_pool_add(v4l2_pool *p, void *start, size_t length)
{
    if (p->n >= V4L2_POOL_MAX)
        return -1;
    p->buf[p->n].start = start;
    p->buf[p->n].length = length;
    p->buf[p->n].state = BUF_DRIVERS;
    return (int)p->n++;
}

unsigned v4l2_pool_count(const v4l2_pool *p) { return p->n; }
void *v4l2_pool_start(const v4l2_pool *p, unsigned index) { return p->buf[index].start; }
size_t v4l2_pool_length(const v4l2_pool *p, unsigned index) { return p->buf[index].length; }

bool v4l2_pool_can_lend(v4l2_pool *p, unsigned keep_queued)
{
    pthread_mutex_lock(&p->lock);
    bool ok = p->out + 1 + keep_queued <= p->n;
    pthread_mutex_unlock(&p->lock);
    return ok;
}

/* Drops one reference, the pool's lock held; frees the pool (and unlocks) on the last. */
static void unref_locked(v4l2_pool *p)
{
    bool last = --p->refs == 0;
    pthread_mutex_unlock(&p->lock);
    if (last) {
        pthread_mutex_destroy(&p->lock);
        free(p);
    }
}

static void give_back(void *lender, unsigned index)
{
    v4l2_pool *p = lender;
    pthread_mutex_lock(&p->lock);
    if (p->orphaned) {
        p->ops->munmap(p->buf[index].start, p->buf[index].length);
        p->buf[index].start = NULL;
    } else {
        p->buf[index].state = BUF_RETURNED;
    }
    unref_locked(p);
}

ng_frame *v4l2_pool_lend(v4l2_pool *p, unsigned index, ng_pixfmt fmt, int width, int height,
                         int pitch)
{
    if (index >= p->n || width <= 0 || height <= 0 || pitch <= 0)
        return NULL;
    int row_bytes[3], rows[3];
    size_t need = 0;   /* every plane's rows at the pitch, as frame_lend reads them */
    for (int i = 0, n = pixfmt_planes(fmt, width, height, row_bytes, rows); i < n; i++)
        need += (size_t)pitch * (size_t)rows[i];
    if (need > p->buf[index].length)
        return NULL;
    ng_frame *f = frame_lend(fmt, width, height, p->buf[index].start, pitch, give_back, p, index);
    if (!f)
        return NULL;
    pthread_mutex_lock(&p->lock);
    p->buf[index].state = BUF_LENT;
    p->out++;
    p->refs++;
    pthread_mutex_unlock(&p->lock);
    return f;
}

unsigned v4l2_pool_take_returned(v4l2_pool *p, unsigned *out)
{
    unsigned k = 0;
    pthread_mutex_lock(&p->lock);
    for (unsigned i = 0; i < p->n; i++)
        if (p->buf[i].state == BUF_RETURNED) {
            p->buf[i].state = BUF_DRIVERS;
            p->out--;
            out[k++] = i;
        }
    pthread_mutex_unlock(&p->lock);
    return k;
}

/* A lent buffer's pixels moved into memory of our own at the same address, so the frame reading
 * them sees the same bytes throughout (mremap swaps the mappings at once), while the device's
 * mapping goes now: a mapping holds the device file open, and a device node held open keeps its
 * number, so a card unplugged and plugged back, or its driver rebound, would come back as another
 * /dev/videoN for as long as the last frame is shown. Failing that, the buffer stays mapped. */
static void detach(v4l2_pool *p, unsigned i)
{
    void *start = p->buf[i].start;
    size_t len = p->buf[i].length;
    void *own = p->ops->mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (own == MAP_FAILED)
        return;
    memcpy(own, start, len);
    if (p->ops->mremap(own, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, start) == MAP_FAILED)
        p->ops->munmap(own, len);
}

void v4l2_pool_orphan(v4l2_pool *p)
{
    pthread_mutex_lock(&p->lock);
    p->orphaned = true;
    for (unsigned i = 0; i < p->n; i++) {
        if (!p->buf[i].start)
            continue;
        if (p->buf[i].state == BUF_LENT) {
            detach(p, i);
            continue;
        }
        p->ops->munmap(p->buf[i].start, p->buf[i].length);
        p->buf[i].start = NULL;
    }
    unref_locked(p);
}
