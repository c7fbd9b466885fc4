/* file:PATH — a Y4M file, paced at the file's own frame rate unless fast. */
#include <stdio.h>
#include <stdlib.h>

#include "capture/source.h"
#include "capture/y4m.h"
#include "util/clock.h"

typedef struct {
    y4m_reader reader;
    ng_source_pacer pacer;
    char path[500];
} y4m_source;

static int y4m_src_open(ng_source *src, const ng_source_spec *spec, ng_errbuf *err)
{
    y4m_source *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    snprintf(s->path, sizeof s->path, "%s", spec->path);
    if (y4m_open(&s->reader, s->path, err) < 0) {
        free(s);
        return -1;
    }
    src->fps = (double)s->reader.fps_num / s->reader.fps_den;
    src->width = s->reader.width;
    src->height = s->reader.height;
    src->priv = s;
    return 0;
}

static ng_source_status y4m_src_next(ng_source *src, ng_frame **out, ng_errbuf *err)
{
    y4m_source *s = src->priv;
    int rc = y4m_read(&s->reader, out, err);
    if (rc <= 0)
        return rc == 0 ? NG_SRC_EOF : NG_SRC_ERROR;
    source_pace(&s->pacer, src->fps, src->opts.fast);
    (*out)->t_capture_ns = ng_now_ns();
    return NG_SRC_FRAME;
}

static void y4m_src_close(ng_source *src)
{
    y4m_source *s = src->priv;
    y4m_close(&s->reader);
    free(s);
}

const ng_source_ops source_y4m_ops = { "file", y4m_src_open, y4m_src_next, y4m_src_close };
