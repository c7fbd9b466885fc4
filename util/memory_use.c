#include "util/memory_use.h"

#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Built with a sanitizer (make soak's LeakSanitizer, make check's ASan, TSan), malloc is the
 * sanitizer's and glibc's mallinfo2 sees none of it; the sanitizer says what it has handed out.
 * Weak: absent (null) in the plain build, which asks glibc. */
size_t __sanitizer_get_current_allocated_bytes(void) __attribute__((weak));

static int64_t heap_bytes(void)
{
    if (__sanitizer_get_current_allocated_bytes)
        return (int64_t)__sanitizer_get_current_allocated_bytes();
    struct mallinfo2 mi = mallinfo2();   /* every arena: chunks in use plus mmapped blocks */
    return (int64_t)(mi.uordblks + mi.hblkhd);
}

int64_t ng_proc_status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "re");
    char line[256];
    int64_t kb = -1;
    size_t n = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':')
            kb = strtoll(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

bool ng_memory_use_get(ng_memory_use *m)
{
    m->heap_kb = heap_bytes() / 1024;
    m->rss_kb = ng_proc_status_kb("VmRSS");
    return m->rss_kb >= 0;
}
