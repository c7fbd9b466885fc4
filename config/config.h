/* needleguide configuration: an INI file parsed with libinih, over the embedded defaults. */
#ifndef NG_CONFIG_H
#define NG_CONFIG_H

#include <stdbool.h>

#include "capture/v4l2_format.h"
#include "guidance/plan.h"
#include "util/errbuf.h"
#include "util/geom.h"

typedef enum { NG_HEADLESS_AUTO, NG_HEADLESS_YES, NG_HEADLESS_NO } ng_headless;

#define NG_MAX_MASKS 16

#define NG_MAX_ALLOW_UID 16

typedef struct {
    char socket[108];               /* the control socket's path; "" for none */
    unsigned allow_uid[NG_MAX_ALLOW_UID];   /* users let in besides the daemon's own */
    int nallow_uid;
    bool has_group;
    unsigned allow_gid;             /* a group whose members are let in */
    char allow_group[64];           /* as written */
} ng_control_config;

typedef struct {
    char dir[512];                  /* where session folders go; "" for none */
    bool start;                     /* record from the start (--record) */
    ng_rect masks[NG_MAX_MASKS];    /* frame regions blacked out in recordings (mask =, repeated) */
    int nmasks;
    int mask_line[NG_MAX_MASKS];    /* where each was given (0: not from a file) */
} ng_record_config;

typedef struct {
    /* [capture] */
    char source[512];   /* sim:SEED | file:PATH | v4l2:/dev/videoN */
    double fps;
    v4l2_format_want format;   /* capture cards: auto|yuyv|uyvy|nv12|mjpeg|rgb24|bgr24|grey */
    int width, height;         /* 0: the device's (or the HDMI source's) */
    int input;                 /* -1: leave the device's input */
    int buffers;
    /* [image] */
    ng_rect roi;
    double mm_per_px;
    /* [plan] */
    ng_plan plan;
    /* [display] */
    bool fullscreen;
    ng_headless headless;
    /* [record] */
    ng_record_config record;
    /* [control] */
    ng_control_config control;
} ng_config;

/* The embedded default: the built-in simulated scan with its own plan. */
void config_defaults(ng_config *cfg);

/* Loads path over what cfg already holds. Every problem is added to err as
 * "path:line: [section] key: ..." and makes the call return -1; cfg then holds
 * whatever did parse. Returns 0 when the file is valid. */
int config_load(const char *path, ng_config *cfg, ng_errbuf *err);

/* The same from INI text (a configuration kept in a recording); origin names it in messages. */
int config_load_text(const char *text, const char *origin, ng_config *cfg, ng_errbuf *err);

/* Sets one key as if it stood in a file called origin at line (0: no line).
 * Used for command-line overrides. Returns 0 or -1 with a message in err. */
int config_set(ng_config *cfg, const char *origin, int line, const char *section,
               const char *key, const char *value, ng_errbuf *err);

/* Cross-key checks (targets inside the ROI, ...). origin names the file in messages. */
int config_validate(const ng_config *cfg, const char *origin, ng_errbuf *err);

/* Writes cfg as an INI file that config_load reads back to the same values. */
int config_write(const ng_config *cfg, const char *path);
/* The same as text (malloc'd), or NULL. */
char *config_text(const ng_config *cfg);
/* Writes cfg over path safely: to a temporary file first, then renamed into place; the file it
 * replaces is kept as path~. 0, or -1 with the reason in err. */
int config_save(const ng_config *cfg, const char *path, ng_errbuf *err);

#endif
