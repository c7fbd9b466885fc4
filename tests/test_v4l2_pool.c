/* The pool that lends a capture card's buffers out as frames (capture/v4l2_pool.h), with its
 * mappings faked so each unmap can be watched; frames freed on other threads, as the display and
 * the processing free them (the suite runs it under ThreadSanitizer too). */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "test_util.h"

#include "capture/v4l2_pool.h"

#define NBUF 6
#define W 16
#define H 8
#define BUF_BYTES (W * H * 3 / 2)   /* an NV12 image, rows at the width */

static uint8_t mem[NBUF][BUF_BYTES + 64];
static atomic_int unmapped[NBUF], detached[NBUF];

static ptrdiff_t index_of(void *a)
{
    ptrdiff_t i = ((uint8_t *)a - mem[0]) / (ptrdiff_t)sizeof mem[0];
    assert_true(i >= 0 && i < NBUF);
    assert_ptr_equal(a, mem[i]);
    return i;
}

static int f_munmap(void *a, size_t len)
{
    ptrdiff_t i = index_of(a);
    assert_int_equal(len, sizeof mem[0]);
    assert_int_equal(atomic_fetch_add(&unmapped[i], 1), 0);   /* never twice */
    return 0;
}

static void *f_mmap(void *a, size_t len, int prot, int flags, int fd, off_t off)
{
    assert_true(flags & MAP_ANONYMOUS);   /* the pool maps nothing of the device's */
    return mmap(a, len, prot, flags, fd, off);
}

/* The fake's buffers are not mappings: the bytes moved are put back where they were. */
static void *f_mremap(void *old, size_t old_len, size_t new_len, int flags, void *new_addr)
{
    ptrdiff_t i = index_of(new_addr);
    assert_int_equal(old_len, sizeof mem[0]);
    assert_int_equal(new_len, old_len);
    assert_int_equal(flags, MREMAP_MAYMOVE | MREMAP_FIXED);
    memcpy(new_addr, old, old_len);
    munmap(old, old_len);
    atomic_fetch_add(&detached[i], 1);
    return new_addr;
}

static const v4l2_ops fake_ops = { .mmap = f_mmap, .munmap = f_munmap, .mremap = f_mremap };

static v4l2_pool *pool_of(unsigned n)
{
    for (int i = 0; i < NBUF; i++) {
        atomic_store(&unmapped[i], 0);
        atomic_store(&detached[i], 0);
    }
    v4l2_pool *p = v4l2_pool_new(&fake_ops);
    assert_non_null(p);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(v4l2_pool_add(p, mem[i], sizeof mem[i]), (int)i);
    return p;
}

/* A lent frame is the buffer's own pixels at the card's pitch, and the buffer comes back to be
 * queued only when the frame's last owner lets go. */
static void test_lent_frame_is_the_buffer(void **s)
{
    (void)s;
    v4l2_pool *p = pool_of(4);
    ng_frame *f = v4l2_pool_lend(p, 2, NG_PIX_NV12, W, H, W + 4);
    assert_non_null(f);
    assert_ptr_equal(f->plane[0], mem[2]);
    assert_ptr_equal(f->plane[1], mem[2] + (W + 4) * H);   /* the chroma rows after the luma's */
    assert_int_equal(f->stride[0], W + 4);
    assert_int_equal(f->stride[1], W + 4);
    assert_int_equal(f->pts_ms, -1);
    unsigned idx[V4L2_POOL_MAX];
    assert_int_equal(v4l2_pool_take_returned(p, idx), 0);
    frame_ref(f);
    frame_free(f);
    assert_int_equal(v4l2_pool_take_returned(p, idx), 0);   /* one owner left */
    frame_free(f);
    assert_int_equal(v4l2_pool_take_returned(p, idx), 1);
    assert_int_equal(idx[0], 2);
    assert_int_equal(v4l2_pool_take_returned(p, idx), 0);   /* taken once */
    v4l2_pool_orphan(p);
    for (int i = 0; i < 4; i++)
        assert_int_equal(atomic_load(&unmapped[i]), 1);
}

/* Lending stops while fewer than keep_queued buffers would stay with the driver; a buffer
 * returned but not yet queued again is not the driver's either. */
static void test_lends_only_while_enough_stay_queued(void **s)
{
    (void)s;
    v4l2_pool *p = pool_of(4);
    assert_true(v4l2_pool_can_lend(p, 2));
    ng_frame *a = v4l2_pool_lend(p, 0, NG_PIX_YUYV, W, H, 2 * W);
    assert_true(v4l2_pool_can_lend(p, 2));
    ng_frame *b = v4l2_pool_lend(p, 1, NG_PIX_YUYV, W, H, 2 * W);
    assert_false(v4l2_pool_can_lend(p, 2));   /* two out: only two left with the driver */
    assert_true(v4l2_pool_can_lend(p, 1));
    frame_free(a);
    assert_false(v4l2_pool_can_lend(p, 2));   /* returned, not yet queued again */
    unsigned idx[V4L2_POOL_MAX];
    assert_int_equal(v4l2_pool_take_returned(p, idx), 1);
    assert_true(v4l2_pool_can_lend(p, 2));
    frame_free(b);
    v4l2_pool_orphan(p);
}

/* What cannot be lent is refused, and the buffer stays the caller's: planar chroma with a pitch
 * of its own, JPEG, a pitch shorter than a row, an image larger than the buffer. */
static void test_refuses_what_it_cannot_lend(void **s)
{
    (void)s;
    v4l2_pool *p = pool_of(4);
    assert_null(v4l2_pool_lend(p, 0, NG_PIX_I420, W, H, W));
    assert_null(v4l2_pool_lend(p, 0, NG_PIX_MJPEG, W, H, W));
    assert_null(v4l2_pool_lend(p, 0, NG_PIX_YUYV, W, H, 2 * W - 1));
    assert_null(v4l2_pool_lend(p, 0, NG_PIX_NV12, W, 2 * H, W));   /* past the buffer's end */
    assert_null(v4l2_pool_lend(p, 4, NG_PIX_NV12, W, H, W));       /* no such buffer */
    assert_true(v4l2_pool_can_lend(p, 3));                         /* nothing went out */
    ng_frame *f = v4l2_pool_lend(p, 0, NG_PIX_NV12, W, H, W);      /* fits      */
    assert_non_null(f);
    frame_free(f);
    v4l2_pool_orphan(p);
}

/* A teardown with frames out unmaps the rest at once, moves each lent buffer's pixels off the
 * device at the same address, and unmaps it when its frame is freed, after the capture thread
 * has let go of the pool (ASan sees a use after free). */
static void test_orphaned_pool_unmaps_as_frames_go(void **s)
{
    (void)s;
    v4l2_pool *p = pool_of(4);
    ng_frame *a = v4l2_pool_lend(p, 1, NG_PIX_GREY, W, H, W);
    ng_frame *b = v4l2_pool_lend(p, 3, NG_PIX_GREY, W, H, W);
    frame_free(b);   /* returned, not queued again: the teardown unmaps it */
    memset(mem[1], 0x5A, W * H);
    v4l2_pool_orphan(p);
    assert_int_equal(atomic_load(&unmapped[0]), 1);
    assert_int_equal(atomic_load(&unmapped[1]), 0);   /* still shown */
    for (int i = 0; i < 4; i++)
        assert_int_equal(atomic_load(&detached[i]), i == 1);
    assert_ptr_equal(a->plane[0], mem[1]);
    assert_int_equal(atomic_load(&unmapped[2]), 1);
    assert_int_equal(atomic_load(&unmapped[3]), 1);
    assert_int_equal(a->plane[0][W * H - 1], 0x5A);
    frame_free(a);
    assert_int_equal(atomic_load(&unmapped[1]), 1);
}

/* The capture thread lends and re-queues while another thread frees the frames, as the display
 * does: every buffer lent comes back exactly once, none is lent twice at a time. */
typedef struct {
    ng_frame *slot[64];
    atomic_int head, tail;   /* a single-producer, single-consumer ring */
    atomic_bool done;
} handoff;

static void *freer(void *arg)
{
    handoff *h = arg;
    for (;;) {
        int t = atomic_load(&h->tail);
        if (t == atomic_load(&h->head)) {
            if (atomic_load(&h->done) && t == atomic_load(&h->head))
                return NULL;
            sched_yield();
            continue;
        }
        frame_free(h->slot[t % 64]);
        atomic_store(&h->tail, t + 1);
    }
}

static void test_frames_freed_on_another_thread(void **s)
{
    (void)s;
    v4l2_pool *p = pool_of(NBUF);
    static handoff h;
    atomic_store(&h.head, 0);
    atomic_store(&h.tail, 0);
    atomic_store(&h.done, false);
    bool with_driver[NBUF];
    for (int i = 0; i < NBUF; i++)
        with_driver[i] = true;
    pthread_t t;
    pthread_create(&t, NULL, freer, &h);
    int lent = 0, requeued = 0;
    for (int n = 0; lent < 5000; n++) {
        unsigned idx[V4L2_POOL_MAX];
        for (unsigned k = 0, m = v4l2_pool_take_returned(p, idx); k < m; k++) {
            assert_false(with_driver[idx[k]]);
            with_driver[idx[k]] = true;
            requeued++;
        }
        int i = n % NBUF;
        if (!with_driver[i] || !v4l2_pool_can_lend(p, 2) ||
            atomic_load(&h.head) - atomic_load(&h.tail) >= 64) {
            sched_yield();   /* the freer's turn */
            continue;
        }
        ng_frame *f = v4l2_pool_lend(p, (unsigned)i, NG_PIX_GREY, W, H, W);
        assert_non_null(f);
        with_driver[i] = false;
        lent++;
        int hd = atomic_load(&h.head);
        h.slot[hd % 64] = f;
        atomic_store(&h.head, hd + 1);
    }
    atomic_store(&h.done, true);
    pthread_join(t, NULL);
    unsigned idx[V4L2_POOL_MAX];
    requeued += (int)v4l2_pool_take_returned(p, idx);
    assert_int_equal(requeued, lent);
    v4l2_pool_orphan(p);
    for (int i = 0; i < NBUF; i++)
        assert_int_equal(atomic_load(&unmapped[i]), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lent_frame_is_the_buffer),
        cmocka_unit_test(test_lends_only_while_enough_stay_queued),
        cmocka_unit_test(test_refuses_what_it_cannot_lend),
        cmocka_unit_test(test_orphaned_pool_unmaps_as_frames_go),
        cmocka_unit_test(test_frames_freed_on_another_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
