/* Reading a recorded session folder back: session.json, its configuration. */
#ifndef NG_SESSION_READ_H
#define NG_SESSION_READ_H

#include "config/config.h"
#include "util/errbuf.h"

struct json_object;

/* DIR/session.json parsed; NULL with the reason in err. json_object_put when done. */
struct json_object *session_load(const char *dir, ng_errbuf *err);
/* The configuration the session was recorded with (defaults, then its "config"). 0 or -1. */
int session_config(const char *dir, ng_config *cfg, ng_errbuf *err);

#endif
