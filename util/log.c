#include "util/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "util/clock.h"

static ng_log_level min_level = NG_LOG_INFO;
static ng_log_target target = NG_LOG_AUTO;
static bool syslog_open;

/* the last message, to fold its repeats */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char last[1200];
static ng_log_level last_level;
static int64_t last_ns;
static unsigned repeats;
static int64_t window_ns = LOG_REPEAT_S * 1000000000LL;

void ng_log_set_level(ng_log_level level) { min_level = level; }
void ng_log_set_target(ng_log_target t) { target = t; }
void ng_log_set_repeat_window(double s) { window_ns = (int64_t)(s * 1e9); }

ng_log_target ng_log_current_target(void)
{
    if (target == NG_LOG_AUTO)   /* started by systemd, its stderr not a terminal: the journal */
        target = getenv("INVOCATION_ID") && !isatty(STDERR_FILENO) ? NG_LOG_SYSLOG : NG_LOG_STDERR;
    return target;
}

static bool to_syslog(void) { return ng_log_current_target() == NG_LOG_SYSLOG; }

/* One line out (a whole line per call: threads do not interleave). Caller holds lock. */
static void emit(ng_log_level level, const char *line)
{
    if (to_syslog()) {
        static const int prio[] = { LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERR };
        if (!syslog_open) {
            openlog("needleguide", LOG_PID, LOG_DAEMON);
            syslog_open = true;
        }
        syslog(prio[level], "%s", line);
    } else {
        fprintf(stderr, "needleguide: %s\n", line);
    }
}

static void say_repeats(void)
{
    if (repeats) {
        char line[1300];
        snprintf(line, sizeof line, "%s [repeated %u more time%s]", last, repeats,
                 repeats == 1 ? "" : "s");
        emit(last_level, line);
        repeats = 0;
    }
}

void ng_log(ng_log_level level, const char *module, const char *fmt, ...)
{
    static const char *const names[] = { "debug: ", "", "warning: ", "error: " };
    if (level < min_level)
        return;
    char msg[1024], line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(line, sizeof line, "%s: %s%s", module, names[level], msg);
    int64_t now = ng_now_ns();
    pthread_mutex_lock(&lock);
    if (!strcmp(line, last)) {
        /* the same again: counted; said when another message comes, or once per window */
        repeats++;
        if (now - last_ns >= window_ns) {
            say_repeats();
            last_ns = now;
        }
    } else {
        say_repeats();
        emit(level, line);
        snprintf(last, sizeof last, "%s", line);
        last_level = level;
        last_ns = now;
    }
    pthread_mutex_unlock(&lock);
}

void ng_log_flush(void)
{
    pthread_mutex_lock(&lock);
    say_repeats();
    last[0] = '\0';
    pthread_mutex_unlock(&lock);
}
