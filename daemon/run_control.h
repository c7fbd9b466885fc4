/* What the control socket and SIGHUP do to the running daemon (main thread). */
#ifndef NG_RUN_CONTROL_H
#define NG_RUN_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/pipeline.h"
#include "daemon/recording.h"
#include "overlay/overlay.h"
#include "util/memory_use.h"

/* The live loop's state the requests read and change. */
typedef struct {
    ng_config *cfg;
    const char *config_path;       /* what SIGHUP reloads; NULL: the embedded default */
    pipeline *p;
    recording *rec;
    overlay *ov;
    bool *paused;                  /* freeze */
    const processed_frame *cur;    /* the frame on screen; NULL before the first */
    double fps, latency_ms;
    char *message;                 /* the passing banner */
    size_t message_size;
    int64_t *message_until;
    /* the status's memory, read at most once a second: glibc's heap count walks its free
     * lists under each arena's lock (~0.1 ms), which a client asking in a loop must not repeat */
    ng_memory_use mem;
    int64_t mem_at_ns;
} run_live;

/* A control_handler: one request line, one reply. Call between drawing and presenting (a
 * snapshot is of what was just drawn). */
void run_control_request(void *live, const char *line, char *reply, size_t n);

/* SIGHUP: the configuration file read again. The plan, display and record settings apply at
 * once (capture goes on; a running recording keeps its settings); an invalid file changes
 * nothing and is reported with file:line. 0 or -1. */
int run_reload(run_live *l);

#endif
