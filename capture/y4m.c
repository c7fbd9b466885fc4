#include "capture/y4m.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define Y4M_MAGIC "YUV4MPEG2"
#define Y4M_MAX_HEADER 1024

/* Reads one '\n'-terminated line of at most max-1 bytes; -1 on EOF before any byte,
 * -2 if the line is too long, else its length (without the newline). */
static int read_line(FILE *f, char *buf, int max)
{
    int n = 0, c;
    while ((c = fgetc(f)) != EOF && c != '\n') {
        if (n >= max - 1)
            return -2;
        buf[n++] = (char)c;
    }
    buf[n] = '\0';
    if (c == EOF && n == 0)
        return -1;
    if (c == EOF)
        return -3;   /* line cut short by the end of the file */
    return n;
}

static bool parse_int(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool parse_ratio(const char *s, int *num, int *den)
{
    char buf[64];
    snprintf(buf, sizeof buf, "%s", s);
    char *colon = strchr(buf, ':');
    long n, d;
    if (!colon)
        return false;
    *colon = '\0';
    if (!parse_int(buf, 1, INT_MAX, &n) || !parse_int(colon + 1, 1, INT_MAX, &d))
        return false;
    *num = (int)n;
    *den = (int)d;
    return true;
}

static bool parse_colourspace(const char *c, ng_pixfmt *fmt)
{
    static const struct {
        const char *name;
        ng_pixfmt fmt;
    } map[] = {
        { "420jpeg", NG_PIX_I420 }, { "420paldv", NG_PIX_I420 }, { "420mpeg2", NG_PIX_I420 },
        { "420", NG_PIX_I420 },     { "422", NG_PIX_I422 },      { "444", NG_PIX_I444 },
        { "mono", NG_PIX_GREY },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(c, map[i].name))
            return *fmt = map[i].fmt, true;
    return false;
}

int y4m_open(y4m_reader *r, const char *path, ng_errbuf *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        ng_err_add(err, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    return y4m_open_stream(r, f, path, err);
}

int y4m_open_stream(y4m_reader *r, FILE *f, const char *path, ng_errbuf *err)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->fmt = NG_PIX_I420;
    r->f = f;
    char line[Y4M_MAX_HEADER];
    int n = read_line(r->f, line, sizeof line);
    if (n < 0 || strncmp(line, Y4M_MAGIC " ", sizeof Y4M_MAGIC)) {
        ng_err_add(err, "%s: not a Y4M file: %s", path,
                   n == -1 ? "empty" : n == -2 ? "header line too long" : n == -3 ? "header cut short" :
                   "expected 'YUV4MPEG2 ' at the start");
        goto fail;
    }
    long w = 0, h = 0;
    bool have_f = false;
    for (char *save, *tok = strtok_r(line + sizeof Y4M_MAGIC, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save)) {
        switch (tok[0]) {
        case 'W':
            if (!parse_int(tok + 1, 1, 16384, &w)) {
                ng_err_add(err, "%s: bad Y4M header: '%s': expected width 1..16384", path, tok);
                goto fail;
            }
            break;
        case 'H':
            if (!parse_int(tok + 1, 1, 16384, &h)) {
                ng_err_add(err, "%s: bad Y4M header: '%s': expected height 1..16384", path, tok);
                goto fail;
            }
            break;
        case 'F':
            if (!parse_ratio(tok + 1, &r->fps_num, &r->fps_den) ||
                (double)r->fps_num / r->fps_den > 1000) {
                ng_err_add(err, "%s: bad Y4M header: '%s': expected frame rate N:D", path, tok);
                goto fail;
            }
            have_f = true;
            break;
        case 'I':
            if (strcmp(tok, "Ip") && strcmp(tok, "I?")) {
                ng_err_add(err, "%s: unsupported Y4M header: '%s': only progressive video", path, tok);
                goto fail;
            }
            break;
        case 'C':
            if (!parse_colourspace(tok + 1, &r->fmt)) {
                ng_err_add(err, "%s: unsupported Y4M colour space '%s': expected C420jpeg, "
                           "C420paldv, C420mpeg2, C420, C422, C444 or Cmono", path, tok);
                goto fail;
            }
            break;
        case 'X':
            if (!strcmp(tok, "XCOLORRANGE=FULL"))
                r->full_range = true;
            break;
        case 'A':
            break;   /* pixel aspect: not needed */
        default:
            ng_err_add(err, "%s: bad Y4M header: unknown field '%s'", path, tok);
            goto fail;
        }
    }
    if (!w || !h || !have_f) {
        ng_err_add(err, "%s: bad Y4M header: missing %s", path, !w ? "width W" : !h ? "height H" :
                   "frame rate F");
        goto fail;
    }
    r->width = (int)w;
    r->height = (int)h;
    r->frame_size = pixfmt_frame_size(r->fmt, r->width, r->height);
    return 0;
fail:
    fclose(r->f);
    r->f = NULL;
    return -1;
}

int y4m_read(y4m_reader *r, ng_frame **out, ng_errbuf *err)
{
    char line[256];
    int n = read_line(r->f, line, sizeof line);
    if (n == -1)
        return 0;
    if (n < 0 || strncmp(line, "FRAME", 5) || (line[5] != '\0' && line[5] != ' ')) {
        ng_err_add(err, "%s: frame %llu: expected a FRAME header", r->path,
                   (unsigned long long)r->frames);
        return -1;
    }
    ng_frame *f = frame_alloc(r->fmt, r->width, r->height);
    if (!f) {
        ng_err_add(err, "%s: out of memory", r->path);
        return -1;
    }
    size_t got = fread(f->data, 1, r->frame_size, r->f);
    if (got != r->frame_size) {
        ng_err_add(err, "%s: frame %llu truncated: %zu of %zu bytes", r->path,
                   (unsigned long long)r->frames, got, r->frame_size);
        frame_free(f);
        return -1;
    }
    f->full_range = r->full_range;
    f->seq = r->frames++;
    *out = f;
    return 1;
}

void y4m_close(y4m_reader *r)
{
    if (r->f)
        fclose(r->f);
    r->f = NULL;
}

int y4m_writer_open(y4m_writer *w, const char *path, ng_pixfmt fmt, int width, int height,
                    int fps_num, int fps_den, ng_errbuf *err)
{
    static const char *const cs[] = { [NG_PIX_I420] = "420jpeg", [NG_PIX_I422] = "422",
                                      [NG_PIX_I444] = "444", [NG_PIX_GREY] = "mono" };
    if (fmt > NG_PIX_GREY) {
        ng_err_add(err, "%s: Y4M holds planar YUV and grey only, not %s", path, pixfmt_name(fmt));
        return -1;
    }
    w->frame_size = pixfmt_frame_size(fmt, width, height);
    w->f = fopen(path, "wb");
    if (!w->f) {
        ng_err_add(err, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    fprintf(w->f, "YUV4MPEG2 W%d H%d F%d:%d Ip A1:1 C%s\n", width, height, fps_num, fps_den,
            cs[fmt]);
    return 0;
}

int y4m_write(y4m_writer *w, const ng_frame *f)
{
    if (fputs("FRAME\n", w->f) == EOF)
        return -1;
    return fwrite(f->data, 1, w->frame_size, w->f) == w->frame_size ? 0 : -1;
}

int y4m_writer_close(y4m_writer *w)
{
    int rc = fclose(w->f);
    w->f = NULL;
    return rc == 0 ? 0 : -1;
}
