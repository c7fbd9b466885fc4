/* Frame sources behind one small ops table: open, next frame, close.
 * sim:SEED (built-in simulated scan), file:PATH (Y4M by our reader, any other video through
 * FFmpeg), v4l2:/dev/videoN (capture cards). */
#ifndef NG_SOURCE_H
#define NG_SOURCE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture/capture_state.h"
#include "capture/frame.h"
#include "capture/v4l2_format.h"
#include "capture/v4l2_ops.h"
#include "util/errbuf.h"

typedef enum { NG_SRC_SIM, NG_SRC_FILE, NG_SRC_V4L2 } ng_source_kind;

typedef struct {
    ng_source_kind kind;
    unsigned seed;     /* sim */
    char path[500];    /* file, v4l2 */
} ng_source_spec;

/* Parses "sim:SEED", "file:PATH" or "v4l2:/dev/videoN". On error writes what was expected to why. */
int source_spec_parse(const char *text, ng_source_spec *spec, char *why, size_t whylen);

/* Playing a file for training (replay): the main thread asks, the file source does. */
typedef struct {
    atomic_bool paused;
    atomic_int speed_pct;        /* 100: real time */
    atomic_int step;             /* paused: frames to step (+1 next, -1 previous), taken by the source */
    atomic_llong seek_ms;        /* a jump asked for (relative, ms; 0: none), taken by the source */
    atomic_bool loop;            /* at the end, start again */
    atomic_llong position_ms;    /* the source's: the last frame's time in the file */
    atomic_llong duration_ms;    /* the source's: the file's length (0: unknown) */
} ng_playback;

void playback_init(ng_playback *pb);

/* mmap buffers asked of a capture card: two always stay with it (V4L2_KEEP_QUEUED), the rest can
 * be lent on as frames — by default up to four, so that the display, the processing, a frame
 * waiting between them and a recording can each hold one without a copy. */
#define NG_CAPTURE_BUFFERS_MIN 2
#define NG_CAPTURE_BUFFERS_MAX 32
#define NG_CAPTURE_BUFFERS_DEFAULT 6

typedef struct {
    double fps;   /* pacing for sources without their own rate (sim); asked of capture cards */
    bool fast;    /* no pacing: as fast as possible */
    bool every_frame;   /* files: each frame waits until processing took the last (no skips) */
    /* capture cards */
    v4l2_format_want format;
    int width, height;     /* 0: keep the device's (or the DV timings') */
    int input;             /* -1: keep the current input */
    int buffers;           /* mmap buffers, NG_CAPTURE_BUFFERS_MIN..MAX */
    const v4l2_ops *ops;   /* NULL: the real system calls */
    ng_playback *play;     /* files: pause, step, speed, seek, loop; NULL: play once */
} ng_source_opts;

void source_opts_default(ng_source_opts *o);

typedef enum {
    NG_SRC_FRAME,   /* *out holds a frame */
    NG_SRC_STATE,   /* the source changed state: see src->state and src->detail */
    NG_SRC_IDLE,    /* nothing yet (waiting, retrying): call again */
    NG_SRC_EOF,
    NG_SRC_ERROR,
} ng_source_status;

typedef struct ng_source ng_source;

typedef struct {
    const char *name;
    int (*open)(ng_source *src, const ng_source_spec *spec, ng_errbuf *err);
    /* Blocks until the next frame is due; fills *out (owned by the caller) with seq and
     * capture time set. */
    ng_source_status (*next)(ng_source *src, ng_frame **out, ng_errbuf *err);
    void (*close)(ng_source *src);
} ng_source_ops;

struct ng_source {
    const ng_source_ops *ops;
    ng_source_opts opts;
    double fps;       /* the rate the source delivers at (from the file or opts) */
    int width, height;    /* frame size, known once open (capture cards: may change) */
    capture_state state;
    char detail[256];
    /* counters of frames lost before they reached us */
    uint64_t driver_drops;    /* gaps in the driver's sequence numbers */
    uint64_t skipped;         /* older buffers re-queued unseen to keep the newest */
    uint64_t error_buffers;   /* buffers the driver flagged as corrupt */
    uint64_t copied_out;      /* frames copied out of a card's buffer instead of lent (none to
                               * spare with the driver, or MJPEG and planar formats) */
    void *priv;
};

/* Opens the source named by spec. Returns NULL with a message in err. */
ng_source *source_open(const ng_source_spec *spec, const ng_source_opts *opts, ng_errbuf *err);
/* The same with a source of the caller's (the benchmark's paced card). */
ng_source *source_open_ops(const ng_source_ops *ops, const ng_source_spec *spec,
                           const ng_source_opts *opts, ng_errbuf *err);
ng_source_status source_next(ng_source *src, ng_frame **out, ng_errbuf *err);
void source_close(ng_source *src);

/* Paces a source at fps from its first frame (absolute deadlines, so no drift). */
typedef struct {
    int64_t start_ns;
    uint64_t n;
} ng_source_pacer;
void source_pace(ng_source_pacer *p, double fps, bool fast);

extern const ng_source_ops source_sim_ops;
extern const ng_source_ops source_y4m_ops;
extern const ng_source_ops source_av_ops;
extern const ng_source_ops source_v4l2_ops;

#endif
