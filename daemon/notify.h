/* Telling systemd how the service is (sd_notify): ready, its status, the watchdog's ping. Without
 * libsystemd at build time (make SYSTEMD=no), or when not started by systemd, these do nothing. */
#ifndef NG_NOTIFY_H
#define NG_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/* READY=1 with a first STATUS=, once. */
void notify_ready(const char *status);
void notify_status(const char *status);
/* WATCHDOG=1 */
void notify_watchdog(void);
/* STOPPING=1 */
void notify_stopping(void);
/* How often systemd wants the watchdog pinged (half its WatchdogSec); false when it does not. */
bool notify_watchdog_every(int64_t *ns);

#endif
