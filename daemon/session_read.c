#include "daemon/session_read.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

struct json_object *session_load(const char *dir, ng_errbuf *err)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/session.json", dir);
    json_object *o = json_object_from_file(path);
    if (!o) {
        ng_err_add(err, "%s: cannot read: %s", path, json_util_get_last_err());
        return NULL;
    }
    json_object *fmt;
    if (!json_object_object_get_ex(o, "format", &fmt) ||
        strcmp(json_object_get_string(fmt), "needleguide-session/1") != 0) {
        ng_err_add(err, "%s: not a needleguide session (format needleguide-session/1)", path);
        json_object_put(o);
        return NULL;
    }
    return o;
}

int session_config(const char *dir, ng_config *cfg, ng_errbuf *err)
{
    json_object *o = session_load(dir, err);
    if (!o)
        return -1;
    config_defaults(cfg);
    json_object *text;
    char origin[1100];
    snprintf(origin, sizeof origin, "%s/session.json: config", dir);
    int rc = -1;
    if (!json_object_object_get_ex(o, "config", &text) || !json_object_is_type(text, json_type_string))
        ng_err_add(err, "%s: missing", origin);
    else
        rc = config_load_text(json_object_get_string(text), origin, cfg, err);
    json_object_put(o);
    return rc;
}
