#include "record/session_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <SDL_version.h>
#include <json-c/json.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

#include "util/version.h"

/* A number as people write it (3 decimals at most), not json-c's 17 digits. */
static json_object *number(double v)
{
    char s[40];
    snprintf(s, sizeof s, "%.3f", v);
    char *e = s + strlen(s) - 1;
    while (*e == '0' && e[-1] != '.')
        *e-- = '\0';
    return json_object_new_double_s(v, s);
}

static json_object *point(ng_vec2 p)
{
    json_object *a = json_object_new_array();
    json_object_array_add(a, number(p.x));
    json_object_array_add(a, number(p.y));
    return a;
}

static json_object *rect(ng_rect r)
{
    json_object *a = json_object_new_array();
    int v[4] = { r.x, r.y, r.w, r.h };
    for (int i = 0; i < 4; i++)
        json_object_array_add(a, json_object_new_int(v[i]));
    return a;
}

static json_object *video(const char *file, const session_video *v, uint64_t dropped)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "file", v->codec ? json_object_new_string(file) : NULL);
    json_object_object_add(o, "codec", v->codec ? json_object_new_string(v->codec) : NULL);
    json_object_object_add(o, "pix_fmt", v->pix ? json_object_new_string(v->pix) : NULL);
    json_object_object_add(o, "width", json_object_new_int(v->width));
    json_object_object_add(o, "height", json_object_new_int(v->height));
    json_object_object_add(o, "frames", json_object_new_int64(v->frames));
    json_object_object_add(o, "dropped", json_object_new_int64((int64_t)dropped));
    return o;
}

static json_object *versions(void)
{
    json_object *o = json_object_new_object();
    char sdl[32];
    SDL_version v;
    SDL_VERSION(&v);
    snprintf(sdl, sizeof sdl, "%d.%d.%d", v.major, v.minor, v.patch);
    json_object_object_add(o, "needleguide", json_object_new_string(NG_VERSION));
    json_object_object_add(o, "libavcodec", json_object_new_string(AV_STRINGIFY(LIBAVCODEC_VERSION)));
    json_object_object_add(o, "libavformat", json_object_new_string(AV_STRINGIFY(LIBAVFORMAT_VERSION)));
    json_object_object_add(o, "sdl", json_object_new_string(sdl));
    return o;
}

char *session_json(const session_desc *d)
{
    const record_info *in = d->info;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "format", json_object_new_string("needleguide-session/1"));
    json_object_object_add(o, "versions", versions());
    json_object_object_add(o, "started", json_object_new_string(d->started));
    json_object_object_add(o, "ended", d->end_reason ? json_object_new_string(d->ended) : NULL);
    json_object_object_add(o, "end_reason", json_object_new_string(d->end_reason ? d->end_reason
                                                                                 : "running"));
    json_object_object_add(o, "failed", json_object_new_boolean(d->failed));
    json_object_object_add(o, "t0_ms", number(d->t0_ms));
    json_object_object_add(o, "seconds", number(d->seconds));

    json_object *src = json_object_new_object();
    json_object_object_add(src, "spec", json_object_new_string(in->source));
    json_object_object_add(src, "detail", json_object_new_string(in->source_detail ? in->source_detail : ""));
    json_object_object_add(src, "width", json_object_new_int(in->width));
    json_object_object_add(src, "height", json_object_new_int(in->height));
    json_object_object_add(src, "fps", number(in->fps));
    json_object_object_add(o, "source", src);

    json_object *plan = json_object_new_object();
    json_object_object_add(plan, "entry", point(in->plan.entry));
    json_object_object_add(plan, "l4_target", point(in->plan.l4_target));
    json_object_object_add(plan, "l5_target", point(in->plan.l5_target));
    json_object_object_add(plan, "tolerance_mm", number(in->plan.tolerance_mm));
    json_object_object_add(plan, "roi", rect(in->roi));
    json_object_object_add(plan, "mm_per_px", number(in->mm_per_px));
    json_object_object_add(o, "plan", plan);

    json_object *masks = json_object_new_array();
    for (int i = 0; i < d->opts->nmasks; i++)
        json_object_array_add(masks, rect(d->opts->masks[i]));
    json_object_object_add(o, "masks", masks);

    json_object *files = json_object_new_object();
    json_object_object_add(files, "raw", video("raw.mkv", &d->raw, d->raw_dropped));
    json_object_object_add(files, "overlay", video("overlay.mkv", &d->screen, d->screen_dropped));
    json_object *lines = json_object_new_object();
    json_object_object_add(lines, "telemetry", json_object_new_int64((int64_t)d->telemetry_lines));
    json_object_object_add(lines, "events", json_object_new_int64((int64_t)d->event_lines));
    json_object_object_add(lines, "dropped", json_object_new_int64((int64_t)d->lines_dropped));
    json_object_object_add(files, "lines", lines);
    json_object_object_add(o, "files", files);
    json_object_object_add(o, "config", json_object_new_string(in->config_ini ? in->config_ini : ""));

    const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE);
    char *text = s ? strdup(s) : NULL;
    json_object_put(o);
    return text;
}

static int write_all(int fd, const char *p, size_t n, off_t at)
{
    while (n > 0) {
        ssize_t k = pwrite(fd, p, n, at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k < 0 ? -errno : -ENOSPC;
        p += k;
        n -= (size_t)k;
        at += k;
    }
    return 0;
}

/* text, a newline, then spaces up to len bytes (JSON allows the trailing blank). */
static int write_padded(int fd, const char *text, size_t len)
{
    size_t n = strlen(text);
    size_t total = n + 1 > len ? n + 1 : len;
    char *buf = malloc(total);
    if (!buf)
        return -ENOMEM;
    memcpy(buf, text, n);
    buf[n] = '\n';
    memset(buf + n + 1, ' ', total - n - 1);
    if (total > n + 1)
        buf[total - 1] = '\n';
    int rc = write_all(fd, buf, total, 0);
    free(buf);
    return rc;
}

int session_file_create(const char *path, const char *text, int reserve)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0)
        return -errno;
    int rc = write_padded(fd, text, strlen(text) + (size_t)reserve);
    if (rc == 0 && fsync(fd) < 0)
        rc = -errno;
    if (rc < 0) {
        close(fd);
        unlink(path);
        return rc;
    }
    return fd;
}

int session_file_rewrite(int fd, const char *text, bool sync)
{
    struct stat sb;
    if (fstat(fd, &sb) < 0)
        return -errno;
    int rc = write_padded(fd, text, (size_t)sb.st_size);
    if (rc == 0 && sync && fsync(fd) < 0)
        rc = -errno;
    return rc;
}

void session_time(char *buf, int n, long long t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(buf, (size_t)n, "%Y-%m-%dT%H:%M:%S%z", &tm);
}
