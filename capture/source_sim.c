/* sim:SEED — the built-in simulated lumbar scan, rendered live at the configured rate. */
#include <stdlib.h>

#include "capture/source.h"
#include "sim/sim_render.h"
#include "sim/sim_scene.h"
#include "util/clock.h"

typedef struct {
    sim_scene_layout layout;
    sim_renderer *renderer;
    ng_source_pacer pacer;
    uint64_t seq;
} sim_source;

static int sim_open(ng_source *src, const ng_source_spec *spec, ng_errbuf *err)
{
    sim_source *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    sim_scene_default_layout(&s->layout);
    sim_params p;
    sim_params_default(&p);
    s->renderer = sim_renderer_new(&s->layout, &p, spec->seed);
    if (!s->renderer) {
        ng_err_add(err, "sim:%u: cannot create the simulator", spec->seed);
        free(s);
        return -1;
    }
    src->width = s->layout.width;
    src->height = s->layout.height;
    src->priv = s;
    return 0;
}

static ng_source_status sim_next(ng_source *src, ng_frame **out, ng_errbuf *err)
{
    sim_source *s = src->priv;
    ng_frame *f = frame_alloc(NG_PIX_I420, s->layout.width, s->layout.height);
    if (!f) {
        ng_err_add(err, "sim: out of memory");
        return NG_SRC_ERROR;
    }
    sim_state st;
    sim_script_state(&s->layout, (double)s->seq / src->fps, &st);
    sim_render(s->renderer, &st, s->seq, f);
    source_pace(&s->pacer, src->fps, src->opts.fast);
    f->seq = s->seq++;
    f->t_capture_ns = ng_now_ns();
    *out = f;
    return NG_SRC_FRAME;
}

static void sim_close(ng_source *src)
{
    sim_source *s = src->priv;
    sim_renderer_free(s->renderer);
    free(s);
}

const ng_source_ops source_sim_ops = { "sim", sim_open, sim_next, sim_close };
