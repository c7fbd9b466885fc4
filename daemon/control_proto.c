#include "daemon/control_proto.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static const char *arg(json_object *args, size_t i)
{
    json_object *a = args ? json_object_array_get_idx(args, i) : NULL;
    return a && json_object_is_type(a, json_type_string) ? json_object_get_string(a) : NULL;
}

static bool point(json_object *plan, const char *key, ng_vec2 *out)
{
    json_object *v;
    if (!json_object_object_get_ex(plan, key, &v) || !json_object_is_type(v, json_type_array) ||
        json_object_array_length(v) != 2)
        return false;
    for (size_t i = 0; i < 2; i++) {
        json_object *c = json_object_array_get_idx(v, i);
        if (!json_object_is_type(c, json_type_double) && !json_object_is_type(c, json_type_int))
            return false;
    }
    out->x = json_object_get_double(json_object_array_get_idx(v, 0));
    out->y = json_object_get_double(json_object_array_get_idx(v, 1));
    return isfinite(out->x) && isfinite(out->y) && fabs(out->x) <= 16384 && fabs(out->y) <= 16384;
}

static int parse_plan(json_object *o, control_request *req, char *why, size_t n)
{
    json_object *plan;
    if (!json_object_object_get_ex(o, "plan", &plan) || !json_object_is_type(plan, json_type_object)) {
        snprintf(why, n, "plan set: expected \"plan\":{\"entry\":[x,y],\"l4_target\":[x,y],"
                         "\"l5_target\":[x,y]}");
        return -1;
    }
    static const char *const keys[] = { "entry", "l4_target", "l5_target" };
    ng_vec2 *dst[] = { &req->plan.entry, &req->plan.l4_target, &req->plan.l5_target };
    for (int i = 0; i < 3; i++)
        if (!point(plan, keys[i], dst[i])) {
            snprintf(why, n, "plan set: \"%s\": expected [x,y] in frame pixels", keys[i]);
            return -1;
        }
    json_object *tol;
    if (json_object_object_get_ex(plan, "tolerance_mm", &tol)) {
        double t = json_object_get_double(tol);
        if (!(t >= 0.1 && t <= 20)) {
            snprintf(why, n, "plan set: \"tolerance_mm\": expected 0.1..20");
            return -1;
        }
        req->plan.tolerance_mm = t;
    }
    return 0;
}

static int parse_object(json_object *o, control_request *req, char *why, size_t n)
{
    json_object *c, *args = NULL;
    if (!json_object_object_get_ex(o, "cmd", &c) || !json_object_is_type(c, json_type_string)) {
        snprintf(why, n, "expected {\"cmd\":NAME,\"args\":[...]}");
        return -1;
    }
    if (json_object_object_get_ex(o, "args", &args) && !json_object_is_type(args, json_type_array)) {
        snprintf(why, n, "\"args\": expected an array of strings");
        return -1;
    }
    const char *cmd = json_object_get_string(c), *a0 = arg(args, 0), *a1 = arg(args, 1);
    size_t nargs = args ? json_object_array_length(args) : 0;
    if (!strcmp(cmd, "status") && nargs == 0) {
        req->cmd = CTL_STATUS;
        return 0;
    }
    if (!strcmp(cmd, "phase")) {
        req->cmd = CTL_PHASE;
        if (a0 && nargs == 1 && (!strcmp(a0, "next") || !strcmp(a0, "prev"))) {
            req->step = !strcmp(a0, "next") ? 1 : -1;
            return 0;
        }
        if (a0 && a1 && nargs == 2 && !strcmp(a0, "set"))
            for (int p = 0; p < PHASE_COUNT; p++)
                if (!strcmp(a1, phase_name((ng_phase)p))) {
                    req->phase = (ng_phase)p;
                    return 0;
                }
        snprintf(why, n, "phase: expected next, prev or set NAME (idle, l4_approach, "
                         "l4_at_target, withdraw, reposition, l5_approach, l5_at_target, done)");
        return -1;
    }
    if (!strcmp(cmd, "record") || !strcmp(cmd, "freeze")) {
        bool rec = cmd[0] == 'r';
        const char *on = rec ? "start" : "on", *off = rec ? "stop" : "off";
        req->cmd = rec ? CTL_RECORD : CTL_FREEZE;
        if (a0 && nargs == 1 && (!strcmp(a0, on) || !strcmp(a0, off))) {
            req->on = !strcmp(a0, on);
            return 0;
        }
        snprintf(why, n, "%s: expected %s or %s", cmd, on, off);
        return -1;
    }
    if (!strcmp(cmd, "plan")) {
        req->cmd = CTL_PLAN;
        if (!a0 || nargs != 1 || strcmp(a0, "set")) {
            snprintf(why, n, "plan: expected set, with \"plan\":{...}");
            return -1;
        }
        return parse_plan(o, req, why, n);
    }
    if (!strcmp(cmd, "snapshot")) {
        req->cmd = CTL_SNAPSHOT;
        if (!a0 || nargs != 1 || !a0[0] || strlen(a0) >= sizeof req->path) {
            snprintf(why, n, "snapshot: expected a PNG path");
            return -1;
        }
        snprintf(req->path, sizeof req->path, "%s", a0);
        return 0;
    }
    snprintf(why, n, "unknown command '%.60s' (status, phase, record, plan, freeze, snapshot) or "
                     "wrong arguments", cmd);
    return -1;
}

int control_parse(const char *line, control_request *req, char *why, size_t n)
{
    memset(req, 0, sizeof *req);
    json_object *o = json_tokener_parse(line);
    if (!o || !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        snprintf(why, n, "not a JSON object: expected {\"cmd\":NAME,\"args\":[...]}");
        return -1;
    }
    int rc = parse_object(o, req, why, n);
    json_object_put(o);
    return rc;
}

void control_error_reply(char *reply, size_t n, const char *why)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "ok", json_object_new_boolean(false));
    json_object_object_add(o, "error", json_object_new_string(why));
    snprintf(reply, n, "%s", json_object_to_json_string_ext(o, CONTROL_JSON));
    json_object_put(o);
}

char *control_request_from_words(int argc, char **argv, char *why, size_t n)
{
    if (argc < 1) {
        snprintf(why, n, "no command");
        return NULL;
    }
    json_object *o = json_object_new_object(), *args = json_object_new_array();
    json_object_object_add(o, "cmd", json_object_new_string(argv[0]));
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '{') {   /* plan set's plan, given as JSON */
            json_object *v = json_tokener_parse(argv[i]);
            if (!v) {
                snprintf(why, n, "'%s': not JSON", argv[i]);
                json_object_put(args);
                json_object_put(o);
                return NULL;
            }
            json_object_object_add(o, "plan", v);
            continue;
        }
        json_object_array_add(args, json_object_new_string(argv[i]));
    }
    json_object_object_add(o, "args", args);
    char *s = strdup(json_object_to_json_string_ext(o, CONTROL_JSON));
    json_object_put(o);
    return s;
}
