/* The main thread's wait: a wake from another thread ends it, wakes before it are taken as
 * one, another descriptor (the signalfd) ends it too, and with nothing it times out. */
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "test_util.h"

#include "daemon/main_wake.h"
#include "util/clock.h"

static void test_wake_before_and_during_the_wait(void **s)
{
    (void)s;
    main_wake w;
    ng_errbuf err = { 0 };
    assert_int_equal(main_wake_init(&w, &err), 0);
    assert_false(main_wake_wait(&w, -1, 0));   /* nothing yet */
    main_wake_signal(&w);
    main_wake_signal(&w);
    main_wake_signal(&w);
    assert_true(main_wake_wait(&w, -1, 10000));   /* at once: it was pending */
    assert_false(main_wake_wait(&w, -1, 20));   /* the three were one wake */
    main_wake_close(&w);
    assert_int_equal(w.fd, -1);
}

static void *wake_later(void *arg)
{
    ng_sleep_until_ns(ng_now_ns() + 50000000);
    main_wake_signal(arg);
    return NULL;
}

static void test_woken_by_another_thread(void **s)
{
    (void)s;
    main_wake w;
    ng_errbuf err = { 0 };
    assert_int_equal(main_wake_init(&w, &err), 0);
    pthread_t th;
    pthread_create(&th, NULL, wake_later, &w);
    /* woken, not timed out: the ten seconds would be the failure */
    assert_true(main_wake_wait(&w, -1, 10000));
    pthread_join(th, NULL);
    assert_false(main_wake_wait(&w, -1, 0));
    main_wake_close(&w);
}

static void test_a_signal_ends_the_wait(void **s)
{
    (void)s;
    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &mask, &old);
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    assert_true(sfd >= 0);
    main_wake w;
    ng_errbuf err = { 0 };
    assert_int_equal(main_wake_init(&w, &err), 0);
    raise(SIGUSR1);
    assert_true(main_wake_wait(&w, sfd, 10000));
    struct signalfd_siginfo si;
    assert_int_equal(read(sfd, &si, sizeof si), (ssize_t)sizeof si);
    assert_int_equal(si.ssi_signo, SIGUSR1);
    assert_false(main_wake_wait(&w, sfd, 0));   /* read: nothing left */
    main_wake_close(&w);
    close(sfd);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wake_before_and_during_the_wait),
        cmocka_unit_test(test_woken_by_another_thread),
        cmocka_unit_test(test_a_signal_ends_the_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
