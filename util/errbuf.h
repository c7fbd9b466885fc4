/* Collects user-facing error messages (one per line) so callers and tests can read them. */
#ifndef NG_ERRBUF_H
#define NG_ERRBUF_H

#include <stddef.h>

typedef struct {
    char text[4096];
    size_t len;
    int count;
} ng_errbuf;

void ng_err_add(ng_errbuf *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
