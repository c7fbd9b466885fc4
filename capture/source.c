#include "capture/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/clock.h"

int source_spec_parse(const char *text, ng_source_spec *spec, char *why, size_t whylen)
{
    memset(spec, 0, sizeof *spec);
    static const char expected[] = "expected sim:SEED, file:PATH or v4l2:/dev/videoN";
    if (!strncmp(text, "sim:", 4)) {
        char *end;
        unsigned long seed = strtoul(text + 4, &end, 10);
        if (end == text + 4 || *end || text[4] == '-' || seed > 0xFFFFFFFFul) {
            snprintf(why, whylen, "%s (SEED a whole number 0..4294967295)", expected);
            return -1;
        }
        spec->kind = NG_SRC_SIM;
        spec->seed = (unsigned)seed;
        return 0;
    }
    const char *path = NULL;
    if (!strncmp(text, "file:", 5)) {
        spec->kind = NG_SRC_FILE;
        path = text + 5;
    } else if (!strncmp(text, "v4l2:", 5)) {
        spec->kind = NG_SRC_V4L2;
        path = text + 5;
        if (strncmp(path, "/dev/", 5)) {
            snprintf(why, whylen, "%s (a device path under /dev)", expected);
            return -1;
        }
    }
    if (!path || !*path || strlen(path) >= sizeof spec->path) {
        snprintf(why, whylen, "%s", expected);
        return -1;
    }
    snprintf(spec->path, sizeof spec->path, "%s", path);
    return 0;
}

void playback_init(ng_playback *pb)
{
    atomic_init(&pb->paused, false);
    atomic_init(&pb->speed_pct, 100);
    atomic_init(&pb->step, 0);
    atomic_init(&pb->seek_ms, 0);
    atomic_init(&pb->loop, false);
    atomic_init(&pb->position_ms, 0);
    atomic_init(&pb->duration_ms, 0);
}

/* Y4M files (by name or by content) go to our own reader (exact, and fuzzed); everything else
 * to FFmpeg. A pipe or a device of another name is not sniffed: it cannot be read twice, and the
 * sniff would eat its start; FFmpeg reads it once and probes it from its own buffer. */
static bool is_y4m(const char *path)
{
    size_t len = strlen(path);
    if (len > 4 && !strcasecmp(path + len - 4, ".y4m"))
        return true;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return false;
    FILE *f = fopen(path, "rb");
    if (!f)
        return true;
    char magic[10] = { 0 };
    size_t n = fread(magic, 1, sizeof magic, f);
    fclose(f);
    return n == sizeof magic && !memcmp(magic, "YUV4MPEG2 ", sizeof magic);
}

void source_opts_default(ng_source_opts *o)
{
    memset(o, 0, sizeof *o);
    o->fps = 30;
    o->format = V4L2_WANT_AUTO;
    o->input = -1;
    o->buffers = NG_CAPTURE_BUFFERS_DEFAULT;
}

ng_source *source_open(const ng_source_spec *spec, const ng_source_opts *opts, ng_errbuf *err)
{
    const ng_source_ops *ops = NULL;
    switch (spec->kind) {
    case NG_SRC_SIM: ops = &source_sim_ops; break;
    case NG_SRC_FILE: ops = is_y4m(spec->path) ? &source_y4m_ops : &source_av_ops; break;
    case NG_SRC_V4L2: ops = &source_v4l2_ops; break;
    }
    return source_open_ops(ops, spec, opts, err);
}

ng_source *source_open_ops(const ng_source_ops *ops, const ng_source_spec *spec,
                           const ng_source_opts *opts, ng_errbuf *err)
{
    ng_source *src = calloc(1, sizeof *src);
    if (!src)
        return NULL;
    src->ops = ops;
    src->opts = *opts;
    src->fps = opts->fps;
    src->state = CAP_STREAMING;
    if (ops->open(src, spec, err) < 0) {
        free(src);
        return NULL;
    }
    return src;
}

ng_source_status source_next(ng_source *src, ng_frame **out, ng_errbuf *err)
{
    return src->ops->next(src, out, err);
}

void source_close(ng_source *src)
{
    if (!src)
        return;
    src->ops->close(src);
    free(src);
}

void source_pace(ng_source_pacer *p, double fps, bool fast)
{
    if (p->start_ns == 0)
        p->start_ns = ng_now_ns();
    if (!fast && fps > 0)
        ng_sleep_until_ns(p->start_ns + (int64_t)((double)p->n * 1e9 / fps));
    p->n++;
}
