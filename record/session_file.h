/* session.json: what a recorded session is (its source, configuration, plan, files, counts, how
 * it ended). The file is created with room to spare and rewritten in place, so the last word —
 * why the session ended — can still be written when the disk is full. */
#ifndef NG_SESSION_FILE_H
#define NG_SESSION_FILE_H

#include <stdbool.h>
#include <stdint.h>

#include "record/recorder.h"

typedef struct {
    const char *codec, *pix;   /* NULL: no such file (no frame came) */
    int width, height;
    int64_t frames;
} session_video;

typedef struct {
    const record_info *info;
    const record_opts *opts;
    char started[40], ended[40];   /* ISO 8601 local time; ended "" while running */
    double t0_ms;                  /* the session's start on the telemetry clock */
    double seconds;
    const char *end_reason;        /* NULL while running */
    bool failed;
    session_video raw, screen;
    uint64_t raw_dropped, screen_dropped, lines_dropped;
    uint64_t telemetry_lines, event_lines;
} session_desc;

/* The JSON text (malloc'd), or NULL. */
char *session_json(const session_desc *d);

/* Creates path holding text and reserve bytes of room; returns the descriptor or a negative
 * errno. */
int session_file_create(const char *path, const char *text, int reserve);
/* Rewrites the file from its start, padding to its old length. 0 or a negative errno. */
int session_file_rewrite(int fd, const char *text, bool sync);

/* "2026-11-21T10:20:30+0100" for t. */
void session_time(char *buf, int n, long long t);

#endif
