/* report.json and the self-contained report.html (inline SVG plots, key frames as PNG data). */
#include "record/report_html.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libavcodec/avcodec.h>
#include <libavutil/base64.h>

#include "capture/convert.h"
#include "capture/source.h"
#include "util/json_num.h"
#include "util/version.h"

/* The published trial (../shared/reference/): one puncture, two points vs two punctures. */
#define PUB_ONE_S 306.0
#define PUB_ONE_SD 25.0
#define PUB_TWO_S 485.0
#define PUB_TWO_SD 56.0

static json_object *jnum(double v) { return ng_json_fixed(v, 2); }

int report_write_json(const char *path, const report_figures *f, ng_errbuf *err)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "needleguide", json_object_new_string(NG_VERSION));
    json_object_object_add(o, "frames", json_object_new_int64((int64_t)f->frames));
    json_object_object_add(o, "session_s", jnum(f->session_s));
    json_object_object_add(o, "needle_in_s", f->needle_in_s >= 0 ? jnum(f->needle_in_s) : NULL);
    json_object_object_add(o, "needle_out_s", f->needle_out_s >= 0 ? jnum(f->needle_out_s) : NULL);
    json_object_object_add(o, "procedure_s", jnum(f->procedure_s));
    json_object *ph = json_object_new_object();
    for (int p = 0; p < PHASE_COUNT; p++)
        json_object_object_add(ph, phase_name((ng_phase)p), jnum(f->phase_s[p]));
    json_object_object_add(o, "phase_s", ph);
    json_object_object_add(o, "skin_punctures", json_object_new_int(f->punctures));
    json_object_object_add(o, "redirections", json_object_new_int(f->redirections));
    json_object_object_add(o, "l4_tip_to_target_mm", jnum(f->l4_tip_mm));
    json_object_object_add(o, "l5_tip_to_target_mm", jnum(f->l5_tip_mm));
    json_object_object_add(o, "max_offset_mm", jnum(f->max_offset_mm));
    json_object_object_add(o, "max_angle_dev_deg", jnum(f->max_angle_dev_deg));
    json_object_object_add(o, "needle_seen_pct", jnum(f->seen_pct));
    json_object *pub = json_object_new_object();
    json_object *one = json_object_new_array(), *two = json_object_new_array();
    json_object_array_add(one, jnum(PUB_ONE_S));
    json_object_array_add(one, jnum(PUB_ONE_SD));
    json_object_array_add(two, jnum(PUB_TWO_S));
    json_object_array_add(two, jnum(PUB_TWO_SD));
    json_object_object_add(pub, "one_puncture_s", one);
    json_object_object_add(pub, "two_punctures_s", two);
    json_object_object_add(o, "published", pub);
    int rc = json_object_to_file_ext(path, o, JSON_C_TO_STRING_PRETTY) == 0 ? 0 : -1;
    if (rc < 0)
        ng_err_add(err, "%s: cannot write: %s", path, json_util_get_last_err());
    json_object_put(o);
    return rc;
}

/* ---- key frames ---- */

/* The grey picture of raw.mkv at file time pts_ms (the first frame at or after it) as a PNG in
 * base64; NULL when there is none. */
static char *key_frame_png(ng_source *src, ng_converter *conv, int64_t pts_ms)
{
    ng_frame *f = NULL;
    ng_errbuf err = { 0 };
    for (;;) {
        ng_source_status st = source_next(src, &f, &err);
        if (st == NG_SRC_IDLE || st == NG_SRC_STATE)
            continue;
        if (st != NG_SRC_FRAME)
            return NULL;
        if (f->pts_ms >= pts_ms)
            break;
        frame_free(f);
    }
    size_t stride = (size_t)f->width * 4;
    uint8_t *argb = malloc(stride * (size_t)f->height);
    const uint8_t *luma = NULL;
    int luma_stride = 0;
    char *b64 = NULL;
    const AVCodec *png = avcodec_find_encoder(AV_CODEC_ID_PNG);
    AVCodecContext *c = png ? avcodec_alloc_context3(png) : NULL;
    AVFrame *pic = av_frame_alloc();
    AVPacket *pkt = av_packet_alloc();
    if (!argb || !c || !pic || !pkt ||
        convert_frame(conv, f, argb, (int)stride, &luma, &luma_stride) != 0)
        goto done;
    c->width = f->width;
    c->height = f->height;
    c->pix_fmt = AV_PIX_FMT_GRAY8;
    c->time_base = (AVRational){ 1, 25 };
    if (avcodec_open2(c, png, NULL) < 0)
        goto done;
    pic->format = AV_PIX_FMT_GRAY8;
    pic->width = f->width;
    pic->height = f->height;
    pic->data[0] = (uint8_t *)luma;
    pic->linesize[0] = luma_stride;
    if (avcodec_send_frame(c, pic) < 0 || avcodec_receive_packet(c, pkt) < 0)
        goto done;
    size_t n = AV_BASE64_SIZE((size_t)pkt->size);
    b64 = malloc(n);
    if (b64 && !av_base64_encode(b64, (int)n, pkt->data, pkt->size)) {
        free(b64);
        b64 = NULL;
    }
done:
    av_packet_free(&pkt);
    av_frame_free(&pic);
    avcodec_free_context(&c);
    free(argb);
    frame_free(f);
    return b64;
}

/* ---- the page ---- */

static const char *const phase_colour[PHASE_COUNT] = {
    "#e0e0e0", "#cfefff", "#a8e6a1", "#ffe0a8", "#f3d1ff", "#e6d0ff", "#c4f0c4", "#d8d8d8",
};

/* A line through the needle's sightings, broken where it was not seen (REPORT_GAP_MS or more):
 * a plot must not draw a needle across a time nobody saw it. */
typedef struct {
    FILE *o;
    const char *colour;
    double last_ms;
} polyline;

static void polyline_end(polyline *p)
{
    if (p->last_ms > -1e17)
        fprintf(p->o, "'/>\n");
    p->last_ms = -1e18;
}

static void polyline_point(polyline *p, double t_ms, double x, double y)
{
    if (t_ms - p->last_ms >= REPORT_GAP_MS) {
        polyline_end(p);
        fprintf(p->o, "<polyline fill='none' stroke='%s' stroke-width='1.5' points='", p->colour);
    }
    fprintf(p->o, "%.1f,%.1f ", x, y);
    p->last_ms = t_ms;
}

#define PW 900.0
#define PH 260.0
#define PAD 40.0

/* Tip-to-target distance over time, the phases as bands behind it. */
static void plot_distance(FILE *o, const report_input *in, double span_s)
{
    double ymax = 10;
    for (size_t i = 0; i < in->nframes; i++)
        if (in->frames[i].seen && in->frames[i].dist_valid)
            ymax = fmax(ymax, fmin(in->frames[i].dist_mm, 80));
    double sx = (PW - 2 * PAD) / fmax(span_s, 1), sy = (PH - 2 * PAD) / ymax;
    fprintf(o, "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' "
               "font-family='sans-serif' font-size='11'>\n", PW, PH);
    for (size_t i = 0; i + 1 < in->nframes; i++) {   /* the bands */
        const report_frame *a = &in->frames[i];
        double t = (a->t_ms - in->t0_ms) / 1000, t1 = (in->frames[i + 1].t_ms - in->t0_ms) / 1000;
        if (t < 0)
            continue;
        fprintf(o, "<rect x='%.1f' y='%.0f' width='%.2f' height='%.0f' fill='%s'/>\n",
                PAD + t * sx, PAD, (t1 - t) * sx + 0.3, PH - 2 * PAD, phase_colour[a->phase]);
    }
    polyline line = { o, "#c00", -1e18 };
    for (size_t i = 0; i < in->nframes; i++) {
        const report_frame *r = &in->frames[i];
        double t = (r->t_ms - in->t0_ms) / 1000;
        if (t >= 0 && r->seen && r->dist_valid)
            polyline_point(&line, r->t_ms, PAD + t * sx, PH - PAD - fmin(r->dist_mm, ymax) * sy);
    }
    polyline_end(&line);
    for (int k = 0; k <= 4; k++) {
        double v = ymax * k / 4;
        fprintf(o, "<text x='4' y='%.1f'>%.0f mm</text>\n", PH - PAD - v * sy + 4, v);
    }
    for (int k = 0; k <= 5; k++)
        fprintf(o, "<text x='%.1f' y='%.0f'>%.0f s</text>\n", PAD + span_s * k / 5 * sx - 8,
                PH - PAD + 16, span_s * k / 5);
    double lx = PAD;
    for (int p = 0; p < PHASE_COUNT; p++) {
        fprintf(o, "<rect x='%.0f' y='8' width='12' height='12' fill='%s' stroke='#999'/>"
                   "<text x='%.0f' y='18'>%s</text>\n", lx, phase_colour[p], lx + 15, phase_name((ng_phase)p));
        lx += 15 + 7.2 * (double)strlen(phase_name((ng_phase)p)) + 14;
    }
    fprintf(o, "</svg>\n");
}

/* One view's key frame with the planned path, the target and the tip's way over it. */
static void plot_view(FILE *o, const report_input *in, const char *png, ng_phase approach,
                      ng_phase at, ng_vec2 target, int w, int h)
{
    fprintf(o, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' viewBox='0 0 %d %d'>\n",
            w, h, w, h);
    if (png)
        fprintf(o, "<image width='%d' height='%d' href='data:image/png;base64,%s'/>\n", w, h, png);
    fprintf(o, "<line x1='%.1f' y1='%.1f' x2='%.1f' y2='%.1f' stroke='#0df' stroke-width='2' "
               "stroke-dasharray='8 5'/>\n", in->plan.entry.x, in->plan.entry.y, target.x, target.y);
    fprintf(o, "<circle cx='%.1f' cy='%.1f' r='8' fill='none' stroke='#fd0' stroke-width='2'/>\n",
            target.x, target.y);
    polyline p = { o, "#f44", -1e18 };
    for (size_t i = 0; i < in->nframes; i++) {
        const report_frame *r = &in->frames[i];
        if (r->t_ms >= in->t0_ms && r->seen && (r->phase == approach || r->phase == at) &&
            isfinite(r->tip.x))
            polyline_point(&p, r->t_ms, r->tip.x, r->tip.y);
    }
    polyline_end(&p);
    fprintf(o, "</svg>\n");
}

/* The file time of the middle of a phase (its first frame's if short); -1 if never in it. */
static int64_t key_time(const report_input *in, ng_phase p, ng_phase fallback)
{
    for (int pass = 0; pass < 2; pass++) {
        ng_phase want = pass ? fallback : p;
        double a = -1, b = -1;
        for (size_t i = 0; i < in->nframes; i++)
            if (in->frames[i].t_ms >= in->t0_ms && in->frames[i].phase == want) {
                if (a < 0)
                    a = in->frames[i].t_ms;
                b = in->frames[i].t_ms;
            }
        if (a >= 0)
            return llround((a + b) / 2 - in->t0_ms);
    }
    return -1;
}

static void row(FILE *o, const char *name, const char *fmt, double v)
{
    fprintf(o, "<tr><th>%s</th><td>", name);
    if (isfinite(v))
        fprintf(o, fmt, v);
    else
        fprintf(o, "&ndash;");
    fprintf(o, "</td></tr>\n");
}

int report_write_html(const char *path, const char *dir, const report_input *in,
                      const report_figures *f, ng_errbuf *err)
{
    FILE *o = fopen(path, "w");
    if (!o) {
        ng_err_add(err, "%s: cannot write", path);
        return -1;
    }
    /* the key frames: raw.mkv through the same file source replay uses */
    char raw[1100];
    snprintf(raw, sizeof raw, "file:%s/raw.mkv", dir);
    ng_source_spec spec;
    char why[200];
    ng_source_opts so;
    source_opts_default(&so);
    so.fast = true;
    ng_errbuf serr = { 0 };
    ng_source *src = source_spec_parse(raw, &spec, why, sizeof why) == 0
                         ? source_open(&spec, &so, &serr) : NULL;
    int w = src ? src->width : 640, h = src ? src->height : 480;
    ng_converter conv;
    convert_init(&conv);
    int64_t k4 = key_time(in, PHASE_L4_AT_TARGET, PHASE_L4_APPROACH);
    int64_t k5 = key_time(in, PHASE_L5_AT_TARGET, PHASE_L5_APPROACH);
    char *png4 = src && k4 >= 0 ? key_frame_png(src, &conv, k4) : NULL;
    char *png5 = src && k5 >= 0 && k5 >= k4 ? key_frame_png(src, &conv, k5) : NULL;
    if (src)
        source_close(src);
    convert_free(&conv);

    fprintf(o, "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>needleguide training "
               "report</title>\n<style>body{font-family:sans-serif;max-width:960px;margin:2em auto}"
               "table{border-collapse:collapse}th,td{padding:3px 12px;border-bottom:1px solid #ddd;"
               "text-align:left}svg{display:block;margin:8px 0}.views svg{display:inline-block;"
               "width:440px;height:auto}</style></head><body>\n");
    fprintf(o, "<h1>Training report</h1>\n<p>Session <code>%s</code>. From the recorded video's "
               "telemetry alone. Research and training software, not a cleared medical "
               "device.</p>\n<table>\n", dir);
    row(o, "Procedure time (needle in &rarr; out)", "%.1f s", f->needle_in_s >= 0 ? f->procedure_s : NAN);
    fprintf(o, "<tr><th>Published (one puncture, two points)</th><td>%.0f &plusmn; %.0f s</td></tr>\n"
               "<tr><th>Published (two punctures)</th><td>%.0f &plusmn; %.0f s</td></tr>\n",
            PUB_ONE_S, PUB_ONE_SD, PUB_TWO_S, PUB_TWO_SD);
    fprintf(o, "<tr><th>Skin punctures</th><td>%d</td></tr>\n<tr><th>Redirections</th><td>%d</td></tr>\n",
            f->punctures, f->redirections);
    row(o, "Tip to L4 target at the injection", "%.1f mm", f->l4_tip_mm);
    row(o, "Tip to L5 target at the injection", "%.1f mm", f->l5_tip_mm);
    row(o, "Largest offset from the planned path", "%.1f mm", f->max_offset_mm);
    row(o, "Largest angle from the planned path", "%.1f&deg;", f->max_angle_dev_deg);
    row(o, "Frames with the needle seen", "%.0f %%", f->seen_pct);
    row(o, "Session length", "%.1f s", f->session_s);
    fprintf(o, "</table>\n<h2>Time in each phase</h2>\n<table>\n");
    for (int p = 0; p < PHASE_COUNT; p++)
        row(o, phase_name((ng_phase)p), "%.1f s", f->phase_s[p]);
    fprintf(o, "</table>\n<h2>Tip to target over time</h2>\n");
    plot_distance(o, in, f->session_s);
    fprintf(o, "<h2>The needle's way in each view</h2>\n<div class='views'>\n");
    plot_view(o, in, png4, PHASE_L4_APPROACH, PHASE_L4_AT_TARGET, in->plan.l4_target, w, h);
    plot_view(o, in, png5, PHASE_L5_APPROACH, PHASE_L5_AT_TARGET, in->plan.l5_target, w, h);
    fprintf(o, "</div>\n<p>Dashed: the planned path; circle: the target as planned; red: the "
               "tip as tracked.</p>\n</body></html>\n");
    free(png4);
    free(png5);
    if (fclose(o) != 0) {
        ng_err_add(err, "%s: cannot write", path);
        return -1;
    }
    return 0;
}
