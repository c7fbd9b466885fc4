/* What the process holds in memory, for `ctl status` and make soak: the resident set (what the
 * kernel counts) and the heap in use (what the allocator has handed out and not had back). A
 * heap that stays while the resident set climbs is the allocator keeping freed pages, not a
 * leak; a heap that climbs is memory we hold. */
#ifndef NG_MEMORY_USE_H
#define NG_MEMORY_USE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t rss_kb;    /* resident set, kB (/proc/self/statm); -1 when unreadable */
    int64_t heap_kb;   /* bytes allocated and not freed, in kB */
} ng_memory_use;

/* Fills m; false when the resident set could not be read (the heap is always given). */
bool ng_memory_use_get(ng_memory_use *m);

#endif
