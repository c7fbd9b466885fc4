/* What the process holds in memory, for `ctl status`, make soak and make bench: the resident set
 * (what the kernel counts) and the heap in use (what the allocator has handed out and not had
 * back). A heap that stays while the resident set climbs is the allocator keeping freed pages,
 * not a leak; a heap that climbs is memory we hold. */
#ifndef NG_MEMORY_USE_H
#define NG_MEMORY_USE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    int64_t rss_kb;    /* resident set, kB (VmRSS); -1 when unreadable */
    int64_t heap_kb;   /* bytes allocated and not freed, in kB */
} ng_memory_use;

/* Fills m; false when the resident set could not be read (the heap is always given). */
bool ng_memory_use_get(ng_memory_use *m);

/* A kB line of /proc/self/status by its key ("VmRSS" now, "VmHWM" the peak); -1 if none. */
int64_t ng_proc_status_kb(const char *key);

#endif
