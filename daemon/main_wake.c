#include "daemon/main_wake.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

int main_wake_init(main_wake *w, ng_errbuf *err)
{
    w->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->fd < 0) {
        ng_err_add(err, "eventfd: %s", strerror(errno));
        return -1;
    }
    return 0;
}

void main_wake_close(main_wake *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
}

void main_wake_signal(main_wake *w)
{
    uint64_t one = 1;
    /* only fails when the counter would overflow: it is then set, which is all a wake needs */
    while (write(w->fd, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

bool main_wake_wait(main_wake *w, int other_fd, int ms)
{
    struct pollfd pfd[2] = { { .fd = w->fd, .events = POLLIN }, { .fd = other_fd, .events = POLLIN } };
    int n = poll(pfd, other_fd >= 0 ? 2 : 1, ms);
    if (n <= 0)
        return false;   /* time-out, or EINTR: the caller's loop waits again */
    uint64_t count;
    if (pfd[0].revents & POLLIN)
        while (read(w->fd, &count, sizeof count) < 0 && errno == EINTR) {
        }
    return true;
}
