/* The one-slot newest-wins mailbox, alone and between two threads. */
#include <pthread.h>
#include <stdatomic.h>

#include "test_util.h"

#include "daemon/mailbox.h"

static atomic_int dropped, wakes;
static void drop(void *p, void *ctx) { (void)ctx; atomic_fetch_add(&dropped, 1); free(p); }
static void wake(void *ctx) { (void)ctx; atomic_fetch_add(&wakes, 1); }

static int *item(int v)
{
    int *p = malloc(sizeof *p);
    *p = v;
    return p;
}

static void test_newest_wins_and_skips_counted(void **s)
{
    (void)s;
    ng_mailbox mb;
    atomic_store(&dropped, 0);
    mailbox_init(&mb, drop, NULL, NULL);
    assert_null(mailbox_try_take(&mb));
    mailbox_put(&mb, item(1));
    mailbox_put(&mb, item(2));
    mailbox_put(&mb, item(3));
    assert_int_equal(mailbox_skipped(&mb), 2);
    assert_int_equal(atomic_load(&dropped), 2);
    int *p = mailbox_try_take(&mb);
    assert_int_equal(*p, 3);
    free(p);
    assert_null(mailbox_try_take(&mb));
    mailbox_destroy(&mb);
    assert_int_equal(mailbox_skipped(&mb), 2);   /* a stopped pipeline's totals */
}

static void test_one_wake_while_pending(void **s)
{
    (void)s;
    ng_mailbox mb;
    atomic_store(&wakes, 0);
    mailbox_init(&mb, drop, wake, NULL);
    mailbox_put(&mb, item(1));
    mailbox_put(&mb, item(2));   /* replaces a pending item: no second wake-up */
    assert_int_equal(atomic_load(&wakes), 1);
    free(mailbox_try_take(&mb));
    mailbox_put(&mb, item(3));   /* slot was empty again: wake */
    assert_int_equal(atomic_load(&wakes), 2);
    mailbox_destroy(&mb);        /* frees item 3 */
}

static void test_close(void **s)
{
    (void)s;
    ng_mailbox mb;
    atomic_store(&dropped, 0);
    mailbox_init(&mb, drop, NULL, NULL);
    mailbox_put(&mb, item(7));
    mailbox_close(&mb);
    assert_true(mailbox_closed(&mb));
    assert_false(mailbox_put(&mb, item(8)));   /* refused and dropped */
    assert_int_equal(atomic_load(&dropped), 1);
    int *p = mailbox_take(&mb);                /* what was waiting can still be taken */
    assert_int_equal(*p, 7);
    free(p);
    assert_null(mailbox_take(&mb));            /* closed and empty: does not block */
    mailbox_destroy(&mb);
}

#define N_ITEMS 200000

typedef struct {
    ng_mailbox mb;
    long last_seen, received;
    bool in_order;
} shared;

static void *consumer(void *arg)
{
    shared *sh = arg;
    int *p;
    while ((p = mailbox_take(&sh->mb))) {
        if (*p <= sh->last_seen)
            sh->in_order = false;
        sh->last_seen = *p;
        sh->received++;
        free(p);
    }
    return NULL;
}

static void test_two_threads(void **s)
{
    (void)s;
    shared sh = { .last_seen = -1, .in_order = true };
    atomic_store(&dropped, 0);
    mailbox_init(&sh.mb, drop, NULL, NULL);
    pthread_t t;
    pthread_create(&t, NULL, consumer, &sh);
    for (int i = 0; i < N_ITEMS; i++)
        mailbox_put(&sh.mb, item(i));
    mailbox_close(&sh.mb);
    pthread_join(t, NULL);
    /* Every item was either received or skipped; none lost, none twice; order kept; the very
     * last one always arrives (no lost wake-up at the end). */
    assert_int_equal(sh.received + (long)mailbox_skipped(&sh.mb), N_ITEMS);
    assert_int_equal(atomic_load(&dropped), (int)mailbox_skipped(&sh.mb));
    assert_true(sh.in_order);
    assert_int_equal(sh.last_seen, N_ITEMS - 1);
    mailbox_destroy(&sh.mb);
}

/* A consumer waiting on an empty slot is woken by a single put. */
static void *taker(void *arg)
{
    return mailbox_take(arg);
}

static void test_blocked_taker_wakes(void **s)
{
    (void)s;
    for (int round = 0; round < 200; round++) {
        ng_mailbox mb;
        mailbox_init(&mb, drop, NULL, NULL);
        pthread_t t;
        pthread_create(&t, NULL, taker, &mb);
        if (round % 2)
            usleep(100);
        mailbox_put(&mb, item(round));
        void *got;
        pthread_join(t, &got);
        assert_non_null(got);
        assert_int_equal(*(int *)got, round);
        free(got);
        mailbox_destroy(&mb);
    }
}

/* A consumer slower than its producer: the producer that waits for the slot to empty before
 * each put loses nothing (a file replayed frame by frame). */
static void *slow_taker(void *arg)
{
    ng_mailbox *mb = arg;
    int *sum = calloc(1, sizeof *sum);
    int *p;
    while ((p = mailbox_take(mb))) {
        *sum += *p;
        free(p);
        usleep(200);
    }
    return sum;
}

static void test_wait_empty_loses_nothing(void **s)
{
    (void)s;
    ng_mailbox mb;
    atomic_store(&dropped, 0);
    mailbox_init(&mb, drop, NULL, NULL);
    pthread_t t;
    pthread_create(&t, NULL, slow_taker, &mb);
    int want = 0;
    for (int i = 1; i <= 300; i++) {
        assert_true(mailbox_wait_empty(&mb));
        mailbox_put(&mb, item(i));
        want += i;
    }
    assert_true(mailbox_wait_empty(&mb));
    mailbox_close(&mb);
    int *sum;
    pthread_join(t, (void **)&sum);
    assert_int_equal(*sum, want);
    assert_int_equal(mailbox_skipped(&mb), 0);
    assert_int_equal(atomic_load(&dropped), 0);
    free(sum);
    /* closed: no waiting, even with an item in the slot */
    mailbox_destroy(&mb);
    mailbox_init(&mb, drop, NULL, NULL);
    mailbox_put(&mb, item(1));
    mailbox_close(&mb);
    assert_false(mailbox_wait_empty(&mb));
    mailbox_destroy(&mb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_newest_wins_and_skips_counted),
        cmocka_unit_test(test_one_wake_while_pending),
        cmocka_unit_test(test_close),
        cmocka_unit_test(test_two_threads),
        cmocka_unit_test(test_blocked_taker_wakes),
        cmocka_unit_test(test_wait_empty_loses_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
