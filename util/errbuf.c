#include "util/errbuf.h"

#include <stdarg.h>
#include <stdio.h>

void ng_err_add(ng_errbuf *e, const char *fmt, ...)
{
    e->count++;
    if (e->len + 1 >= sizeof e->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(e->text + e->len, sizeof e->text - e->len, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    e->len += (size_t)n;
    if (e->len >= sizeof e->text - 1)
        e->len = sizeof e->text - 2;
    e->text[e->len++] = '\n';
    e->text[e->len] = '\0';
}
