/* The live pipeline: capture thread -> mailbox -> processing thread -> mailbox -> main thread.
 * No stage blocks capture: each hand-over is a one-slot newest-wins mailbox. */
#ifndef NG_PIPELINE_H
#define NG_PIPELINE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/convert.h"
#include "capture/source.h"
#include "capture/still.h"
#include "config/config.h"
#include "daemon/mailbox.h"
#include "daemon/telemetry.h"
#include "guidance/guide.h"
#include "record/recorder.h"
#include "tracking/tracker.h"

/* One processed frame, ready to show: the captured frame (convert_for_display), converted by
 * the display into its texture (one pass fewer over the picture than converting here and
 * copying), or, for the formats the processing converts whole anyway (JPEG, RGB), its ARGB. */
typedef struct {
    ng_frame *captured;   /* owned (frame_free), or NULL */
    uint8_t *argb;        /* or ARGB8888, stride bytes a row; NULL */
    int width, height, stride;
    uint64_t frame, seq;
    int64_t t_capture_ns, t_done_ns;
    /* on its way (CLOCK_MONOTONIC): the capture thread had it, processing took it, converted,
     * tracked; guided is t_done_ns (make bench reports each stage) */
    int64_t t_dequeued_ns, t_taken_ns, t_converted_ns, t_tracked_ns;
    ng_track track;
    guide_state guide;    /* phase, targets where the anatomy is, guidance numbers */
    double still_ms;      /* how long the picture has not changed (a frozen scanner) */
    bool reported;        /* its telemetry line is written */
} processed_frame;

void processed_frame_free(processed_frame *p);

typedef enum { SOURCE_STREAMING, SOURCE_ENDED, SOURCE_FAILED } source_status;

/* A plan that was set during a recorded session, at its time in the file: a replay sets it
 * again on the first frame at or after that time. */
typedef struct {
    int64_t pts_ms;
    ng_plan plan;
} replay_plan;

typedef struct {
    const ng_config *cfg;
    ng_source *src;
    tracker *trk;
    guide *gd;                  /* the processing thread's; forced changes take guide_lock */
    pthread_mutex_t guide_lock;
    FILE *telemetry;            /* may be NULL */
    recorder *rec;              /* may be NULL; records while a session runs */
    uint64_t max_frames;        /* 0: until stopped */
    ng_mailbox captured, display;
    pthread_t capture_thread, process_thread;
    atomic_bool stop;
    _Atomic source_status status;
    ng_errbuf source_err;       /* written by the capture thread before status changes */
    _Atomic capture_state cap_state;
    atomic_uint_fast64_t processed;
    _Atomic int64_t busy_since_ns;   /* the frame being processed was taken then; 0: idle */
    /* telemetry of frames superseded before they were shown, waiting to be written in order */
    pthread_mutex_t tel_lock;
    telemetry_frame *backlog;
    size_t nbacklog, backlog_cap;
    atomic_uint_fast64_t corrupt;   /* frames that could not be decoded */
    /* the source's counters, copied by the capture thread for the others to read */
    atomic_uint_fast64_t driver_drops, source_skipped, error_buffers, copied_out;
    ng_converter conv;              /* processing thread's */
    still_detector still;           /* processing thread's */
    int64_t t0_ns;
    mailbox_wake_fn wake;       /* the caller's, called through the display mailbox */
    void *wake_ctx;
    /* replay: plans recorded during the session (processing thread's) */
    const replay_plan *plans;
    size_t nplans, next_plan;
    int64_t last_pts_ms;
} pipeline;

/* Starts both threads; wake(ctx) runs whenever a processed frame lands in an empty display slot
 * and when the pipeline finishes. */
/* t0_ns: when the run began (telemetry t_ms counts from it; 0: now), taken before the source
 * opened, as a capture card may deliver frames stamped during its opening. */
/* Where a pipeline's output goes besides the screen; every member may be NULL/0. */
typedef struct {
    FILE *telemetry;             /* one JSON line per frame, event lines */
    recorder *rec;               /* captured frames and telemetry, while a session runs */
    const replay_plan *plans;    /* replay: the session's later plans, in time order */
    size_t nplans;
} pipeline_io;

int pipeline_start(pipeline *p, const ng_config *cfg, ng_source *src, const pipeline_io *io,
                   uint64_t max_frames, int64_t t0_ns, mailbox_wake_fn wake, void *wake_ctx,
                   ng_errbuf *err);
/* The main thread presented pf at present_ns: writes the telemetry of every earlier frame not
 * shown, then pf's own line with capture-to-render latency (once per frame). */
void pipeline_frame_presented(pipeline *p, processed_frame *pf, int64_t present_ns);
/* The main thread took pf but will not show it (the display is frozen by the user): its line
 * is written as not rendered. */
void pipeline_frame_unshown(pipeline *p, processed_frame *pf);
/* Now on the telemetry's clock (ms since the run began). */
double pipeline_now_ms(const pipeline *p);
/* One event line (with newline) for the telemetry file and the recording's events. */
void pipeline_event(pipeline *p, const char *line);
/* Writes whatever telemetry is still waiting (after pipeline_stop). */
void pipeline_flush_telemetry(pipeline *p);

/* The processing thread is not stuck: idle, or on one frame for less than stuck_ns (what the
 * systemd watchdog is fed on). */
bool pipeline_alive(pipeline *p, int64_t now_ns, int64_t stuck_ns);
/* True once the processing thread has finished (frame limit, end of source, error). */
bool pipeline_finished(pipeline *p);
/* Stops and joins both threads, frees what is left in the mailboxes. */
void pipeline_stop(pipeline *p);
/* Frames skipped to stay current: re-queued unseen by the source and dropped by the mailboxes. */
uint64_t pipeline_skipped(pipeline *p);
/* Forced phase changes (keys N/B, the control socket), written to telemetry as events with
 * "auto":false. False when there is no such phase to go to. */
bool pipeline_phase_step(pipeline *p, int dir);
bool pipeline_phase_set(pipeline *p, ng_phase to);
/* The procedure's phase now: a forced change shows at once, before any frame has been
 * processed under it (the frame on screen carries the phase it was processed in). */
ng_phase pipeline_phase(pipeline *p);
/* A new plan (planning mode, the control socket): the next frame becomes its reference view. */
void pipeline_set_plan(pipeline *p, const ng_plan *plan);
/* Confirms the re-anchored L5 target where it is (at == NULL) or at a frame point. */
void pipeline_confirm_l5(pipeline *p, const ng_vec2 *at);

/* The capture state, for the overlay (its detail goes to telemetry and the log). */
capture_state pipeline_capture_state(pipeline *p);

#endif
