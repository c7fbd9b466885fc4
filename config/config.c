#include "config/config.h"

#include <errno.h>
#include <grp.h>
#include <ini.h>
#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "capture/source.h"
#include "sim/sim_scene.h"

/* ---- value parsers: each returns 0, or -1 with what was expected in why ---- */

typedef int (*value_parser)(const char *v, void *dst, char *why, size_t n);

static int parse_number(const char *v, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (end == v || errno == ERANGE || !isfinite(d))
        return -1;
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end != '\0' && *end != ',')
        return -1;
    *out = d;
    return (int)(end - v);
}

/* Parses n comma-separated numbers, nothing more. */
static int parse_numbers(const char *v, double *out, int n)
{
    const char *p = v;
    for (int i = 0; i < n; i++) {
        while (*p == ' ' || *p == '\t')
            p++;
        int used = parse_number(p, &out[i]);
        if (used < 0)
            return -1;
        p += used;
        if (i < n - 1) {
            if (*p != ',')
                return -1;
            p++;
        }
    }
    return *p == '\0' ? 0 : -1;
}

/* One number in [lo, hi]; what describes it in the message. */
static int parse_ranged(const char *v, void *dst, double lo, double hi, const char *what,
                        char *why, size_t n)
{
    double d;
    if (parse_numbers(v, &d, 1) < 0 || d < lo || d > hi) {
        snprintf(why, n, "expected %s between %g and %g", what, lo, hi);
        return -1;
    }
    *(double *)dst = d;
    return 0;
}

static int parse_fps(const char *v, void *dst, char *why, size_t n)
{
    return parse_ranged(v, dst, 1, 240, "frames per second", why, n);
}

static int parse_mm_per_px(const char *v, void *dst, char *why, size_t n)
{
    return parse_ranged(v, dst, 0.01, 2, "millimetres per pixel", why, n);
}

static int parse_tolerance(const char *v, void *dst, char *why, size_t n)
{
    return parse_ranged(v, dst, 0.1, 20, "a tolerance in mm", why, n);
}

static int parse_int_range(const char *v, int *dst, int lo, int hi)
{
    double d;
    if (parse_numbers(v, &d, 1) < 0 || d != floor(d) || d < lo || d > hi)
        return -1;
    *dst = (int)d;
    return 0;
}

static int parse_format(const char *v, void *dst, char *why, size_t n)
{
    if (v4l2_format_want_parse(v, dst) < 0) {
        snprintf(why, n, "expected auto, yuyv, uyvy, nv12, mjpeg, rgb24, bgr24 or grey");
        return -1;
    }
    return 0;
}

static int parse_dimension(const char *v, void *dst, char *why, size_t n)
{
    if (parse_int_range(v, dst, 0, 16384) < 0 || (*(int *)dst > 0 && *(int *)dst < 16)) {
        snprintf(why, n, "expected pixels, 16..16384 (0: the device's)");
        return -1;
    }
    return 0;
}

static int parse_input(const char *v, void *dst, char *why, size_t n)
{
    if (parse_int_range(v, dst, -1, 255) < 0) {
        snprintf(why, n, "expected an input number 0..255 (-1: leave it)");
        return -1;
    }
    return 0;
}

static int parse_buffers(const char *v, void *dst, char *why, size_t n)
{
    if (parse_int_range(v, dst, NG_CAPTURE_BUFFERS_MIN, NG_CAPTURE_BUFFERS_MAX) < 0) {
        snprintf(why, n, "expected a buffer count %d..%d", NG_CAPTURE_BUFFERS_MIN,
                 NG_CAPTURE_BUFFERS_MAX);
        return -1;
    }
    return 0;
}

static int parse_point(const char *v, void *dst, char *why, size_t n)
{
    double xy[2];
    if (parse_numbers(v, xy, 2) < 0 || fabs(xy[0]) > 16384 || fabs(xy[1]) > 16384) {
        snprintf(why, n, "expected X,Y in pixels of the captured frame");
        return -1;
    }
    *(ng_vec2 *)dst = ng_v2(xy[0], xy[1]);
    return 0;
}

/* X,Y,W,H in whole pixels inside 16384, W and H at least min_wh. */
static bool whole_rect(const char *v, double min_wh, ng_rect *out)
{
    double r[4];
    if (parse_numbers(v, r, 4) < 0 || r[0] < 0 || r[1] < 0 || r[2] < min_wh || r[3] < min_wh ||
        r[0] + r[2] > 16384 || r[1] + r[3] > 16384 || r[0] != floor(r[0]) ||
        r[1] != floor(r[1]) || r[2] != floor(r[2]) || r[3] != floor(r[3]))
        return false;
    *out = (ng_rect){ (int)r[0], (int)r[1], (int)r[2], (int)r[3] };
    return true;
}

static int parse_rect(const char *v, void *dst, char *why, size_t n)
{
    if (!whole_rect(v, 16, dst)) {
        snprintf(why, n, "expected X,Y,W,H in whole pixels with W,H >= 16");
        return -1;
    }
    return 0;
}

static int parse_dir(const char *v, void *dst, char *why, size_t n)
{
    if (strlen(v) >= sizeof ((ng_record_config *)0)->dir) {
        snprintf(why, n, "expected a folder path shorter than %zu characters",
                 sizeof ((ng_record_config *)0)->dir);
        return -1;
    }
    snprintf((char *)dst, sizeof ((ng_record_config *)0)->dir, "%s", v);
    return 0;
}

/* A mask adds one more region; the key may be given again. */
static int parse_mask(const char *v, void *dst, char *why, size_t n)
{
    ng_record_config *rc = dst;
    ng_rect r;
    if (!whole_rect(v, 1, &r)) {
        snprintf(why, n, "expected X,Y,W,H in whole pixels of the captured frame");
        return -1;
    }
    if (rc->nmasks == NG_MAX_MASKS) {
        snprintf(why, n, "at most %d masks", NG_MAX_MASKS);
        return -1;
    }
    rc->masks[rc->nmasks++] = r;
    return 0;
}

static int parse_socket(const char *v, void *dst, char *why, size_t n)
{
    if (v[0] != '/' || strlen(v) >= sizeof ((ng_control_config *)0)->socket) {
        snprintf(why, n, "expected an absolute path shorter than %zu characters",
                 sizeof ((ng_control_config *)0)->socket);
        return -1;
    }
    snprintf((char *)dst, sizeof ((ng_control_config *)0)->socket, "%s", v);
    return 0;
}

/* A user or group: a name known to the system, or a number. */
static bool lookup_id(const char *name, bool group, unsigned *id)
{
    char *end;
    unsigned long v = strtoul(name, &end, 10);
    if (*name && !*end && name[0] != '-' && v < 0xFFFFFFFFul) {
        *id = (unsigned)v;
        return true;
    }
    if (group) {
        struct group *g = getgrnam(name);
        return g ? (*id = (unsigned)g->gr_gid, true) : false;
    }
    struct passwd *pw = getpwnam(name);
    return pw ? (*id = (unsigned)pw->pw_uid, true) : false;
}

static int parse_uids(const char *v, void *dst, char *why, size_t n)
{
    ng_control_config *cc = dst;
    char list[512];
    snprintf(list, sizeof list, "%s", v);
    cc->nallow_uid = 0;
    for (char *save = NULL, *t = strtok_r(list, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
        if (cc->nallow_uid == NG_MAX_ALLOW_UID || !lookup_id(t, false, &cc->allow_uid[cc->nallow_uid])) {
            snprintf(why, n, "expected up to %d users (names or uids), comma-separated; '%s' is "
                             "not one", NG_MAX_ALLOW_UID, t);
            return -1;
        }
        cc->nallow_uid++;
    }
    return 0;
}

static int parse_group(const char *v, void *dst, char *why, size_t n)
{
    ng_control_config *cc = dst;
    if (strlen(v) >= sizeof cc->allow_group || !lookup_id(v, true, &cc->allow_gid)) {
        snprintf(why, n, "expected a group name or gid known to this system");
        return -1;
    }
    cc->has_group = true;
    snprintf(cc->allow_group, sizeof cc->allow_group, "%s", v);
    return 0;
}

static int parse_bool(const char *v, void *dst, char *why, size_t n)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i]))
            return *(bool *)dst = true, 0;
        if (!strcasecmp(v, no[i]))
            return *(bool *)dst = false, 0;
    }
    snprintf(why, n, "expected yes or no");
    return -1;
}

static int parse_headless(const char *v, void *dst, char *why, size_t n)
{
    static const char *const names[] = { "auto", "yes", "no" };
    for (int i = 0; i < 3; i++)
        if (!strcasecmp(v, names[i]))
            return *(ng_headless *)dst = (ng_headless)i, 0;
    snprintf(why, n, "expected auto, yes or no");
    return -1;
}

static int parse_source(const char *v, void *dst, char *why, size_t n)
{
    ng_source_spec spec;
    if (source_spec_parse(v, &spec, why, n) < 0)
        return -1;
    snprintf((char *)dst, sizeof ((ng_config *)0)->source, "%s", v);
    return 0;
}

/* ---- the key table ---- */

typedef struct {
    const char *section, *key;
    value_parser parse;
    size_t offset;
} key_spec;

#define KEY(sec, name, fn, field) { sec, name, fn, offsetof(ng_config, field) }
static const key_spec keys[] = {
    KEY("capture", "source", parse_source, source),
    KEY("capture", "fps", parse_fps, fps),
    KEY("capture", "format", parse_format, format),
    KEY("capture", "width", parse_dimension, width),
    KEY("capture", "height", parse_dimension, height),
    KEY("capture", "input", parse_input, input),
    KEY("capture", "buffers", parse_buffers, buffers),
    KEY("image", "roi", parse_rect, roi),
    KEY("image", "mm_per_px", parse_mm_per_px, mm_per_px),
    KEY("plan", "entry", parse_point, plan.entry),
    KEY("plan", "l4_target", parse_point, plan.l4_target),
    KEY("plan", "l5_target", parse_point, plan.l5_target),
    KEY("plan", "tolerance_mm", parse_tolerance, plan.tolerance_mm),
    KEY("display", "fullscreen", parse_bool, fullscreen),
    KEY("display", "headless", parse_headless, headless),
    KEY("record", "dir", parse_dir, record.dir),
    KEY("record", "start", parse_bool, record.start),
    KEY("record", "mask", parse_mask, record),
    KEY("control", "socket", parse_socket, control.socket),
    KEY("control", "allow_uid", parse_uids, control),
    KEY("control", "allow_group", parse_group, control),
};
/* keys that may be given more than once, each adding to a list */
static bool repeatable(const key_spec *k) { return k->parse == parse_mask; }
#define NKEYS (sizeof keys / sizeof keys[0])

static bool section_known(const char *section)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, section))
            return true;
    return false;
}

int config_set(ng_config *cfg, const char *origin, int line, const char *section,
               const char *key, const char *value, ng_errbuf *err)
{
    char where[600];
    if (line > 0)
        snprintf(where, sizeof where, "%s:%d", origin, line);
    else
        snprintf(where, sizeof where, "%s", origin);

    if (!section_known(section)) {
        ng_err_add(err, "%s: unknown section [%s] (expected capture, image, plan, display, record or control)",
                   where, section);
        return -1;
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].section, section) || strcmp(keys[i].key, key))
            continue;
        char why[200];
        if (keys[i].parse(value, (char *)cfg + keys[i].offset, why, sizeof why) < 0) {
            ng_err_add(err, "%s: [%s] %s: %s, got '%s'", where, section, key, why, value);
            return -1;
        }
        return 0;
    }
    ng_err_add(err, "%s: [%s] unknown key '%s'", where, section, key);
    return -1;
}

static int validate_at(const ng_config *cfg, const char *origin, const int *lines, ng_errbuf *err);

/* ---- loading: inih as packaged in Debian gives the handler no line number, so a reader
 * wrapper counts the lines it hands to the parser. ---- */

typedef struct {
    FILE *f;
    int line;           /* line number of the text last handed to inih */
    ng_config *cfg;
    const char *path;
    ng_errbuf *err;
    int errors;
    int first_line[NKEYS];
} load_ctx;

/* Hands inih exactly one line per call, so its error line numbers match ours. */
static char *counting_reader(char *str, int num, void *stream)
{
    load_ctx *c = stream;
    if (!fgets(str, num, c->f))
        return NULL;
    c->line++;
    if (!strchr(str, '\n') && !feof(c->f)) {
        int ch;
        while ((ch = fgetc(c->f)) != EOF && ch != '\n')
            ;
        ng_err_add(c->err, "%s:%d: line longer than %d characters", c->path, c->line, num - 3);
        c->errors++;
        snprintf(str, (size_t)num, "\n");
    }
    return str;
}

static int load_handler(void *user, const char *section, const char *name, const char *value)
{
    load_ctx *c = user;
    for (size_t i = 0; i < NKEYS; i++) {
        if (strcmp(keys[i].section, section) || strcmp(keys[i].key, name))
            continue;
        if (c->first_line[i] && !repeatable(&keys[i])) {
            ng_err_add(c->err, "%s:%d: [%s] %s given twice (first at line %d)", c->path,
                       c->line, section, name, c->first_line[i]);
            c->errors++;
            return 1;
        }
        c->first_line[i] = c->line;
    }
    int masks = c->cfg->record.nmasks;
    if (config_set(c->cfg, c->path, c->line, section, name, value, c->err) < 0)
        c->errors++;
    else if (c->cfg->record.nmasks > masks)
        c->cfg->record.mask_line[masks] = c->line;
    /* Always "success" for inih: our own messages are better than its line number. */
    return 1;
}

static int load_stream(FILE *f, const char *path, ng_config *cfg, ng_errbuf *err)
{
    load_ctx c = { .line = 0, .cfg = cfg, .path = path, .err = err, .f = f };
    ini_allow_multiline = false;   /* an indented line is a mistake, not a continuation */
    int rc = ini_parse_stream(counting_reader, &c, load_handler, &c);
    if (rc > 0) {
        ng_err_add(err, "%s:%d: syntax error: expected '[section]', 'key = value' or a comment",
                   path, rc);
        c.errors++;
    } else if (rc < 0) {
        ng_err_add(err, "%s: cannot read", path);
        c.errors++;
    }
    if (c.errors == 0 && validate_at(cfg, path, c.first_line, err) < 0)
        c.errors++;
    return c.errors ? -1 : 0;
}

int config_load(const char *path, ng_config *cfg, ng_errbuf *err)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        ng_err_add(err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = load_stream(f, path, cfg, err);
    fclose(f);
    return rc;
}

int config_load_text(const char *text, const char *origin, ng_config *cfg, ng_errbuf *err)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    if (!f) {
        ng_err_add(err, "%s: cannot read: %s", origin, strerror(errno));
        return -1;
    }
    int rc = load_stream(f, origin, cfg, err);
    fclose(f);
    return rc;
}

static int key_index(const char *section, const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(keys[i].section, section) && !strcmp(keys[i].key, key))
            return (int)i;
    return -1;
}

/* Cross-key checks; lines (may be NULL) gives the line each key was set on, so the message
 * points at the offending key. */
static int validate_at(const ng_config *cfg, const char *origin, const int *lines, ng_errbuf *err)
{
    int bad = 0;
    const ng_vec2 *targets[2] = { &cfg->plan.l4_target, &cfg->plan.l5_target };
    static const char *const names[2] = { "l4_target", "l5_target" };
    for (int i = 0; i < 2; i++) {
        char where[600];
        int line = lines ? lines[key_index("plan", names[i])] : 0;
        if (line > 0)
            snprintf(where, sizeof where, "%s:%d", origin, line);
        else
            snprintf(where, sizeof where, "%s", origin);
        if (!ng_rect_contains(cfg->roi, *targets[i])) {
            ng_err_add(err, "%s: [plan] %s %.0f,%.0f lies outside [image] roi %d,%d,%d,%d", where,
                       names[i], targets[i]->x, targets[i]->y, cfg->roi.x, cfg->roi.y,
                       cfg->roi.w, cfg->roi.h);
            bad++;
        }
        if (ng_v2_dist(*targets[i], cfg->plan.entry) * cfg->mm_per_px < 5.0) {
            ng_err_add(err, "%s: [plan] %s lies less than 5 mm from the entry point", where,
                       names[i]);
            bad++;
        }
    }
    return bad ? -1 : 0;
}

int config_validate(const ng_config *cfg, const char *origin, ng_errbuf *err)
{
    return validate_at(cfg, origin, NULL, err);
}

void config_defaults(ng_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->source, sizeof cfg->source, "sim:1");
    cfg->fps = 30;
    cfg->format = V4L2_WANT_AUTO;
    cfg->input = -1;
    cfg->buffers = NG_CAPTURE_BUFFERS_DEFAULT;
    cfg->headless = NG_HEADLESS_AUTO;
    cfg->fullscreen = false;
    /* The embedded default plan is the one the built-in simulator scans. */
    sim_scene_layout layout;
    sim_scene_default_layout(&layout);
    cfg->roi = layout.roi;
    cfg->mm_per_px = layout.mm_per_px;
    cfg->plan = layout.plan;
}

/* The shortest text that reads back as exactly v: a saved config, and the one a recording
 * keeps for its replay, give the very same plan (a replay then anchors its targets to the
 * same hundredths of a pixel as the live run). */
static const char *exact(char buf[32], double v)
{
    for (int prec = 6; prec < 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return buf;
    }
    snprintf(buf, 32, "%.17g", v);
    return buf;
}

static void config_print(const ng_config *cfg, FILE *f)
{
    static const char *const headless[] = { "auto", "yes", "no" };
    char n[9][32];
    fprintf(f,
            "# needleguide configuration\n"
            "[capture]\nsource = %s\nfps = %s\nformat = %s\nwidth = %d\nheight = %d\n"
            "input = %d\nbuffers = %d\n\n"
            "[image]\nroi = %d,%d,%d,%d\nmm_per_px = %s\n\n"
            "[plan]\nentry = %s,%s\nl4_target = %s,%s\nl5_target = %s,%s\n"
            "tolerance_mm = %s\n\n"
            "[display]\nfullscreen = %s\nheadless = %s\n",
            cfg->source, exact(n[0], cfg->fps), v4l2_format_want_name(cfg->format), cfg->width,
            cfg->height, cfg->input, cfg->buffers, cfg->roi.x, cfg->roi.y, cfg->roi.w, cfg->roi.h,
            exact(n[1], cfg->mm_per_px), exact(n[2], cfg->plan.entry.x),
            exact(n[3], cfg->plan.entry.y), exact(n[4], cfg->plan.l4_target.x),
            exact(n[5], cfg->plan.l4_target.y), exact(n[6], cfg->plan.l5_target.x),
            exact(n[7], cfg->plan.l5_target.y), exact(n[8], cfg->plan.tolerance_mm),
            cfg->fullscreen ? "yes" : "no", headless[cfg->headless]);
    const ng_record_config *rc = &cfg->record;
    fprintf(f, "\n[record]\n");
    if (rc->dir[0])
        fprintf(f, "dir = %s\n", rc->dir);
    fprintf(f, "start = %s\n", rc->start ? "yes" : "no");
    for (int i = 0; i < rc->nmasks; i++)
        fprintf(f, "mask = %d,%d,%d,%d\n", rc->masks[i].x, rc->masks[i].y, rc->masks[i].w,
                rc->masks[i].h);
    const ng_control_config *cc = &cfg->control;
    if (cc->socket[0] || cc->nallow_uid || cc->has_group)
        fprintf(f, "\n[control]\n");
    if (cc->socket[0])
        fprintf(f, "socket = %s\n", cc->socket);
    for (int i = 0; i < cc->nallow_uid; i++)
        fprintf(f, "%s%u%s", i ? "" : "allow_uid = ", cc->allow_uid[i],
                i + 1 < cc->nallow_uid ? "," : "\n");
    if (cc->has_group)
        fprintf(f, "allow_group = %s\n", cc->allow_group);
}

int config_write(const ng_config *cfg, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    config_print(cfg, f);
    return fclose(f) == 0 ? 0 : -1;
}

char *config_text(const ng_config *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    config_print(cfg, f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int config_save(const ng_config *cfg, const char *path, ng_errbuf *err)
{
    char tmp[4096], bak[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp ||
        snprintf(bak, sizeof bak, "%s~", path) >= (int)sizeof bak) {
        ng_err_add(err, "%s: path too long", path);
        return -1;
    }
    if (config_write(cfg, tmp) < 0) {
        ng_err_add(err, "%s: cannot write: %s", tmp, strerror(errno));
        unlink(tmp);
        return -1;
    }
    unlink(bak);
    if (link(path, bak) < 0 && errno != ENOENT) {   /* ENOENT: nothing there to keep */
        ng_err_add(err, "%s: cannot keep the old file as %s: %s", path, bak, strerror(errno));
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) < 0) {
        ng_err_add(err, "%s: cannot replace: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
