#include "bench/paced_card.h"

#include <libyuv.h>
#include <string.h>
#include <time.h>

#include "capture/v4l2_pool.h"
#include "util/clock.h"

static paced_card *the_card;

ng_frame *paced_card_format(const ng_frame *in, ng_pixfmt fmt)
{
    ng_frame *f = frame_alloc(fmt, in->width, in->height);
    if (!f)
        return NULL;
    const uint8_t *const *p = (const uint8_t *const *)in->plane;
    const int *st = in->stride;
    if (fmt == NG_PIX_YUYV)
        I420ToYUY2(p[0], st[0], p[1], st[1], p[2], st[2], f->plane[0], f->stride[0], in->width,
                   in->height);
    else
        I420ToNV12(p[0], st[0], p[1], st[1], p[2], st[2], f->plane[0], f->stride[0], f->plane[1],
                   f->stride[1], in->width, in->height);
    return f;
}

void paced_card_use(paced_card *card)
{
    the_card = card;
}

typedef struct {
    paced_card *card;
    int64_t start_ns, period_ns;
    uint64_t n;   /* the card's frame count: the next deadline is start + (n + 1) * period */
    int buffers;  /* the card's, as asked of a V4L2 device */
    atomic_int lent;   /* frames over the card's buffers not yet freed */
} card_state;

static card_state state;

static int card_open(ng_source *src, const ng_source_spec *spec, ng_errbuf *err)
{
    (void)spec;
    if (!the_card || the_card->nframes <= 0) {
        ng_err_add(err, "bench: no card to play");
        return -1;
    }
    state = (card_state){ .card = the_card, .period_ns = (int64_t)(1e9 / src->opts.fps),
                          .buffers = src->opts.buffers };
    src->width = the_card->width;
    src->height = the_card->height;
    src->fps = src->opts.fps;
    src->priv = &state;
    return 0;
}

static void card_give_back(void *lender, unsigned slot)
{
    (void)slot;
    atomic_fetch_sub(&((card_state *)lender)->lent, 1);
}

static ng_source_status card_next(ng_source *src, ng_frame **out, ng_errbuf *err)
{
    card_state *s = src->priv;
    if (!s->start_ns)
        s->start_ns = ng_now_ns();
    int64_t deadline = s->start_ns + (int64_t)(s->n + 1) * s->period_ns;
    int64_t now = ng_now_ns();
    if (now < deadline) {
        struct timespec ts = { deadline / 1000000000, deadline % 1000000000 };
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {
        }
    } else {
        /* late: the frames that came meanwhile were overwritten by the newest */
        uint64_t late = (uint64_t)((now - deadline) / s->period_ns);
        src->skipped += late;
        s->n += late;
        deadline += (int64_t)late * s->period_ns;
    }
    paced_card *c = s->card;
    const ng_frame *in = c->frames[s->n % (uint64_t)c->nframes];
    /* lent, as the V4L2 source lends a buffer, while as many would stay with the driver */
    ng_frame *f = NULL;
    if (atomic_load(&s->lent) + 1 + V4L2_KEEP_QUEUED <= s->buffers &&
        (f = frame_lend(c->fmt, c->width, c->height, in->data, in->stride[0], card_give_back, s, 0)))
        atomic_fetch_add(&s->lent, 1);
    else if ((f = frame_alloc(c->fmt, c->width, c->height))) {
        memcpy(f->data, in->data, f->size);   /* the copy out of the card's buffer */
        c->copied++;
    }
    if (!f) {
        ng_err_add(err, "bench: out of memory");
        return NG_SRC_ERROR;
    }
    f->seq = s->n++;
    f->t_capture_ns = deadline;
    c->delivered = s->n;
    *out = f;
    return NG_SRC_FRAME;
}

static void card_close(ng_source *src)
{
    (void)src;
}

const ng_source_ops paced_card_ops = { "bench-card", card_open, card_next, card_close };
