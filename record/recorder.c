#include "record/recorder.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "record/frame_image.h"
#include "record/line_file.h"
#include "record/session_file.h"
#include "record/video_writer.h"
#include "util/clock.h"
#include "util/log.h"

#define DEFAULT_QUEUE_BYTES (64u << 20)
#define MAX_QUEUED_LINES 20000
#define SYNC_NS 500000000LL           /* flush and fsync twice a second: a kill loses < 1 s */
#define SESSION_RESERVE 16384         /* room in session.json for its last rewrite */

typedef enum { ITEM_RAW, ITEM_SCREEN, ITEM_LINE } item_kind;

typedef struct item {
    struct item *next;
    item_kind kind;
    record_stream stream;
    double t_ms;
    size_t bytes;          /* counted against the queue's bound (frames only) */
    ng_frame *frame;       /* ITEM_RAW */
    uint8_t *argb;         /* ITEM_SCREEN */
    int width, height;
    char line[];           /* ITEM_LINE */
} item;

/* The writer thread's own: files and encoders. */
typedef struct {
    char dir[640];
    video_writer *raw, *screen;
    frame_imager imager;
    line_file tel, ev;
    int session_fd;
    session_desc desc;
    int64_t last_sync_ns;
} session_out;

struct recorder {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool accepting;        /* producers may hand over */
    bool stopping;         /* the writer finishes what is queued, then ends */
    bool running;          /* a writer thread exists (to be joined) */
    bool writer_done;      /* it has ended (by itself on an error, or when told) */
    pthread_t thread;
    item *head, *tail;
    size_t bytes, lines;
    record_opts opts;
    record_info info;
    char *config_ini, *source, *source_detail;
    double t0_ms;
    int64_t start_ns;
    record_status st;
    char stop_reason[256];
    session_out out;
};

recorder *recorder_new(void)
{
    recorder *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->cond, NULL);
    return r;
}

static void item_free(item *it)
{
    if (!it)
        return;
    frame_free(it->frame);
    free(it->argb);
    free(it);
}

/* ---- producers ---- */

/* Queues it, or drops it when the queue is full; *dropped counts the frames dropped. Caller
 * holds the lock. */
/* No room for an item of this kind and size (a frame always fits an empty queue). Caller holds
 * the lock. */
static bool queue_full(const recorder *r, item_kind kind, size_t bytes)
{
    size_t limit = r->opts.queue_bytes ? r->opts.queue_bytes : DEFAULT_QUEUE_BYTES;
    return kind == ITEM_LINE ? r->lines >= MAX_QUEUED_LINES : r->bytes + bytes > limit && r->head;
}

static bool enqueue(recorder *r, item *it, uint64_t *dropped)
{
    if (queue_full(r, it->kind, it->bytes)) {
        (*dropped)++;
        return false;
    }
    if (r->tail)
        r->tail->next = it;
    else
        r->head = it;
    r->tail = it;
    r->bytes += it->bytes;
    r->lines += it->kind == ITEM_LINE;
    pthread_cond_signal(&r->cond);
    return true;
}

bool recorder_take_raw(recorder *r, ng_frame *f, double t_ms)
{
    if (!r)
        return false;
    pthread_mutex_lock(&r->lock);
    if (!r->accepting) {
        pthread_mutex_unlock(&r->lock);
        return false;
    }
    item *it = calloc(1, sizeof *it);
    bool queued = false;
    r->st.raw_frames++;
    if (it) {
        *it = (item){ .kind = ITEM_RAW, .t_ms = t_ms, .bytes = f->size, .frame = f };
        queued = enqueue(r, it, &r->st.raw_dropped);
    } else {
        r->st.raw_dropped++;
    }
    pthread_mutex_unlock(&r->lock);
    if (!queued) {
        if (it)
            it->frame = NULL;
        item_free(it);
        frame_free(f);
    }
    return true;
}

bool recorder_screen_wanted(recorder *r, int width, int height)
{
    if (!r)
        return false;
    pthread_mutex_lock(&r->lock);
    bool wanted = r->accepting;
    if (wanted && queue_full(r, ITEM_SCREEN, (size_t)width * (size_t)height * 4)) {
        r->st.screen_frames++;   /* dropped now, before it is read back and copied for nothing */
        r->st.screen_dropped++;
        wanted = false;
    }
    pthread_mutex_unlock(&r->lock);
    return wanted;
}

void recorder_put_screen(recorder *r, const uint8_t *argb, int width, int height, int stride,
                         const ng_rect *masks, int nmasks, double t_ms)
{
    if (!r || !recorder_active(r))
        return;
    size_t row = (size_t)width * 4, bytes = row * (size_t)height;
    item *it = calloc(1, sizeof *it);
    uint8_t *copy = it ? malloc(bytes) : NULL;
    if (copy) {
        for (int y = 0; y < height; y++)
            memcpy(copy + row * (size_t)y, argb + (size_t)stride * (size_t)y, row);
        uint8_t *planes[4] = { copy };
        int lines[4] = { (int)row };
        video_mask(planes, lines, AV_PIX_FMT_BGRA, width, height, true, masks, nmasks);
        *it = (item){ .kind = ITEM_SCREEN, .t_ms = t_ms, .bytes = bytes, .argb = copy,
                      .width = width, .height = height };
    }
    pthread_mutex_lock(&r->lock);
    bool queued = false;
    if (r->accepting) {
        r->st.screen_frames++;
        if (copy)
            queued = enqueue(r, it, &r->st.screen_dropped);
        else
            r->st.screen_dropped++;
    }
    pthread_mutex_unlock(&r->lock);
    if (!queued) {
        if (it && !copy)
            free(it);
        else
            item_free(it);
    }
}

void recorder_put_line(recorder *r, record_stream s, const char *line)
{
    if (!r || !recorder_active(r))
        return;
    size_t n = strlen(line);
    item *it = malloc(sizeof *it + n + 1);
    if (it) {
        memset(it, 0, sizeof *it);
        it->kind = ITEM_LINE;
        it->stream = s;
        memcpy(it->line, line, n + 1);
    }
    pthread_mutex_lock(&r->lock);
    bool queued = false;
    if (r->accepting) {
        if (it)
            queued = enqueue(r, it, &r->st.lines_dropped);
        else
            r->st.lines_dropped++;
    }
    pthread_mutex_unlock(&r->lock);
    if (!queued)
        free(it);
}

/* ---- the writer thread ---- */

/* session.json as it now stands. Writer thread. */
static int write_session(recorder *r, bool sync)
{
    session_out *o = &r->out;
    session_desc *d = &o->desc;
    pthread_mutex_lock(&r->lock);
    d->raw_dropped = r->st.raw_dropped;
    d->screen_dropped = r->st.screen_dropped;
    d->lines_dropped = r->st.lines_dropped;
    pthread_mutex_unlock(&r->lock);
    d->seconds = ng_ns_to_ms(ng_now_ns() - r->start_ns) / 1000;
    d->telemetry_lines = o->tel.lines;
    d->event_lines = o->ev.lines;
    const video_writer *v[2] = { o->raw, o->screen };
    session_video *sv[2] = { &d->raw, &d->screen };
    for (int i = 0; i < 2; i++)
        if (v[i]) {
            video_writer_geometry(v[i], &sv[i]->width, &sv[i]->height, &sv[i]->pix);
            sv[i]->codec = video_writer_codec(v[i]);
            sv[i]->frames = video_writer_frames(v[i]);
        }
    char *text = session_json(d);
    if (!text)
        return -ENOMEM;
    int rc = session_file_rewrite(o->session_fd, text, sync);
    free(text);
    return rc;
}

/* A failure: *why (first one wins) names the file and the error. */
static void failed(char *why, size_t n, const char *file, int neg_errno)
{
    if (!why[0])
        snprintf(why, n, "%s: %s", file, strerror(-neg_errno));
}

static int put_video(recorder *r, item *it, char *why, size_t n)
{
    session_out *o = &r->out;
    video_image img;
    int64_t pts = llround(it->t_ms - r->t0_ms);
    if (pts < 0)
        return 0;
    bool raw = it->kind == ITEM_RAW;
    if (raw) {
        if (frame_image(&o->imager, it->frame, &img) < 0)
            return 0;   /* an undecodable JPEG: the live path skipped it too */
    } else {
        img = (video_image){ .data = { it->argb }, .linesize = { it->width * 4 },
                             .fmt = AV_PIX_FMT_BGRA, .width = it->width, .height = it->height,
                             .full_range = true };
    }
    video_writer **vw = raw ? &o->raw : &o->screen;
    const char *file = raw ? "raw.mkv" : "overlay.mkv";
    if (!*vw) {   /* the stream takes the first picture's size and format */
        char path[700];
        snprintf(path, sizeof path, "%s/%s", o->dir, file);
        ng_errbuf err = { 0 };
        int e;
        *vw = video_writer_open(path, raw ? VIDEO_LOSSLESS : VIDEO_H264, &img, r->info.fps,
                                r->opts.masks, raw ? r->opts.nmasks : 0, &err, &e);
        if (!*vw) {
            if (e)
                failed(why, n, file, -e);
            else
                snprintf(why, n, "%.*s", (int)strcspn(err.text, "\n"), err.text);
            return -1;
        }
    }
    int rc = video_writer_put(*vw, &img, pts);
    if (rc < 0)
        failed(why, n, file, rc);
    return rc;
}

static int sync_all(recorder *r, char *why, size_t n)
{
    session_out *o = &r->out;
    int rc;
    if (o->raw && (rc = video_writer_sync(o->raw)) < 0)
        return failed(why, n, "raw.mkv", rc), rc;
    if (o->screen && (rc = video_writer_sync(o->screen)) < 0)
        return failed(why, n, "overlay.mkv", rc), rc;
    if ((rc = line_file_flush(&o->tel, 1)) < 0)
        return failed(why, n, "telemetry.jsonl", rc), rc;
    if ((rc = line_file_flush(&o->ev, 1)) < 0)
        return failed(why, n, "events.jsonl", rc), rc;
    if ((rc = write_session(r, false)) < 0)
        return failed(why, n, "session.json", rc), rc;
    return 0;
}

static int handle(recorder *r, item *it, char *why, size_t n)
{
    if (it->kind != ITEM_LINE)
        return put_video(r, it, why, n);
    bool tel = it->stream == REC_TELEMETRY;
    int rc = line_file_add(tel ? &r->out.tel : &r->out.ev, it->line);
    if (rc < 0)
        failed(why, n, tel ? "telemetry.jsonl" : "events.jsonl", rc);
    return rc;
}

/* Ends the session's files: finished cleanly, or (after a failure) only closed. */
static void finish(recorder *r, bool ok, char *why, size_t n)
{
    session_out *o = &r->out;
    if (ok && sync_all(r, why, n) < 0)
        ok = false;
    int rc;
    if ((rc = video_writer_close(o->raw, ok)) < 0)
        failed(why, n, "raw.mkv", rc), ok = false;
    if ((rc = video_writer_close(o->screen, ok)) < 0)
        failed(why, n, "overlay.mkv", rc), ok = false;
    /* the counts as they ended; the writers are gone */
    o->raw = o->screen = NULL;
    line_file_flush(&o->tel, 1);
    line_file_flush(&o->ev, 1);
    char ended[40];
    session_time(ended, sizeof ended, (long long)time(NULL));
    snprintf(o->desc.ended, sizeof o->desc.ended, "%s", ended);
    pthread_mutex_lock(&r->lock);
    if (!ok) {
        r->st.failed = true;
        snprintf(r->st.reason, sizeof r->st.reason, "%s", why);
    } else {
        snprintf(r->st.reason, sizeof r->st.reason, "%s", r->stop_reason);
    }
    o->desc.end_reason = r->st.reason;
    o->desc.failed = r->st.failed;
    pthread_mutex_unlock(&r->lock);
    write_session(r, true);   /* in place: room was kept for it */
    line_file_close(&o->tel);
    line_file_close(&o->ev);
    close(o->session_fd);
    frame_imager_free(&o->imager);
}

static void *writer_main(void *arg)
{
    recorder *r = arg;
    char why[200] = "";
    bool ok = true;
    r->out.last_sync_ns = ng_now_ns();
    for (;;) {
        pthread_mutex_lock(&r->lock);
        while (!r->head && !r->stopping) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 200000000;
            if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
            }
            if (pthread_cond_timedwait(&r->cond, &r->lock, &until) == ETIMEDOUT)
                break;   /* a sync may be due */
        }
        item *it = r->head;
        if (it) {
            r->head = it->next;
            if (!r->head)
                r->tail = NULL;
            r->bytes -= it->bytes;
            r->lines -= it->kind == ITEM_LINE;
        }
        bool stop = !it && r->stopping;
        pthread_mutex_unlock(&r->lock);
        if (stop)
            break;
        if (it) {
            int rc = handle(r, it, why, sizeof why);
            item_free(it);
            if (rc < 0) {
                ok = false;
                break;
            }
        }
        if (ng_now_ns() - r->out.last_sync_ns >= SYNC_NS) {
            if (sync_all(r, why, sizeof why) < 0) {
                ok = false;
                break;
            }
            r->out.last_sync_ns = ng_now_ns();
        }
    }
    if (!ok) {   /* nothing more is taken; what waits is dropped */
        pthread_mutex_lock(&r->lock);
        r->accepting = false;
        item *it = r->head;
        r->head = r->tail = NULL;
        r->bytes = r->lines = 0;
        pthread_mutex_unlock(&r->lock);
        while (it) {
            item *next = it->next;
            item_free(it);
            it = next;
        }
        NG_ERROR("record", "%s: recording stopped, guidance goes on", why);
    }
    finish(r, ok, why, sizeof why);
    pthread_mutex_lock(&r->lock);
    r->writer_done = true;
    r->st.active = false;
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* ---- sessions ---- */

/* Makes DIR/YYYYmmdd-HHMMSS (with -2, -3... when taken). */
static int make_session_dir(const char *parent, char *out, size_t n, ng_errbuf *err)
{
    if (mkdir(parent, 0750) < 0 && errno != EEXIST) {
        ng_err_add(err, "recording: %s: cannot create: %s", parent, strerror(errno));
        return -1;
    }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
    for (int i = 1; i < 100; i++) {
        if (i == 1)
            snprintf(out, n, "%s/%s", parent, stamp);
        else
            snprintf(out, n, "%s/%s-%d", parent, stamp, i);
        if (mkdir(out, 0750) == 0)
            return 0;
        if (errno != EEXIST)
            break;
    }
    ng_err_add(err, "recording: %s: cannot create a session folder: %s", out, strerror(errno));
    return -1;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

int recorder_start(recorder *r, const record_opts *o, const record_info *info, double t_ms,
                   ng_errbuf *err)
{
    recorder_reap(r);
    if (recorder_active(r)) {
        ng_err_add(err, "recording: already recording to %s", r->st.dir);
        return -1;
    }
    if (!o->dir[0]) {
        ng_err_add(err, "recording: no folder to record to: give --record DIR or [record] dir");
        return -1;
    }
    session_out *out = &r->out;
    memset(out, 0, sizeof *out);
    out->session_fd = -1;
    out->tel.fd = out->ev.fd = -1;
    if (make_session_dir(o->dir, out->dir, sizeof out->dir, err) < 0)
        return -1;
    free(r->config_ini);
    free(r->source);
    free(r->source_detail);
    r->opts = *o;
    r->info = *info;
    r->info.config_ini = r->config_ini = dup_or_null(info->config_ini);
    r->info.source = r->source = dup_or_null(info->source ? info->source : "");
    r->info.source_detail = r->source_detail = dup_or_null(info->source_detail);
    r->t0_ms = t_ms;
    r->start_ns = ng_now_ns();
    session_desc *d = &out->desc;
    d->info = &r->info;
    d->opts = &r->opts;
    d->t0_ms = t_ms;
    session_time(d->started, sizeof d->started, (long long)time(NULL));

    char path[700];
    const char *file = "session.json";
    char *text = session_json(d);
    snprintf(path, sizeof path, "%s/%s", out->dir, file);
    int rc = text ? session_file_create(path, text, SESSION_RESERVE) : -ENOMEM;
    free(text);
    if (rc >= 0) {
        out->session_fd = rc;
        snprintf(path, sizeof path, "%s/%s", out->dir, file = "telemetry.jsonl");
        rc = line_file_open(&out->tel, path);
    }
    if (rc >= 0) {
        snprintf(path, sizeof path, "%s/%s", out->dir, file = "events.jsonl");
        rc = line_file_open(&out->ev, path);
    }
    if (rc < 0) {
        ng_err_add(err, "recording: %s/%s: %s", out->dir, file, strerror(-rc));
        line_file_close(&out->tel);
        if (out->session_fd >= 0)
            close(out->session_fd);
        return -1;
    }
    pthread_mutex_lock(&r->lock);
    memset(&r->st, 0, sizeof r->st);
    snprintf(r->st.dir, sizeof r->st.dir, "%s", out->dir);
    r->st.active = true;
    r->accepting = true;
    r->stopping = false;
    r->writer_done = false;
    r->stop_reason[0] = '\0';
    pthread_mutex_unlock(&r->lock);
    if (pthread_create(&r->thread, NULL, writer_main, r) != 0) {
        pthread_mutex_lock(&r->lock);
        r->accepting = false;
        r->st.active = false;
        pthread_mutex_unlock(&r->lock);
        line_file_close(&out->tel);
        line_file_close(&out->ev);
        close(out->session_fd);
        ng_err_add(err, "recording: cannot start the writer thread");
        return -1;
    }
    pthread_setname_np(r->thread, "ng-recorder");
    r->running = true;
    NG_INFO("record", "recording to %s", out->dir);
    return 0;
}

static void join(recorder *r)
{
    pthread_join(r->thread, NULL);
    r->running = false;
    NG_INFO("record", "%s: %s", r->st.dir, r->st.reason);
}

void recorder_stop(recorder *r, const char *reason)
{
    if (!r || !r->running)
        return;
    pthread_mutex_lock(&r->lock);
    r->accepting = false;
    r->stopping = true;
    if (!r->stop_reason[0])
        snprintf(r->stop_reason, sizeof r->stop_reason, "%s", reason ? reason : "stopped");
    pthread_cond_signal(&r->cond);
    pthread_mutex_unlock(&r->lock);
    join(r);
}

bool recorder_reap(recorder *r)
{
    if (!r || !r->running)
        return false;
    pthread_mutex_lock(&r->lock);
    bool done = r->writer_done;
    pthread_mutex_unlock(&r->lock);
    if (done)
        join(r);
    return done;
}

void recorder_status_get(recorder *r, record_status *st)
{
    pthread_mutex_lock(&r->lock);
    *st = r->st;
    pthread_mutex_unlock(&r->lock);
    if (st->active)
        st->seconds = ng_ns_to_ms(ng_now_ns() - r->start_ns) / 1000;
}

bool recorder_active(recorder *r)
{
    if (!r)
        return false;
    pthread_mutex_lock(&r->lock);
    bool a = r->accepting;
    pthread_mutex_unlock(&r->lock);
    return a;
}

void recorder_free(recorder *r)
{
    if (!r)
        return;
    recorder_stop(r, "stopped");
    free(r->config_ini);
    free(r->source);
    free(r->source_detail);
    pthread_cond_destroy(&r->cond);
    pthread_mutex_destroy(&r->lock);
    free(r);
}
