#include "daemon/recording.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/telemetry.h"
#include "util/log.h"

_Static_assert(RECORD_MAX_MASKS == NG_MAX_MASKS, "config masks fit the recorder");

int recording_init(recording *r, const ng_config *cfg, const ng_source *src)
{
    memset(r, 0, sizeof *r);
    r->cfg = cfg;
    r->src = src;
    r->rec = recorder_new();
    return r->rec ? 0 : -1;
}

static void event(recording *r, const char *state, const char *detail)
{
    char line[TELEMETRY_LINE];
    telemetry_record_line(line, state, pipeline_now_ms(r->p), detail);
    pipeline_event(r->p, line);
}

int recording_start(recording *r, pipeline *p, char *msg, size_t n)
{
    r->p = p;
    const ng_config *cfg = r->cfg;
    record_opts o = { .nmasks = cfg->record.nmasks };
    snprintf(o.dir, sizeof o.dir, "%s", cfg->record.dir);
    memcpy(o.masks, cfg->record.masks, sizeof o.masks);
    char *ini = config_text(cfg);
    record_info info = {
        .config_ini = ini, .source = cfg->source, .source_detail = r->src->detail,
        .width = r->src->width, .height = r->src->height, .fps = r->src->fps,
        .plan = cfg->plan, .roi = cfg->roi, .mm_per_px = cfg->mm_per_px,
    };
    ng_errbuf err = { 0 };
    int rc = recorder_start(r->rec, &o, &info, pipeline_now_ms(r->p), &err);
    free(ini);
    if (rc < 0) {
        err.text[strcspn(err.text, "\n")] = '\0';
        snprintf(msg, n, "NOT RECORDING: %s", err.text);
        NG_ERROR("record", "%s", err.text);
        return -1;
    }
    r->problem[0] = '\0';
    record_status st;
    recorder_status_get(r->rec, &st);
    snprintf(msg, n, "Recording to %s", st.dir);
    event(r, "start", st.dir);
    return 0;
}

void recording_stop(recording *r, const char *reason, char *msg, size_t n)
{
    if (!recorder_active(r->rec))
        return;
    event(r, "stop", reason);
    recorder_stop(r->rec, reason);
    record_status st;
    recorder_status_get(r->rec, &st);
    if (st.failed)
        snprintf(r->problem, sizeof r->problem, "%s", st.reason);
    snprintf(msg, n, "%s: %s", st.failed ? "RECORDING FAILED" : "Recording saved", st.dir);
}

bool recording_poll(recording *r, char *msg, size_t n)
{
    if (!recorder_reap(r->rec))
        return false;
    record_status st;
    recorder_status_get(r->rec, &st);
    if (!st.failed)
        return false;
    snprintf(r->problem, sizeof r->problem, "%s", st.reason);
    snprintf(msg, n, "RECORDING STOPPED: %s", st.reason);
    event(r, "failed", st.reason);
    return true;
}

void recording_screen(recording *r, overlay *ov)
{
    int w, h;
    overlay_output_size(ov, &w, &h);
    if (!recorder_screen_wanted(r->rec, w, h))
        return;
    size_t need = (size_t)w * (size_t)h * 4;
    if (need > r->screen_cap) {
        uint8_t *b = realloc(r->screen, need);
        if (!b)
            return;
        r->screen = b;
        r->screen_cap = need;
    }
    if (overlay_read(ov, r->screen, w * 4) < 0)
        return;
    const ng_record_config *rc = &r->cfg->record;
    ng_rect masks[NG_MAX_MASKS];
    for (int i = 0; i < rc->nmasks; i++)
        masks[i] = overlay_frame_rect(ov, rc->masks[i]);
    recorder_put_screen(r->rec, r->screen, w, h, w * 4, masks, rc->nmasks, pipeline_now_ms(r->p));
}

void recording_view(recording *r, overlay_view *v)
{
    record_status st;
    recorder_status_get(r->rec, &st);
    v->recording = st.active;
    v->rec_seconds = st.seconds;
    v->rec_dropped = st.raw_dropped + st.screen_dropped;
    v->rec_problem = r->problem[0] ? r->problem : NULL;
}

void recording_free(recording *r)
{
    recorder_free(r->rec);
    free(r->screen);
    memset(r, 0, sizeof *r);
}
