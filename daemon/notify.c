#include "daemon/notify.h"

#include <stdio.h>

#ifdef NG_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

static bool ready;

void notify_ready(const char *status)
{
    if (ready)
        return;
    ready = true;
#ifdef NG_HAVE_SYSTEMD
    sd_notifyf(0, "READY=1\nSTATUS=%s", status);
#else
    (void)status;
#endif
}

void notify_status(const char *status)
{
#ifdef NG_HAVE_SYSTEMD
    sd_notifyf(0, "STATUS=%s", status);
#else
    (void)status;
#endif
}

void notify_watchdog(void)
{
#ifdef NG_HAVE_SYSTEMD
    sd_notify(0, "WATCHDOG=1");
#endif
}

void notify_stopping(void)
{
#ifdef NG_HAVE_SYSTEMD
    sd_notify(0, "STOPPING=1");
#endif
}

bool notify_watchdog_every(int64_t *ns)
{
#ifdef NG_HAVE_SYSTEMD
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        *ns = (int64_t)usec * 1000 / 2;
        return true;
    }
#endif
    (void)ns;
    return false;
}
