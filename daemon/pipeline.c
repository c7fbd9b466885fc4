#include "daemon/pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "capture/convert.h"
#include "daemon/telemetry.h"
#include "util/clock.h"
#include "util/log.h"

void processed_frame_free(processed_frame *pf)
{
    if (!pf)
        return;
    frame_free(pf->captured);
    free(pf->argb);
    free(pf);
}

static void frame_drop(void *f, void *ctx)
{
    (void)ctx;
    frame_free(f);
}

/* Telemetry goes to the --telemetry file and to a recording, when there is one. */
static bool reporting(const pipeline *p) { return p->telemetry || recorder_active(p->rec); }

static void emit(pipeline *p, record_stream s, const char *line)
{
    if (p->telemetry)
        fputs(line, p->telemetry);
    recorder_put_line(p->rec, s, line);
}

static void emit_frame(pipeline *p, const telemetry_frame *t)
{
    char line[TELEMETRY_LINE];
    telemetry_frame_line(line, t);
    emit(p, REC_TELEMETRY, line);
}

void pipeline_event(pipeline *p, const char *line) { emit(p, REC_EVENTS, line); }

static void emit_phase(pipeline *p, const phase_event *ev)
{
    char line[TELEMETRY_LINE];
    telemetry_phase_line(line, ev);
    emit(p, REC_EVENTS, line);
}

double pipeline_now_ms(const pipeline *p) { return ng_ns_to_ms(ng_now_ns() - p->t0_ns); }

static telemetry_frame telemetry_of(const pipeline *p, const processed_frame *pf, bool rendered,
                                    int64_t end_ns)
{
    return (telemetry_frame){
        .frame = pf->frame, .t_ms = ng_ns_to_ms(pf->t_capture_ns - p->t0_ns), .seq = pf->seq,
        .width = pf->width, .height = pf->height, .track = pf->track, .guide = pf->guide,
        .still_ms = pf->still_ms, .rendered = rendered,
        .latency_ms = ng_ns_to_ms(end_ns - pf->t_capture_ns),
    };
}

/* A processed frame superseded before it was shown: its line waits for its turn. */
static void display_drop(void *item, void *ctx)
{
    pipeline *p = ctx;
    processed_frame *pf = item;
    if (!pf->reported && reporting(p)) {
        pthread_mutex_lock(&p->tel_lock);
        if (p->nbacklog == p->backlog_cap) {
            size_t cap = p->backlog_cap ? 2 * p->backlog_cap : 64;
            telemetry_frame *b = realloc(p->backlog, cap * sizeof *b);
            if (b) {
                p->backlog = b;
                p->backlog_cap = cap;
            }
        }
        if (p->nbacklog < p->backlog_cap)
            p->backlog[p->nbacklog++] = telemetry_of(p, pf, false, pf->t_done_ns);
        pthread_mutex_unlock(&p->tel_lock);
    }
    processed_frame_free(pf);
}

static void display_wake(void *ctx)
{
    pipeline *p = ctx;
    if (p->wake)
        p->wake(p->wake_ctx);
}

/* Writes waiting lines of frames before `before` (all if UINT64_MAX). Caller holds tel_lock. */
static void write_backlog(pipeline *p, uint64_t before)
{
    size_t i = 0;
    while (i < p->nbacklog && p->backlog[i].frame < before)
        emit_frame(p, &p->backlog[i++]);
    if (i == 0)
        return;   /* nothing written (and maybe no backlog allocated yet) */
    memmove(p->backlog, p->backlog + i, (p->nbacklog - i) * sizeof *p->backlog);
    p->nbacklog -= i;
}

static void frame_reported(pipeline *p, processed_frame *pf, bool shown, int64_t end_ns)
{
    if (pf->reported || !reporting(p))
        return;
    pf->reported = true;
    telemetry_frame t = telemetry_of(p, pf, shown, end_ns);
    pthread_mutex_lock(&p->tel_lock);
    write_backlog(p, pf->frame);
    emit_frame(p, &t);
    pthread_mutex_unlock(&p->tel_lock);
}

void pipeline_frame_presented(pipeline *p, processed_frame *pf, int64_t present_ns)
{
    frame_reported(p, pf, true, present_ns);
}

void pipeline_frame_unshown(pipeline *p, processed_frame *pf)
{
    frame_reported(p, pf, false, pf->t_done_ns);
}

void pipeline_flush_telemetry(pipeline *p)
{
    pthread_mutex_lock(&p->tel_lock);
    write_backlog(p, UINT64_MAX);
    pthread_mutex_unlock(&p->tel_lock);
}

/* A source state change: for the overlay, and a telemetry event line with its detail. */
static void publish_state(pipeline *p)
{
    atomic_store(&p->cap_state, p->src->state);
    char line[TELEMETRY_LINE];
    telemetry_source_line(line, capture_state_name(p->src->state),
                          pipeline_now_ms(p), p->src->detail);
    emit(p, REC_EVENTS, line);
}

static void *capture_main(void *arg)
{
    pipeline *p = arg;
    if (p->src->state != CAP_STREAMING)
        publish_state(p);   /* the device was not there at start */
    while (!atomic_load(&p->stop)) {
        ng_frame *f = NULL;
        capture_state before = p->src->state;
        ng_source_status st = source_next(p->src, &f, &p->source_err);
        atomic_store(&p->driver_drops, p->src->driver_drops);
        atomic_store(&p->source_skipped, p->src->skipped);
        atomic_store(&p->error_buffers, p->src->error_buffers);
        atomic_store(&p->copied_out, p->src->copied_out);
        /* a change reported as such, or one that came with a frame (streaming again) */
        if (st == NG_SRC_STATE || p->src->state != before)
            publish_state(p);
        if (st == NG_SRC_FRAME) {
            f->t_dequeued_ns = ng_now_ns();
            if (p->src->opts.every_frame && !mailbox_wait_empty(&p->captured)) {
                frame_free(f);
                break;
            }
            if (!mailbox_put(&p->captured, f))
                break;   /* processing has finished */
            continue;
        }
        if (st == NG_SRC_STATE || st == NG_SRC_IDLE)
            continue;
        atomic_store(&p->status, st == NG_SRC_EOF ? SOURCE_ENDED : SOURCE_FAILED);
        break;
    }
    mailbox_close(&p->captured);
    return NULL;
}

/* A jump in the video (a replay's seek or loop): tracking and guidance start afresh. */
static void restart_guidance(pipeline *p)
{
    tracker_opts to;
    tracker_opts_default(&to, p->cfg->roi, p->cfg->mm_per_px, &p->cfg->plan);
    tracker *t = tracker_new(&to);
    guide_opts go;
    guide_opts_default(&go);
    pthread_mutex_lock(&p->guide_lock);
    guide *g = guide_new(&go, p->cfg->roi, p->cfg->mm_per_px, guide_plan(p->gd));
    if (t && g) {
        tracker_free(p->trk);
        guide_free(p->gd);
        p->trk = t;
        p->gd = g;
        t = NULL;
        g = NULL;
    }
    pthread_mutex_unlock(&p->guide_lock);
    tracker_free(t);
    guide_free(g);
}

/* Replay: the plans the session set by this frame's time (after a jump back, from the
 * session's first plan again). */
static void replay_plans(pipeline *p, const ng_frame *f)
{
    if (f->pts_ms < p->last_pts_ms && p->next_plan > 0) {
        ng_plan plan = p->cfg->plan;   /* the session's first */
        for (p->next_plan = 0; p->next_plan < p->nplans &&
                               p->plans[p->next_plan].pts_ms <= f->pts_ms; p->next_plan++)
            plan = p->plans[p->next_plan].plan;
        pipeline_set_plan(p, &plan);
    }
    p->last_pts_ms = f->pts_ms;
    for (; p->next_plan < p->nplans && p->plans[p->next_plan].pts_ms <= f->pts_ms; p->next_plan++)
        pipeline_set_plan(p, &p->plans[p->next_plan].plan);
}

static processed_frame *process_one(pipeline *p, ng_frame *f, int64_t taken_ns)
{
    if (f->discontinuity)
        restart_guidance(p);
    if (p->nplans)
        replay_plans(p, f);
    processed_frame *out = calloc(1, sizeof *out);
    if (!out)
        return NULL;
    out->width = f->width;
    out->height = f->height;
    int luma_stride;
    const uint8_t *luma;
    int rc = convert_for_display(&p->conv, f, &out->captured, &luma, &luma_stride);
    if (rc == 1) {   /* JPEG, RGB: converted here, once */
        out->stride = f->width * 4;
        out->argb = malloc((size_t)out->stride * (size_t)f->height);
        rc = out->argb ? 0 : -1;
        if (rc == 0 && convert_frame(&p->conv, f, out->argb, out->stride, &luma, &luma_stride)) {
            processed_frame_free(out);   /* undecodable (a corrupt JPEG): skipped and counted */
            atomic_fetch_add(&p->corrupt, 1);
            return NULL;
        }
    }
    if (rc != 0) {
        processed_frame_free(out);
        NG_ERROR("pipeline", "out of memory");
        return NULL;
    }
    out->t_converted_ns = ng_now_ns();
    double t_ms = ng_ns_to_ms(f->t_capture_ns - p->t0_ns);
    out->still_ms = still_update(&p->still, luma, luma_stride, f->width, f->height, t_ms);
    tracker_process(p->trk, luma, luma_stride, f->width, f->height, &out->track);
    out->t_tracked_ns = ng_now_ns();
    phase_event ev;
    pthread_mutex_lock(&p->guide_lock);
    int changed = guide_update(p->gd, luma, luma_stride, f->width, f->height, &out->track, t_ms,
                               &out->guide, &ev);
    pthread_mutex_unlock(&p->guide_lock);
    if (changed)
        emit_phase(p, &ev);
    out->seq = f->seq;
    out->t_capture_ns = f->t_capture_ns;
    out->t_dequeued_ns = f->t_dequeued_ns;
    out->t_taken_ns = taken_ns;
    out->t_done_ns = ng_now_ns();
    return out;
}

static void *process_main(void *arg)
{
    pipeline *p = arg;
    ng_frame *f;
    while ((f = mailbox_take(&p->captured))) {
        int64_t taken_ns = ng_now_ns();
        atomic_store(&p->busy_since_ns, taken_ns);
        processed_frame *out = process_one(p, f, taken_ns);
        atomic_store(&p->busy_since_ns, 0);
        /* the captured frame goes on to the recording, if one runs */
        if (!recorder_take_raw(p->rec, f, ng_ns_to_ms(f->t_capture_ns - p->t0_ns)))
            frame_free(f);
        if (!out)
            continue;
        uint64_t n = atomic_fetch_add(&p->processed, 1);
        out->frame = n;
        mailbox_put(&p->display, out);
        if (p->max_frames && n + 1 >= p->max_frames)
            break;
        if (atomic_load(&p->stop))
            break;
    }
    atomic_store(&p->stop, true);
    mailbox_close(&p->captured);   /* capture stops handing over */
    mailbox_close(&p->display);    /* and the main thread learns we are done */
    return NULL;
}

int pipeline_start(pipeline *p, const ng_config *cfg, ng_source *src, const pipeline_io *io,
                   uint64_t max_frames, int64_t t0_ns, mailbox_wake_fn wake, void *wake_ctx,
                   ng_errbuf *err)
{
    memset(p, 0, sizeof *p);
    p->cfg = cfg;
    p->src = src;
    if (io) {
        p->telemetry = io->telemetry;
        p->rec = io->rec;
        p->plans = io->plans;
        p->nplans = io->nplans;
    }
    p->last_pts_ms = -1;
    p->max_frames = max_frames;
    atomic_init(&p->stop, false);
    atomic_init(&p->status, SOURCE_STREAMING);
    atomic_init(&p->processed, 0);
    atomic_init(&p->busy_since_ns, 0);
    atomic_init(&p->cap_state, src->state);
    atomic_init(&p->driver_drops, 0);
    atomic_init(&p->source_skipped, 0);
    atomic_init(&p->error_buffers, 0);
    atomic_init(&p->copied_out, 0);
    pthread_mutex_init(&p->tel_lock, NULL);
    pthread_mutex_init(&p->guide_lock, NULL);
    tracker_opts to;
    tracker_opts_default(&to, cfg->roi, cfg->mm_per_px, &cfg->plan);
    p->trk = tracker_new(&to);
    guide_opts go;
    guide_opts_default(&go);
    p->gd = guide_new(&go, cfg->roi, cfg->mm_per_px, &cfg->plan);
    convert_init(&p->conv);
    still_init(&p->still, cfg->roi);
    atomic_init(&p->corrupt, 0);
    if (!p->trk || !p->gd) {
        ng_err_add(err, "%s: cannot start", p->trk ? "guidance" : "tracker");
        tracker_free(p->trk);
        guide_free(p->gd);
        return -1;
    }
    mailbox_init(&p->captured, frame_drop, NULL, NULL);
    p->wake = wake;
    p->wake_ctx = wake_ctx;
    mailbox_init(&p->display, display_drop, display_wake, p);
    p->t0_ns = t0_ns ? t0_ns : ng_now_ns();
    if (pthread_create(&p->process_thread, NULL, process_main, p) != 0) {
        ng_err_add(err, "pipeline: cannot start the processing thread");
        goto fail;
    }
    /* named for top -H, the journal's core dumps and the watchdog test */
    pthread_setname_np(p->process_thread, "ng-process");
    if (pthread_create(&p->capture_thread, NULL, capture_main, p) != 0) {
        ng_err_add(err, "pipeline: cannot start the capture thread");
        mailbox_close(&p->captured);
        pthread_join(p->process_thread, NULL);
        goto fail;
    }
    pthread_setname_np(p->capture_thread, "ng-capture");
    return 0;
fail:
    mailbox_destroy(&p->captured);
    mailbox_destroy(&p->display);
    tracker_free(p->trk);
    guide_free(p->gd);
    return -1;
}

bool pipeline_finished(pipeline *p) { return mailbox_closed(&p->display); }

bool pipeline_alive(pipeline *p, int64_t now_ns, int64_t stuck_ns)
{
    int64_t since = atomic_load(&p->busy_since_ns);
    return since == 0 || now_ns - since < stuck_ns;
}

uint64_t pipeline_skipped(pipeline *p)
{
    return mailbox_skipped(&p->captured) + mailbox_skipped(&p->display) +
           atomic_load(&p->source_skipped);
}

/* A forced change: stamped now, on the telemetry's clock. */
static bool forced(pipeline *p, bool (*fn)(guide *, int, double, phase_event *), int arg)
{
    phase_event ev;
    pthread_mutex_lock(&p->guide_lock);
    bool changed = fn(p->gd, arg, pipeline_now_ms(p), &ev);
    pthread_mutex_unlock(&p->guide_lock);
    if (changed)
        emit_phase(p, &ev);
    return changed;
}

static bool set_phase(guide *g, int to, double t_ms, phase_event *ev)
{
    return guide_set_phase(g, (ng_phase)to, t_ms, ev);
}

bool pipeline_phase_step(pipeline *p, int dir) { return forced(p, guide_step, dir); }
bool pipeline_phase_set(pipeline *p, ng_phase to) { return forced(p, set_phase, (int)to); }

ng_phase pipeline_phase(pipeline *p)
{
    pthread_mutex_lock(&p->guide_lock);
    ng_phase now = guide_phase(p->gd);
    pthread_mutex_unlock(&p->guide_lock);
    return now;
}

void pipeline_confirm_l5(pipeline *p, const ng_vec2 *at)
{
    pthread_mutex_lock(&p->guide_lock);
    guide_confirm_l5(p->gd, at);
    pthread_mutex_unlock(&p->guide_lock);
}

void pipeline_set_plan(pipeline *p, const ng_plan *plan)
{
    pthread_mutex_lock(&p->guide_lock);
    guide_set_plan(p->gd, plan);
    pthread_mutex_unlock(&p->guide_lock);
    char line[TELEMETRY_LINE];
    telemetry_plan_line(line, pipeline_now_ms(p), plan);
    emit(p, REC_EVENTS, line);
}

capture_state pipeline_capture_state(pipeline *p)
{
    return atomic_load(&p->cap_state);
}

void pipeline_stop(pipeline *p)
{
    atomic_store(&p->stop, true);
    mailbox_close(&p->captured);
    pthread_join(p->capture_thread, NULL);
    pthread_join(p->process_thread, NULL);
    mailbox_destroy(&p->captured);
    mailbox_destroy(&p->display);
    tracker_free(p->trk);
    guide_free(p->gd);
    convert_free(&p->conv);
    pipeline_flush_telemetry(p);   /* what was still waiting, now that nothing else writes */
    pthread_mutex_destroy(&p->tel_lock);
    pthread_mutex_destroy(&p->guide_lock);
    free(p->backlog);
}
