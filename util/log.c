#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>

static ng_log_level min_level = NG_LOG_INFO;

void ng_log_set_level(ng_log_level level) { min_level = level; }

void ng_log(ng_log_level level, const char *module, const char *fmt, ...)
{
    static const char *const names[] = { "debug: ", "", "warning: ", "error: " };
    if (level < min_level)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* One fprintf per message so lines from different threads do not interleave. */
    fprintf(stderr, "needleguide: %s: %s%s\n", module, names[level], msg);
}
