/* Session recording: a folder YYYYmmdd-HHMMSS/ with raw.mkv (lossless FFV1 of the captured
 * frames), overlay.mkv (H.264 of the screen), telemetry.jsonl, events.jsonl and session.json.
 *
 * The live threads only hand things over: a frame, a copy of the screen, a line. A writer
 * thread encodes and writes them. The queue is bounded; what does not fit is dropped and
 * counted, never waited for. About once a second the writer closes the videos' clusters and
 * fsyncs every file and rewrites session.json in place, so a kill -9 loses at most that second.
 * A failing write (ENOSPC, EIO, EFBIG) ends the session, says why in session.json and in the
 * status; the live path is not touched. */
#ifndef NG_RECORDER_H
#define NG_RECORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/frame.h"
#include "guidance/plan.h"
#include "util/errbuf.h"
#include "util/geom.h"

#define RECORD_MAX_MASKS 16

typedef struct {
    char dir[512];                         /* where session folders are made */
    ng_rect masks[RECORD_MAX_MASKS];       /* frame pixels blacked out in both videos */
    int nmasks;
    size_t queue_bytes;                    /* frames waiting for the writer, at most (0: 64 MB) */
} record_opts;

/* What session.json tells about where the session came from. */
typedef struct {
    const char *config_ini;    /* the running configuration, as an INI file */
    const char *source;        /* the source spec */
    const char *source_detail; /* what the source says of itself (card, file); may be NULL */
    int width, height;
    double fps;
    ng_plan plan;
    ng_rect roi;
    double mm_per_px;
} record_info;

typedef enum { REC_TELEMETRY, REC_EVENTS } record_stream;

typedef struct {
    bool active;               /* a session is being written */
    bool failed;               /* the last session ended on a write error */
    char reason[256];          /* why the last session ended (when not active) */
    char dir[640];             /* the session folder (current or last) */
    double seconds;            /* since the session began */
    uint64_t raw_frames, screen_frames;      /* handed over */
    uint64_t raw_dropped, screen_dropped;    /* not taken: the queue was full */
    uint64_t lines_dropped;
} record_status;

typedef struct recorder recorder;

recorder *recorder_new(void);
void recorder_free(recorder *r);   /* stops a running session first */

/* Starts a session at t_ms (on the telemetry clock: frames' t_ms count from the same start).
 * 0, or -1 with the reason in err (nothing is left running). */
int recorder_start(recorder *r, const record_opts *o, const record_info *info, double t_ms,
                   ng_errbuf *err);
/* Ends the session: what is queued is written, the videos finished, session.json completed
 * with reason. No-op when not recording. */
void recorder_stop(recorder *r, const char *reason);
/* Collects a session the writer ended by itself (a write error); true if it did so now. */
bool recorder_reap(recorder *r);
void recorder_status_get(recorder *r, record_status *st);
bool recorder_active(recorder *r);

/* A captured frame at t_ms: taken (true, freed by the recorder) or not recording (false: the
 * caller keeps it). A full queue takes and drops it, counted. */
bool recorder_take_raw(recorder *r, ng_frame *f, double t_ms);
/* Whether a screen of this size is to be handed over now: false when not recording, and false
 * (counted as dropped) when the queue has no room for it, so the caller need not read it back. */
bool recorder_screen_wanted(recorder *r, int width, int height);
/* The screen (ARGB8888 bytes B,G,R,A) at t_ms, copied; masks in screen pixels are blacked out
 * in the copy. */
void recorder_put_screen(recorder *r, const uint8_t *argb, int width, int height, int stride,
                         const ng_rect *masks, int nmasks, double t_ms);
/* One JSON line for telemetry.jsonl or events.jsonl, copied. */
void recorder_put_line(recorder *r, record_stream s, const char *line);

#endif
