#include "overlay/overlay.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <libyuv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "capture/convert.h"
#include "overlay/canvas.h"
#include "overlay/draw.h"
#include "overlay/mark_cache.h"
#include "overlay/panel_lines.h"
#include "overlay/text_cache.h"

/* Sizes at a 540-px-high window, scaled with the window's height. */
#define PANEL_W 250
#define FONT_SMALL 13
#define FONT_BODY 16
#define FONT_BIG 24
#define UI_REF_H 540.0
#define UI_MIN 0.7
#define UI_MAX 4.0

enum { F_SMALL, F_BODY, F_BIG, F_COUNT };
static const int font_pt[F_COUNT] = { FONT_SMALL, FONT_BODY, FONT_BIG };

struct overlay {
    SDL_Window *window;       /* none when headless: the screen is drawn into canvas */
    SDL_Surface *canvas;      /* headless: the screen, read back for recordings and snapshots */
    SDL_Renderer *renderer;
    SDL_Texture *video;
    ng_converter conv;        /* captured frames into the video texture or the canvas, here */
    TTF_Font *font[F_COUNT];
    text_cache *texts;        /* of those fonts at their present size */
    mark_cache *marks;        /* rings and crosshairs, drawn once each */
    panel_lines panel;        /* the panel's lines, drawn again where they changed */
    bool panel_at_once;       /* its lines drawn as they come (more than it keeps) */
    double font_ui;           /* the UI scale the fonts are sized for */
    int frame_w, frame_h;
    /* this screen's layout */
    double ui;                /* scale of fonts, strokes and panel */
    int win_w, win_h, panel_w;
    double scale, off_x, off_y;   /* the video in the window */
};

static const SDL_Color WHITE = { 235, 235, 235, 255 }, DIM = { 150, 150, 150, 255 };
static const SDL_Color RED_BG = { 200, 40, 40, 255 }, AMBER_BG = { 170, 110, 0, 255 };
static const SDL_Color GREY_BG = { 110, 110, 110, 255 }, BLUE_BG = { 40, 90, 190, 255 };
/* the panel's opaque background; NO_BG: text blended over what lies below */
static const SDL_Color PANEL_BG = { 24, 24, 28, 255 }, NO_BG = { 0, 0, 0, 0 };

static SDL_Color rgba(Uint8 r, Uint8 g, Uint8 b, Uint8 a) { return (SDL_Color){ r, g, b, a }; }

static ng_vec2 to_win(const overlay *ov, ng_vec2 p)
{
    return ng_v2(ov->off_x + p.x * ov->scale, ov->off_y + p.y * ov->scale);
}

/* A length of v px at a 540-px-high window. */
static float px(const overlay *ov, double v) { return (float)(v * ov->ui); }
/* A stroke width: scaled up with the window, never thinner than at 540 px. */
static float stroke(const overlay *ov, double v) { return (float)(v * fmax(1, ov->ui)); }

overlay *overlay_new(const overlay_opts *o, int frame_w, int frame_h, ng_errbuf *err)
{
    overlay *ov = calloc(1, sizeof *ov);
    if (!ov)
        return NULL;
    ov->frame_w = frame_w;
    ov->frame_h = frame_h;
    convert_init(&ov->conv);
    /* Signals are ours (signalfd); headless means SDL's dummy driver unless told otherwise. */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    if (o->headless && !getenv("SDL_VIDEODRIVER"))
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (SDL_Init(SDL_INIT_VIDEO) < 0) {
        ng_err_add(err, "display: cannot start SDL video: %s", SDL_GetError());
        free(ov);
        return NULL;
    }
    if (TTF_Init() < 0) {
        ng_err_add(err, "display: cannot start SDL_ttf: %s", TTF_GetError());
        goto fail;
    }
    for (int i = 0; i < F_COUNT; i++) {
        const char *path = o->font_path ? o->font_path : i == F_BIG ? OVERLAY_FONT_BOLD : OVERLAY_FONT;
        if (!(ov->font[i] = TTF_OpenFont(path, font_pt[i]))) {
            ng_err_add(err, "display: cannot open font %s: %s", path, TTF_GetError());
            goto fail;
        }
    }
    ov->font_ui = 1;
    int w = o->width, h = o->height;
    if (w <= 0 || h <= 0) {
        double ui = fmin(fmax(frame_h / UI_REF_H, UI_MIN), UI_MAX);
        w = frame_w + (int)lround(PANEL_W * ui);
        h = frame_h;
    }
    if (o->headless) {
        /* Nothing shows a headless screen, so it is drawn into a surface of ours, not a window
         * SDL would copy it into: a frame is then converted straight into the screen. */
        ov->canvas = canvas_new(w, h, SDL_PIXELFORMAT_RGB888);
        if (!ov->canvas) {
            ng_err_add(err, "display: cannot create a %dx%d screen: %s", w, h, SDL_GetError());
            goto fail;
        }
        ov->renderer = SDL_CreateSoftwareRenderer(ov->canvas);
    } else {
        Uint32 flags = SDL_WINDOW_RESIZABLE | (o->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
        ov->window = SDL_CreateWindow("needleguide", SDL_WINDOWPOS_UNDEFINED,
                                      SDL_WINDOWPOS_UNDEFINED, w, h, flags);
        if (!ov->window) {
            ng_err_add(err, "display: cannot create window: %s", SDL_GetError());
            goto fail;
        }
        /* No vsync: presenting must never hold back the newest frame. */
        ov->renderer = SDL_CreateRenderer(ov->window, -1, 0);
        if (!ov->renderer)
            ov->renderer = SDL_CreateRenderer(ov->window, -1, SDL_RENDERER_SOFTWARE);
    }
    if (!ov->renderer) {
        ng_err_add(err, "display: cannot create renderer: %s", SDL_GetError());
        goto fail;
    }
    SDL_SetRenderDrawBlendMode(ov->renderer, SDL_BLENDMODE_BLEND);
    /* The frame is opaque: XRGB (libyuv's ARGB bytes, alpha ignored) and copied, not blended.
     * An ARGB texture would be alpha-blended pixel by pixel on the software renderer. */
    ov->video = SDL_CreateTexture(ov->renderer, SDL_PIXELFORMAT_RGB888,
                                  SDL_TEXTUREACCESS_STREAMING, frame_w, frame_h);
    if (!ov->video) {
        ng_err_add(err, "display: cannot create texture: %s", SDL_GetError());
        goto fail;
    }
    SDL_SetTextureBlendMode(ov->video, SDL_BLENDMODE_NONE);
    ov->texts = text_cache_new(ov->renderer);
    ov->marks = mark_cache_new(ov->renderer);
    if (!ov->texts || !ov->marks) {
        ng_err_add(err, "display: out of memory");
        goto fail;
    }
    return ov;
fail:
    overlay_free(ov);
    return NULL;
}

void overlay_free(overlay *ov)
{
    if (!ov)
        return;
    text_cache_free(ov->texts);
    mark_cache_free(ov->marks);
    convert_free(&ov->conv);
    if (ov->video) SDL_DestroyTexture(ov->video);
    if (ov->renderer) SDL_DestroyRenderer(ov->renderer);
    if (ov->window) SDL_DestroyWindow(ov->window);
    canvas_free(ov->canvas);
    for (int i = 0; i < F_COUNT; i++)
        if (ov->font[i])
            TTF_CloseFont(ov->font[i]);
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    free(ov);
}

void overlay_toggle_fullscreen(overlay *ov)
{
    if (!ov->window)   /* headless: no screen to fill */
        return;
    bool full = SDL_GetWindowFlags(ov->window) & SDL_WINDOW_FULLSCREEN_DESKTOP;
    SDL_SetWindowFullscreen(ov->window, full ? 0 : SDL_WINDOW_FULLSCREEN_DESKTOP);
}

bool overlay_frame_point(const overlay *ov, int win_x, int win_y, ng_vec2 *out)
{
    if (ov->scale <= 0)
        return false;
    ng_vec2 p = ng_v2((win_x + 0.5 - ov->off_x) / ov->scale, (win_y + 0.5 - ov->off_y) / ov->scale);
    if (p.x < 0 || p.y < 0 || p.x >= ov->frame_w || p.y >= ov->frame_h)
        return false;
    *out = p;
    return true;
}

void overlay_window_position(overlay *ov, int *x, int *y)
{
    *x = *y = 0;
    if (ov->window)
        SDL_GetWindowPosition(ov->window, x, y);
}

const char *overlay_instruction(ng_phase p)
{
    static const char *const text[PHASE_COUNT] = {
        [PHASE_IDLE] = "Insert the needle in-plane towards the L4 target",
        [PHASE_L4_APPROACH] = "Advance in-plane to the L4 target: L5 superior articular process "
                              "and transverse process",
        [PHASE_L4_AT_TARGET] = "At the L4 target: inject",
        [PHASE_WITHDRAW] = "Withdraw to subcutaneous; rotate probe: lateral end fixed, medial end "
                           "caudal",
        [PHASE_REPOSITION] = "Rotate probe: lateral end fixed, medial end caudal, until the L5-S1 "
                             "facet and the sacral ala show",
        [PHASE_L5_APPROACH] = "Redirect superolateral to inferomedial to the L5 target: S1 "
                              "articular process and sacral ala",
        [PHASE_L5_AT_TARGET] = "At the L5 target: inject, then withdraw the needle",
        [PHASE_DONE] = "Procedure complete",
    };
    return (unsigned)p < PHASE_COUNT ? text[p] : "";
}

/* This screen's layout: the UI scale from the window's height, the panel, the video's place. */
static void layout(overlay *ov)
{
    SDL_GetRendererOutputSize(ov->renderer, &ov->win_w, &ov->win_h);
    ov->ui = fmin(fmax(ov->win_h / UI_REF_H, UI_MIN), UI_MAX);
    ov->panel_w = (int)lround(fmin(PANEL_W * ov->ui, ov->win_w / 2.0));
    if (fabs(ov->ui - ov->font_ui) > 0.02) {
        for (int i = 0; i < F_COUNT; i++)
            TTF_SetFontSize(ov->font[i], (int)lround(font_pt[i] * ov->ui));
        text_cache_clear(ov->texts);
        panel_lines_forget(&ov->panel);
        ov->font_ui = ov->ui;
    }
    int avail_w = ov->win_w - ov->panel_w;
    if (avail_w < 16)
        avail_w = 16;
    ov->scale = fmin((double)avail_w / ov->frame_w, (double)ov->win_h / ov->frame_h);
    ov->off_x = (avail_w - ov->frame_w * ov->scale) / 2;
    ov->off_y = (ov->win_h - ov->frame_h * ov->scale) / 2;
}

static void fill(overlay *ov, SDL_Rect rc, SDL_Color c) { draw_fill_rect(ov->renderer, rc, c); }

/* Text at (x, y) on bg (text_cache_get), wrapped at wrap px when wrap > 0; returns its
 * height. */
static int text_on(overlay *ov, SDL_Color bg, int font, int x, int y, SDL_Color c, int wrap,
                   const char *s)
{
    SDL_Rect dst = { x, y, 0, 0 };
    SDL_Texture *tex = text_cache_get(ov->texts, ov->font[font], c, bg, wrap, s, &dst.w, &dst.h);
    if (!tex)
        return 0;
    SDL_RenderCopy(ov->renderer, tex, NULL, &dst);
    return dst.h;
}

static int text(overlay *ov, int font, int x, int y, SDL_Color c, int wrap, const char *s)
{
    return text_on(ov, NO_BG, font, x, y, c, wrap, s);
}

/* A banner across the top of the video: what the clinician must not miss. */
static void banner(overlay *ov, int slot, SDL_Color bg, const char *s)
{
    int w, h;
    if (TTF_SizeUTF8(ov->font[F_BIG], s, &w, &h) < 0)
        return;
    int pad = (int)lround(px(ov, 10));
    int vw = (int)(ov->frame_w * ov->scale);
    SDL_Rect box = { (int)ov->off_x + (vw - w) / 2 - pad, (int)ov->off_y + pad + slot * (h + 2 * pad),
                     w + 2 * pad, h + pad };
    bg.a = 225;
    fill(ov, box, bg);
    text(ov, F_BIG, box.x + pad, box.y + pad / 2, rgba(255, 255, 255, 255), 0, s);
}

/* What the picture on screen is, the reasons it is not live most serious first: the banners
 * name the reason, the trust level follows from it. */
typedef enum {
    PIC_NO_FRAME,      /* nothing received yet */
    PIC_SOURCE,        /* the source has a problem (no signal, ended, ...) */
    PIC_NO_NEW_FRAME,  /* nothing new for OVERLAY_FROZEN_MS */
    PIC_UNCHANGED,     /* frames arrive, the image has not changed (the scanner's freeze) */
    PIC_PAUSED,        /* the user froze the display */
    PIC_LATE,          /* the frame shown is more than OVERLAY_STALE_MS old */
    PIC_LIVE
} picture;

static picture picture_of(const overlay_view *v)
{
    if (!v->argb && !v->frame)
        return PIC_NO_FRAME;
    if (v->source_problem)
        return PIC_SOURCE;
    if (v->stale_ms > OVERLAY_FROZEN_MS)
        return PIC_NO_NEW_FRAME;
    if (v->still_ms >= OVERLAY_FROZEN_MS)
        return PIC_UNCHANGED;
    if (v->paused)
        return PIC_PAUSED;
    if (v->latency_ms > OVERLAY_STALE_MS)
        return PIC_LATE;
    return PIC_LIVE;
}

/* How much of the picture can be trusted. */
typedef enum {
    TRUST_LIVE,       /* a current frame: the needle and the numbers may be shown */
    TRUST_DELAYED,    /* paused by the user, or late: the needle greyed, no numbers */
    TRUST_NONE        /* no frame, no signal, frozen: no needle at all */
} trust;

static trust trust_of(picture pic)
{
    return pic <= PIC_UNCHANGED ? TRUST_NONE : pic < PIC_LIVE ? TRUST_DELAYED : TRUST_LIVE;
}

static SDL_Color target_colour(ng_target t)
{
    return t == GD_TARGET_L4 ? rgba(OVL_TARGET, 255) : rgba(OVL_PATH_L5, 255);
}

static void draw_plan(overlay *ov, const overlay_view *v, trust tr)
{
    SDL_Renderer *r = ov->renderer;
    const guide_state *gs = &v->guide;
    ng_vec2 roi0 = to_win(ov, ng_v2(v->roi.x, v->roi.y));
    SDL_FRect roi = { (float)roi0.x, (float)roi0.y, (float)(v->roi.w * ov->scale),
                      (float)(v->roi.h * ov->scale) };
    SDL_SetRenderDrawColor(r, 90, 90, 90, 255);
    SDL_RenderDrawRectF(r, &roi);

    ng_target active = guide_phase_target(gs->phase);
    bool done = gs->phase == PHASE_DONE;
    ng_vec2 e = to_win(ov, gs->plan.entry);
    float tol = (float)(gs->plan.tolerance_mm / v->mm_per_px * ov->scale);
    const ng_target ts[2] = { GD_TARGET_L4, GD_TARGET_L5 };
    for (int k = 0; k < 2; k++) {
        ng_target t = ts[k];
        bool on = t == active && !done;
        ng_vec2 tw = to_win(ov, guidance_target_point(&gs->plan, t));
        SDL_Color path = t == GD_TARGET_L4 ? rgba(OVL_PATH_L4, 255) : rgba(OVL_PATH_L5, 255);
        /* the phase's path bright, the other faded (thinner, a little translucent: at alpha 200
         * its colour stays within 60 levels of its own over any background, so it still reads
         * as that path's colour on bone or shadow) */
        path.a = on ? 255 : 200;
        mark_cache_dashed_line(ov->marks, e, tw, stroke(ov, on ? 3 : 2), stroke(ov, 10),
                               stroke(ov, 7), path);

        /* A target the anatomy no longer holds, or one waiting for confirmation, is dashed:
         * never a confident mark on the wrong place. */
        bool unsure = !gs->anchored || (t == GD_TARGET_L5 && gs->l5_to_confirm);
        bool hit = on && tr == TRUST_LIVE && gs->numbers.valid && gs->numbers.at_target;
        SDL_Color c = hit ? rgba(OVL_TARGET_HIT, 255) : unsure ? rgba(OVL_UNCERTAIN, 255)
                                                              : target_colour(t);
        const mark_shape mark = { .ring_radius = tol,
                                  .ring_width = stroke(ov, unsure ? 2.5 : hit ? 3.5 : 2),
                                  .ring_dashes = unsure ? 16 : 0,
                                  .cross_size = stroke(ov, 7),
                                  .cross_width = stroke(ov, 1.5),
                                  .colour = c };
        mark_cache_draw(ov->marks, &mark, tw);
        if (unsure)
            text(ov, F_BODY, (int)(tw.x + tol + px(ov, 4)), (int)(tw.y - px(ov, 10)), c, 0,
                 gs->anchored ? "confirm?" : "?");
    }
    const mark_shape entry = { .ring_radius = stroke(ov, 4), .ring_width = stroke(ov, 2),
                               .colour = WHITE };
    mark_cache_draw(ov->marks, &entry, e);
}

static SDL_Color needle_colour(const ng_guidance *g)
{
    if (g->angle_dev_deg <= OVL_OK_DEG && fabs(g->lateral_mm) <= OVL_OK_MM)
        return rgba(OVL_NEEDLE_OK, 255);
    if (g->angle_dev_deg <= OVL_WARN_DEG && fabs(g->lateral_mm) <= OVL_WARN_MM)
        return rgba(OVL_NEEDLE_WARN, 255);
    return rgba(OVL_NEEDLE_BAD, 255);
}

static void draw_needle(overlay *ov, const overlay_view *v, trust tr)
{
    const ng_track *k = &v->track;
    if (!k->found || tr == TRUST_NONE)
        return;
    SDL_Renderer *r = ov->renderer;
    ng_vec2 a = to_win(ov, k->shaft_start), b = to_win(ov, k->tip);
    const ng_guidance *g = &v->guide.numbers;
    if (k->confidence < TRACK_CONFIDENT || tr != TRUST_LIVE || !g->valid) {
        /* Uncertain or not current: grey and dashed, never a confident line. */
        mark_cache_dashed_line(ov->marks, a, b, stroke(ov, 2.5), stroke(ov, 7), stroke(ov, 7),
                               rgba(OVL_UNCERTAIN, 255));
        return;
    }
    if (!v->guide.anchored) {
        /* where the needle is, but no judgement against a target the anatomy no longer holds */
        draw_line(r, a, b, stroke(ov, 3), rgba(OVL_NEEDLE_UNJUDGED, 255));
        return;
    }
    SDL_Color c = needle_colour(g);
    if (g->miss_valid && v->guide.numbers.remaining_mm > 0) {
        /* where the shaft, carried on, reaches the target's depth */
        ng_vec2 aim = to_win(ov, g->aim);
        mark_cache_dashed_line(ov->marks, b, aim, stroke(ov, 2), stroke(ov, 2), stroke(ov, 6), c);
        const mark_shape cross = { .cross_size = stroke(ov, 4), .cross_width = stroke(ov, 1.5),
                                   .colour = c };
        mark_cache_draw(ov->marks, &cross, aim);
    }
    draw_line(r, a, b, stroke(ov, 3), c);
    const mark_shape tip = { .ring_radius = stroke(ov, 6), .ring_width = stroke(ov, 2), .colour = c };
    mark_cache_draw(ov->marks, &tip, b);
}

static void mmss(char *buf, size_t n, double ms)
{
    long s = (long)(ms / 1000);
    snprintf(buf, n, "%ld:%02ld", s / 60, s % 60);
}

/* A line of the panel on its background at (x, y); returns its height. Only its size now: it
 * is drawn with the panel's changes (draw_panel), unless the lines are drawn as they come. */
static int panel_text(overlay *ov, int font, int x, int y, SDL_Color c, int wrap, const char *s)
{
    if (ov->panel_at_once)
        return text_on(ov, PANEL_BG, font, x, y, c, wrap, s);
    SDL_Rect dst = { x, y, 0, 0 };
    if (!text_cache_get(ov->texts, ov->font[font], c, PANEL_BG, wrap, s, &dst.w, &dst.h))
        return 0;
    panel_lines_add(&ov->panel, font, c, wrap, dst, s);
    return dst.h;
}

/* One line of the panel; returns its height plus spacing. */
static int panel_line(overlay *ov, int font, int x, int y, SDL_Color c, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int panel_line(overlay *ov, int font, int x, int y, SDL_Color c, const char *fmt, ...)
{
    char line[PANEL_LINE_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    return panel_text(ov, font, x, y, c, ov->panel_w - (int)px(ov, 20), line) + (int)px(ov, 3);
}

/* The panel's lines (panel_text), top to bottom. */
static void panel_content(overlay *ov, const overlay_view *v, trust tr)
{
    const guide_state *gs = &v->guide;
    const ng_guidance *g = &gs->numbers;
    int x0 = ov->win_w - ov->panel_w;
    int x = x0 + (int)px(ov, 10), y = (int)px(ov, 8), gap = (int)px(ov, 8);
    SDL_Color amber = { OVL_NEEDLE_WARN, 255 };

    y += panel_line(ov, F_SMALL, x, y, DIM, "needleguide");
    SDL_Color pc = gs->phase == PHASE_IDLE || gs->phase == PHASE_DONE ? WHITE
                   : target_colour(guide_phase_target(gs->phase));
    char phase[32];
    snprintf(phase, sizeof phase, "%s", phase_name(gs->phase));
    for (char *c = phase; *c; c++)
        *c = *c == '_' ? ' ' : (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
    y += panel_line(ov, F_BIG, x, y, pc, "%s", phase);
    y += panel_line(ov, F_BODY, x, y, WHITE, "%s", overlay_instruction(gs->phase));
    if (gs->l5_to_confirm && gs->phase >= PHASE_REPOSITION)
        y += panel_line(ov, F_BODY, x, y, amber, "Confirm the L5 target: Enter");
    if (!gs->anchored)
        y += panel_line(ov, F_BODY, x, y, amber, "Targets not anchored to this view");
    y += gap;

    /* The numbers: only from a current, confident track. */
    const char *tn = guidance_target_name(g->target);
    if (tr == TRUST_LIVE && g->valid && gs->anchored) {
        y += panel_line(ov, F_BIG, x, y, g->at_target ? rgba(OVL_TARGET_HIT, 255) : WHITE,
                        "%s %.1f mm", tn, g->tip_to_target_mm);
        y += panel_line(ov, F_BODY, x, y, WHITE, "depth left %.1f mm", g->remaining_mm);
        y += panel_line(ov, F_BODY, x, y, needle_colour(g), "angle %.1f\u00b0  offset %.1f mm",
                        g->angle_dev_deg, fabs(g->lateral_mm));
        if (g->miss_valid)
            y += panel_line(ov, F_BODY, x, y, WHITE, "predicted miss %.1f mm", fabs(g->miss_mm));
        else
            y += panel_line(ov, F_BODY, x, y, DIM, "predicted miss -");
    } else {
        y += panel_line(ov, F_BIG, x, y, DIM, "%s - mm", tn);
        y += panel_line(ov, F_BODY, x, y, DIM, "%s", !gs->anchored ? "no anchored target"
                                                        : tr == TRUST_LIVE ? "no confident needle"
                                                                           : "not live");
    }
    y += gap;
    char pt[32], tt[32];
    mmss(pt, sizeof pt, gs->phase_ms);
    mmss(tt, sizeof tt, gs->total_ms);
    y += panel_line(ov, F_BODY, x, y, WHITE, "phase %s  total %s", pt, tt);
    y += gap;
    y += panel_line(ov, F_SMALL, x, y, DIM, "%.1f fps, latency %.0f ms", v->fps, v->latency_ms);
    y += panel_line(ov, F_SMALL, x, y, DIM, "skipped %llu", (unsigned long long)v->skipped);
    if (v->driver_drops)
        y += panel_line(ov, F_SMALL, x, y, amber, "dropped by card %llu",
                        (unsigned long long)v->driver_drops);
    if (v->replay)
        y += panel_line(ov, F_SMALL, x, y, rgba(OVL_PATH_L4, 255), "%s", v->replay);
    if (v->recording) {
        char rt[32];
        mmss(rt, sizeof rt, v->rec_seconds * 1000);
        y += panel_line(ov, F_BODY, x, y, rgba(OVL_NEEDLE_BAD, 255), "\u25cf REC %s", rt);
        if (v->rec_dropped)
            y += panel_line(ov, F_SMALL, x, y, amber, "not recorded %llu frames",
                            (unsigned long long)v->rec_dropped);
    } else if (v->rec_problem) {
        y += panel_line(ov, F_SMALL, x, y, amber, "NOT RECORDING: %s", v->rec_problem);
    }

    int line = TTF_FontLineSkip(ov->font[F_SMALL]);
    panel_text(ov, F_SMALL, x, ov->win_h - 3 * line - gap, DIM, 0, "H: keys");
    panel_text(ov, F_SMALL, x, ov->win_h - 2 * line - gap / 2, DIM, 0,
               "Research and training use.");
    panel_text(ov, F_SMALL, x, ov->win_h - line - gap / 2, DIM, 0, "Not a medical device.");
}

/* The panel: on a screen that keeps its pixels (the canvas), only the bands where a line
 * changed; elsewhere, or with more lines than it keeps, whole. */
static void draw_panel(overlay *ov, const overlay_view *v, trust tr)
{
    SDL_Rect area = { ov->win_w - ov->panel_w, 0, ov->panel_w, ov->win_h };
    panel_lines_begin(&ov->panel);
    panel_content(ov, v, tr);
    SDL_Rect bands[8];
    int n = panel_lines_damage(&ov->panel, area, ov->canvas != NULL, bands,
                               (int)(sizeof bands / sizeof *bands));
    if (ov->panel.overflow) {
        fill(ov, area, PANEL_BG);
        ov->panel_at_once = true;
        panel_content(ov, v, tr);
        ov->panel_at_once = false;
        return;
    }
    for (int b = 0; b < n; b++) {
        fill(ov, bands[b], PANEL_BG);
        for (int i = 0; i < ov->panel.n_now; i++) {
            const panel_item *l = &ov->panel.now[i];
            if (panel_lines_in_band(&ov->panel, i, bands[b]))
                text_on(ov, PANEL_BG, l->font, l->rect.x, l->rect.y, l->colour, l->wrap, l->s);
        }
    }
}

static void draw_help(overlay *ov)
{
    static const char *const keys[][2] = {
        { "H", "this card" },         { "Space", "freeze / unfreeze" },
        { "N / B", "next / previous phase" }, { "Enter", "confirm the L5 target" },
        { "P", "plan: click entry, L4 (L5 after the rotation)" },
        { "S", "save the plan" },     { "R", "record / stop recording" },
        { "F", "fullscreen" },
        { "Q, Esc", "quit (Esc: leave planning)" },
    };
    int n = (int)(sizeof keys / sizeof keys[0]);
    int lh = TTF_FontLineSkip(ov->font[F_BODY]), pad = (int)px(ov, 14);
    int w = (int)px(ov, 480), h = (n + 1) * lh + 2 * pad + (int)px(ov, 8);
    int vw = (int)(ov->frame_w * ov->scale), vh = (int)(ov->frame_h * ov->scale);
    SDL_Rect box = { (int)ov->off_x + (vw - w) / 2, (int)ov->off_y + (vh - h) / 2, w, h };
    fill(ov, box, rgba(20, 20, 24, 235));
    int y = box.y + pad;
    y += text(ov, F_BODY, box.x + pad, y, WHITE, 0, "Keys") + (int)px(ov, 8);
    for (int i = 0; i < n; i++) {
        text(ov, F_BODY, box.x + pad, y, rgba(OVL_TARGET, 255), 0, keys[i][0]);
        y += text(ov, F_BODY, box.x + pad + (int)px(ov, 90), y, WHITE, 0, keys[i][1]);
    }
}

/* The banners, most serious first. */
static void draw_banners(overlay *ov, const overlay_view *v, picture pic)
{
    int slot = 0;
    char msg[96];
    switch (pic) {
    case PIC_NO_FRAME:
        banner(ov, slot++, RED_BG, v->source_problem ? v->source_problem : "WAITING FOR VIDEO");
        break;
    case PIC_SOURCE: banner(ov, slot++, RED_BG, v->source_problem); break;
    case PIC_NO_NEW_FRAME:
        snprintf(msg, sizeof msg, "FROZEN: no new frame for %.1f s", v->stale_ms / 1000);
        banner(ov, slot++, RED_BG, msg);
        break;
    case PIC_UNCHANGED:
        snprintf(msg, sizeof msg, "FROZEN: picture unchanged for %.1f s", v->still_ms / 1000);
        banner(ov, slot++, RED_BG, msg);
        break;
    default: break;
    }
    if (v->prompt)   /* planning: the one thing asked of the user now */
        banner(ov, slot++, BLUE_BG, v->prompt);
    if (v->message)
        banner(ov, slot++, GREY_BG, v->message);
    if (slot)
        return;   /* nothing below matters on a picture that is not live, or while planning */
    if (pic == PIC_PAUSED)
        banner(ov, slot++, BLUE_BG, "PAUSED (Space): not live");
    else if (pic == PIC_LATE) {
        snprintf(msg, sizeof msg, "STALE: video %.0f ms behind", v->latency_ms);
        banner(ov, slot++, AMBER_BG, msg);
    }
    if (!v->track.found)
        banner(ov, slot++, AMBER_BG, "NEEDLE NOT FOUND");
    else if (v->track.confidence < TRACK_CONFIDENT)
        banner(ov, slot++, GREY_BG, "LOW CONFIDENCE");
}

void overlay_present(overlay *ov) { SDL_RenderPresent(ov->renderer); }

/* Headless at 1:1 on whole pixels: the frame goes straight into the screen, not through the
 * video texture (a conversion and then a copy of the whole picture). */
static bool straight_into_canvas(const overlay *ov)
{
    return ov->canvas && ov->scale == 1 && ov->off_x == floor(ov->off_x) &&
           ov->off_y == floor(ov->off_y);
}

/* The frame's pixels dimmed (a picture that is not live): each colour times (255 - the dim's
 * alpha) / 255, what blending black at that alpha over them gives, in one vector pass — blended
 * as a rectangle on the software renderer it took SDL's per-pixel loop ~6 ms at 1080p. */
static void dim(void *pixels, int pitch, int w, int h)
{
    const uint32_t keep = 255 - OVERLAY_DIM_ALPHA;
    ARGBShade(pixels, pitch, pixels, pitch, w, h, 0xff000000u | keep << 16 | keep << 8 | keep);
}

/* Rows converted and dimmed together, while they are still in cache: a second pass over the
 * whole converted frame read it back from memory (~1 ms of 2.7 at 1080p). Even, for 4:2:0. */
#define DIM_BAND_ROWS 16

/* Rows y0 .. y0 + rows - 1 of the view's frame, converted (a captured frame) or copied (ARGB),
 * into pixels (where row y0 goes), pitch bytes a row. */
static bool rows_into(overlay *ov, const overlay_view *v, int y0, int rows, uint8_t *pixels,
                      int pitch)
{
    if (!v->frame)
        return SDL_ConvertPixels(v->width, rows, SDL_PIXELFORMAT_RGB888,
                                 v->argb + (size_t)y0 * (size_t)v->stride, v->stride,
                                 SDL_PIXELFORMAT_RGB888, pixels, pitch) == 0;
    if (y0 == 0 && rows == v->height)   /* whole: a JPEG too, which has no rows of its own */
        return convert_frame(&ov->conv, v->frame, pixels, pitch, NULL, NULL) == 0;
    ng_frame band;
    return frame_rows(v->frame, y0, rows, &band) &&
           convert_frame(&ov->conv, &band, pixels, pitch, NULL, NULL) == 0;
}

/* The view's frame into pixels, dimmed if asked: then in bands (a JPEG whole), each dimmed as
 * soon as it is in. */
static bool frame_into(overlay *ov, const overlay_view *v, uint8_t *pixels, int pitch,
                       bool dimmed)
{
    ng_frame probe;
    bool bands = dimmed && (!v->frame || frame_rows(v->frame, 0, 1, &probe));
    int step = bands ? DIM_BAND_ROWS : v->height;
    for (int y = 0; y < v->height; y += step) {
        int rows = v->height - y < step ? v->height - y : step;
        uint8_t *at = pixels + (size_t)y * (size_t)pitch;
        if (!rows_into(ov, v, y, rows, at, pitch))
            return false;
        if (dimmed)
            dim(at, pitch, v->width, rows);
    }
    return true;
}

/* The view's frame into the screen, dimmed if asked: straight into the canvas, or into the
 * video texture (on the software renderer, the texture's own pixels) and copied from there.
 * False if it could not be. */
static bool put_video(overlay *ov, const overlay_view *v, const SDL_FRect *dst, bool dimmed)
{
    if (straight_into_canvas(ov)) {
        SDL_RenderFlush(ov->renderer);   /* the bars queued before reach a pixel into it */
        uint8_t *at = (uint8_t *)ov->canvas->pixels + (size_t)dst->y * (size_t)ov->canvas->pitch +
                      (size_t)dst->x * 4;
        return frame_into(ov, v, at, ov->canvas->pitch, dimmed);
    }
    void *pixels;
    int pitch;
    if (SDL_LockTexture(ov->video, NULL, &pixels, &pitch) != 0)
        return false;
    bool ok = frame_into(ov, v, pixels, pitch, dimmed);
    SDL_UnlockTexture(ov->video);
    return ok && SDL_RenderCopyF(ov->renderer, ov->video, NULL, dst) == 0;
}

/* Black where the video and the panel do not draw (all of the video's side when there is no
 * video): the letterbox bars, a pixel into the video's rectangle so that its rounding leaves no
 * pixel of an earlier screen — none into it when the frame goes straight into the screen, on
 * whole pixels (a video filling its side then needs no bar at all: those 1-px columns cost a
 * cache line a row). Not a clear of the whole window, which costs a pass over every pixel on
 * the software renderer, drawn over again at once. */
static void clear_around(overlay *ov, const SDL_FRect *video)
{
    const SDL_Color black = { 0, 0, 0, 255 };
    int side_w = ov->win_w - ov->panel_w;
    if (!video) {
        fill(ov, (SDL_Rect){ 0, 0, side_w, ov->win_h }, black);
        return;
    }
    int in = straight_into_canvas(ov) ? 0 : 1;
    int x0 = (int)floorf(video->x) + in, x1 = (int)ceilf(video->x + video->w) - in;
    int y0 = (int)floorf(video->y) + in, y1 = (int)ceilf(video->y + video->h) - in;
    if (x0 > 0)
        fill(ov, (SDL_Rect){ 0, 0, x0, ov->win_h }, black);
    if (x1 < side_w)
        fill(ov, (SDL_Rect){ x1, 0, side_w - x1, ov->win_h }, black);
    if (y0 > 0)
        fill(ov, (SDL_Rect){ 0, 0, side_w, y0 }, black);
    if (y1 < ov->win_h)
        fill(ov, (SDL_Rect){ 0, y1, side_w, ov->win_h - y1 }, black);
}

void overlay_draw(overlay *ov, const overlay_view *v)
{
    layout(ov);
    SDL_FRect dst = { (float)ov->off_x, (float)ov->off_y, (float)(ov->frame_w * ov->scale),
                      (float)(ov->frame_h * ov->scale) };
    picture pic = picture_of(v);
    bool video = pic != PIC_NO_FRAME && v->width == ov->frame_w && v->height == ov->frame_h;
    /* nothing drawn on the video's side spills into the panel, whose lines the canvas keeps */
    const SDL_Rect side = { 0, 0, ov->win_w - ov->panel_w, ov->win_h };
    SDL_RenderSetClipRect(ov->renderer, &side);
    clear_around(ov, video ? &dst : NULL);
    /* the last frame, dimmed: it is not live */
    if (video && !put_video(ov, v, &dst, trust_of(pic) == TRUST_NONE)) {
        /* one that could not be converted: no picture, and no needle over the black */
        clear_around(ov, NULL);
        video = false;
    }
    if (!video)   /* a frame of another size, or none */
        pic = PIC_NO_FRAME;
    trust tr = trust_of(pic);
    draw_plan(ov, v, tr);
    draw_needle(ov, v, tr);
    /* the panel's trust is the picture's as it turned out (a frame that could not be shown is
     * none), so it comes after the video, unclipped */
    SDL_RenderSetClipRect(ov->renderer, NULL);
    draw_panel(ov, v, tr);
    SDL_RenderSetClipRect(ov->renderer, &side);
    draw_banners(ov, v, pic);
    if (v->help)
        draw_help(ov);
    SDL_RenderSetClipRect(ov->renderer, NULL);
}

void overlay_output_size(overlay *ov, int *w, int *h)
{
    SDL_GetRendererOutputSize(ov->renderer, w, h);
}

int overlay_read(overlay *ov, uint8_t *argb, int stride)
{
    return SDL_RenderReadPixels(ov->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, argb, stride) == 0
               ? 0 : -1;
}

ng_rect overlay_frame_rect(const overlay *ov, ng_rect r)
{
    ng_vec2 a = to_win(ov, ng_v2(r.x, r.y)), b = to_win(ov, ng_v2(r.x + r.w, r.y + r.h));
    int x0 = (int)floor(a.x), y0 = (int)floor(a.y), x1 = (int)ceil(b.x), y1 = (int)ceil(b.y);
    return (ng_rect){ x0, y0, x1 - x0, y1 - y0 };
}

int overlay_snapshot(overlay *ov, const char *path, ng_errbuf *err)
{
    int w, h;
    overlay_output_size(ov, &w, &h);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        ng_err_add(err, "snapshot: %s", SDL_GetError());
        return -1;
    }
    int rc = overlay_read(ov, s->pixels, s->pitch);
    if (rc == 0)
        rc = IMG_SavePNG(s, path);
    if (rc != 0)
        ng_err_add(err, "snapshot: %s: %s", path, SDL_GetError());
    SDL_FreeSurface(s);
    return rc == 0 ? 0 : -1;
}
