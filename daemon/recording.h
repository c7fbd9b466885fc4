/* The daemon's side of recording: starting and stopping sessions (--record, [record], key R),
 * handing the screen over after each draw, and what the HUD shows of it. Main thread. */
#ifndef NG_RECORDING_H
#define NG_RECORDING_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/pipeline.h"
#include "overlay/overlay.h"
#include "record/recorder.h"

typedef struct {
    recorder *rec;
    const ng_config *cfg;
    const ng_source *src;
    pipeline *p;
    uint8_t *screen;           /* the read-back screen */
    size_t screen_cap;
    char problem[256];         /* why the last session stopped on its own; "" if none */
} recording;

int recording_init(recording *r, const ng_config *cfg, const ng_source *src);
/* Starts a session; msg says what happened (for the banner). 0 or -1. */
int recording_start(recording *r, pipeline *p, char *msg, size_t n);
void recording_stop(recording *r, const char *reason, char *msg, size_t n);
/* A session the writer ended on a write error: true (once), msg says why. */
bool recording_poll(recording *r, char *msg, size_t n);
/* Hands what was just drawn to the session, masks blacked out. */
void recording_screen(recording *r, overlay *ov);
void recording_view(recording *r, overlay_view *v);
void recording_free(recording *r);

#endif
