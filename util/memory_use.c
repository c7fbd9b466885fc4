#include "util/memory_use.h"

#include <malloc.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

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

bool ng_memory_use_get(ng_memory_use *m)
{
    m->heap_kb = heap_bytes() / 1024;
    m->rss_kb = -1;
    FILE *f = fopen("/proc/self/statm", "re");
    if (!f)
        return false;
    long long size, resident;
    int n = fscanf(f, "%lld %lld", &size, &resident);
    fclose(f);
    if (n != 2)
        return false;
    m->rss_kb = resident * (sysconf(_SC_PAGESIZE) / 1024);
    return true;
}
