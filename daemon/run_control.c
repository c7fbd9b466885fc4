#include "daemon/run_control.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "daemon/control_proto.h"
#include "util/clock.h"
#include "util/json_num.h"
#include "util/log.h"

static json_object *jpoint(ng_vec2 p)
{
    json_object *a = json_object_new_array();
    json_object_array_add(a, ng_json_fixed(p.x, 2));
    json_object_array_add(a, ng_json_fixed(p.y, 2));
    return a;
}

static void status(run_live *l, json_object *o)
{
    source_status st = atomic_load(&l->p->status);
    const char *state = st == SOURCE_ENDED ? "ended" : st == SOURCE_FAILED ? "failed"
                                                     : capture_state_name(pipeline_capture_state(l->p));
    json_object_object_add(o, "state", json_object_new_string(state));
    json_object_object_add(o, "phase", json_object_new_string(phase_name(pipeline_phase(l->p))));
    json_object_object_add(o, "fps", ng_json_fixed(l->fps, 1));
    json_object_object_add(o, "latency_ms", ng_json_fixed(l->latency_ms, 1));
    json_object_object_add(o, "frames", json_object_new_int64((int64_t)atomic_load(&l->p->processed)));
    json_object_object_add(o, "frozen", json_object_new_boolean(*l->paused));
    record_status rs;
    recorder_status_get(l->rec->rec, &rs);
    json_object *r = json_object_new_object();
    json_object_object_add(r, "active", json_object_new_boolean(rs.active));
    json_object_object_add(r, "dir", rs.dir[0] ? json_object_new_string(rs.dir) : NULL);
    json_object_object_add(r, "seconds", ng_json_fixed(rs.seconds, 1));
    json_object_object_add(r, "dropped", json_object_new_int64((int64_t)(rs.raw_dropped + rs.screen_dropped)));
    json_object_object_add(r, "failed", json_object_new_boolean(rs.failed));
    json_object_object_add(r, "reason", rs.active || !rs.reason[0] ? NULL : json_object_new_string(rs.reason));
    json_object_object_add(o, "recording", r);
    json_object *n = json_object_new_object();
    const ng_track *k = l->cur ? &l->cur->track : NULL;
    const ng_guidance *g = l->cur ? &l->cur->guide.numbers : NULL;
    json_object_object_add(n, "found", json_object_new_boolean(k && k->found));
    json_object_object_add(n, "confidence", ng_json_fixed(k ? k->confidence : 0, 3));
    json_object_object_add(n, "tip", k && k->found ? jpoint(k->tip) : NULL);
    json_object_object_add(n, "target_dist_mm", g && g->valid ? ng_json_fixed(g->tip_to_target_mm, 2) : NULL);
    json_object_object_add(o, "needle", n);
    int64_t now = ng_now_ns();
    if (l->mem_at_ns == 0 || now - l->mem_at_ns >= 1000000000LL) {
        ng_memory_use_get(&l->mem);   /* rss_kb -1 when unreadable: null below */
        l->mem_at_ns = now;
    }
    json_object *mem = json_object_new_object();
    json_object_object_add(mem, "rss_kb", l->mem.rss_kb >= 0 ? json_object_new_int64(l->mem.rss_kb) : NULL);
    json_object_object_add(mem, "heap_kb", json_object_new_int64(l->mem.heap_kb));
    json_object_object_add(o, "memory", mem);
}

static void notice(run_live *l, const char *text)
{
    snprintf(l->message, l->message_size, "%s", text);
    *l->message_until = ng_now_ns() + 4000000000LL;
}

/* Carries out req; false with why when it cannot be done. */
static bool carry_out(run_live *l, const control_request *req, json_object *o, char *why, size_t n)
{
    char msg[512] = "";
    switch (req->cmd) {
    case CTL_STATUS: status(l, o); return true;
    case CTL_PHASE: {
        bool ok = req->step ? pipeline_phase_step(l->p, req->step) : pipeline_phase_set(l->p, req->phase);
        if (!ok)
            snprintf(why, n, req->step ? "no %s phase" : "already in that phase",
                     req->step > 0 ? "next" : "previous");
        return ok;
    }
    case CTL_RECORD:
        if (req->on == recorder_active(l->rec->rec)) {
            snprintf(why, n, req->on ? "already recording" : "not recording");
            return false;
        }
        if (req->on && recording_start(l->rec, l->p, msg, sizeof msg) < 0) {
            snprintf(why, n, "%s", msg);
            return false;
        }
        if (!req->on)
            recording_stop(l->rec, "stopped by the control socket", msg, sizeof msg);
        notice(l, msg);
        status(l, o);
        return true;
    case CTL_PLAN: {
        ng_config c = *l->cfg;
        double tol = c.plan.tolerance_mm;
        c.plan = req->plan;
        if (c.plan.tolerance_mm <= 0)
            c.plan.tolerance_mm = tol;
        ng_errbuf err = { 0 };
        if (config_validate(&c, "plan set", &err) < 0) {
            err.text[strcspn(err.text, "\n")] = '\0';
            snprintf(why, n, "%.500s", err.text);
            return false;
        }
        l->cfg->plan = c.plan;
        pipeline_set_plan(l->p, &c.plan);
        notice(l, "New plan from the control socket");
        return true;
    }
    case CTL_FREEZE: *l->paused = req->on; return true;
    case CTL_SNAPSHOT: {
        ng_errbuf err = { 0 };
        if (overlay_snapshot(l->ov, req->path, &err) < 0) {
            err.text[strcspn(err.text, "\n")] = '\0';
            snprintf(why, n, "%.500s", err.text);
            return false;
        }
        json_object_object_add(o, "path", json_object_new_string(req->path));
        return true;
    }
    }
    return false;
}

void run_control_request(void *live, const char *line, char *reply, size_t n)
{
    run_live *l = live;
    control_request req;
    char why[600];
    if (control_parse(line, &req, why, sizeof why) < 0) {
        control_error_reply(reply, n, why);
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "ok", json_object_new_boolean(true));
    if (carry_out(l, &req, o, why, sizeof why))
        snprintf(reply, n, "%s", json_object_to_json_string_ext(o, CONTROL_JSON));
    else
        control_error_reply(reply, n, why);
    json_object_put(o);
}

int run_reload(run_live *l)
{
    if (!l->config_path) {
        NG_WARN("run", "SIGHUP: no configuration file to read again (started without --config)");
        return -1;
    }
    ng_config fresh;
    config_defaults(&fresh);
    ng_errbuf err = { 0 };
    if (config_load(l->config_path, &fresh, &err) < 0) {
        err.text[err.len && err.text[err.len - 1] == '\n' ? err.len - 1 : err.len] = '\0';
        NG_ERROR("run", "SIGHUP: %s: not applied, the running configuration stays:\n%s",
                 l->config_path, err.text);
        notice(l, "Configuration NOT reloaded: see the log");
        return -1;
    }
    ng_config *c = l->cfg;
    if (memcmp(&fresh.plan, &c->plan, sizeof c->plan)) {
        c->plan = fresh.plan;
        pipeline_set_plan(l->p, &c->plan);
    }
    if (fresh.fullscreen != c->fullscreen) {
        c->fullscreen = fresh.fullscreen;
        overlay_toggle_fullscreen(l->ov);
    }
    c->record = fresh.record;   /* the next recording's; a running one keeps its own */
    if (strcmp(fresh.source, c->source) || fresh.fps != c->fps || fresh.format != c->format ||
        fresh.width != c->width || fresh.height != c->height || fresh.input != c->input ||
        memcmp(&fresh.roi, &c->roi, sizeof c->roi) || fresh.mm_per_px != c->mm_per_px ||
        memcmp(&fresh.control, &c->control, sizeof c->control))
        NG_WARN("run", "SIGHUP: capture, image and control settings apply at the next start");
    NG_INFO("run", "SIGHUP: %s read again: plan, display and record settings applied",
            l->config_path);
    notice(l, "Configuration reloaded");
    return 0;
}
