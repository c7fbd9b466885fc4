#include "overlay/overlay.h"

#include <SDL.h>
#include <SDL_image.h>
#include <SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "overlay/draw.h"

struct overlay {
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *video;
    TTF_Font *font, *font_big;
    int frame_w, frame_h;
    /* video placement in the window */
    double scale, off_x, off_y;
};

static ng_vec2 to_win(const overlay *ov, ng_vec2 p)
{
    return ng_v2(ov->off_x + p.x * ov->scale, ov->off_y + p.y * ov->scale);
}

overlay *overlay_new(const overlay_opts *o, int frame_w, int frame_h, ng_errbuf *err)
{
    overlay *ov = calloc(1, sizeof *ov);
    if (!ov)
        return NULL;
    ov->frame_w = frame_w;
    ov->frame_h = frame_h;
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
    const char *font = o->font_path ? o->font_path : OVERLAY_FONT;
    ov->font = TTF_OpenFont(font, 15);
    ov->font_big = TTF_OpenFont(font, 26);
    if (!ov->font || !ov->font_big) {
        ng_err_add(err, "display: cannot open font %s: %s", font, TTF_GetError());
        goto fail;
    }
    Uint32 flags = SDL_WINDOW_RESIZABLE | (o->fullscreen ? SDL_WINDOW_FULLSCREEN_DESKTOP : 0);
    ov->window = SDL_CreateWindow("needleguide", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                  frame_w + OVERLAY_PANEL_W, frame_h, flags);
    if (!ov->window) {
        ng_err_add(err, "display: cannot create window: %s", SDL_GetError());
        goto fail;
    }
    /* No vsync: presenting must never hold back the newest frame. */
    ov->renderer = SDL_CreateRenderer(ov->window, -1, o->headless ? SDL_RENDERER_SOFTWARE : 0);
    if (!ov->renderer)
        ov->renderer = SDL_CreateRenderer(ov->window, -1, SDL_RENDERER_SOFTWARE);
    if (!ov->renderer) {
        ng_err_add(err, "display: cannot create renderer: %s", SDL_GetError());
        goto fail;
    }
    SDL_SetRenderDrawBlendMode(ov->renderer, SDL_BLENDMODE_BLEND);
    ov->video = SDL_CreateTexture(ov->renderer, SDL_PIXELFORMAT_ARGB8888,
                                  SDL_TEXTUREACCESS_STREAMING, frame_w, frame_h);
    if (!ov->video) {
        ng_err_add(err, "display: cannot create texture: %s", SDL_GetError());
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
    if (ov->video) SDL_DestroyTexture(ov->video);
    if (ov->renderer) SDL_DestroyRenderer(ov->renderer);
    if (ov->window) SDL_DestroyWindow(ov->window);
    if (ov->font) TTF_CloseFont(ov->font);
    if (ov->font_big) TTF_CloseFont(ov->font_big);
    if (TTF_WasInit())
        TTF_Quit();
    SDL_Quit();
    free(ov);
}

static void set_colour(SDL_Renderer *r, Uint8 red, Uint8 g, Uint8 b, Uint8 a)
{
    SDL_SetRenderDrawColor(r, red, g, b, a);
}

/* Text at (x, y) in window pixels; returns its height. */
static int text(overlay *ov, TTF_Font *font, int x, int y, SDL_Color c, const char *s)
{
    SDL_Surface *surf = TTF_RenderUTF8_Blended(font, s, c);
    if (!surf)
        return 0;
    SDL_Texture *tex = SDL_CreateTextureFromSurface(ov->renderer, surf);
    SDL_Rect dst = { x, y, surf->w, surf->h };
    if (tex) {
        SDL_RenderCopy(ov->renderer, tex, NULL, &dst);
        SDL_DestroyTexture(tex);
    }
    SDL_FreeSurface(surf);
    return dst.h;
}

/* A banner across the top of the video: what the clinician must not miss. */
static void banner(overlay *ov, int slot, SDL_Color bg, const char *s)
{
    int w, h;
    if (TTF_SizeUTF8(ov->font_big, s, &w, &h) < 0)
        return;
    int vw = (int)(ov->frame_w * ov->scale);
    SDL_Rect box = { (int)ov->off_x + (vw - w) / 2 - 12, (int)ov->off_y + 8 + slot * (h + 14), w + 24,
                     h + 8 };
    set_colour(ov->renderer, bg.r, bg.g, bg.b, 220);
    SDL_RenderFillRect(ov->renderer, &box);
    text(ov, ov->font_big, box.x + 12, box.y + 4, (SDL_Color){ 255, 255, 255, 255 }, s);
}

static void draw_plan(overlay *ov, const overlay_view *v)
{
    SDL_Renderer *r = ov->renderer;
    SDL_Rect roi = { (int)lround(to_win(ov, ng_v2(v->roi.x, v->roi.y)).x),
                     (int)lround(to_win(ov, ng_v2(v->roi.x, v->roi.y)).y),
                     (int)lround(v->roi.w * ov->scale), (int)lround(v->roi.h * ov->scale) };
    set_colour(r, 90, 90, 90, 255);
    SDL_RenderDrawRect(r, &roi);

    ng_vec2 e = to_win(ov, v->plan.entry);
    ng_vec2 t4 = to_win(ov, v->plan.l4_target), t5 = to_win(ov, v->plan.l5_target);
    float tol = (float)(v->plan.tolerance_mm / v->mm_per_px * ov->scale);
    bool on5 = v->guidance.valid && v->guidance.target == GD_TARGET_L5;
    /* The path the needle follows is bright; the other is faded. */
    set_colour(r, OVL_PATH_L4, on5 ? 170 : 255);
    draw_dashed_line(r, e, t4, 2, 10, 7);
    set_colour(r, OVL_PATH_L5, on5 ? 255 : 170);
    draw_dashed_line(r, e, t5, 2, 10, 7);

    const ng_vec2 tw[2] = { t4, t5 };
    for (int k = 0; k < 2; k++) {
        bool hit = v->guidance.valid && (int)v->guidance.target == k && v->guidance.at_target;
        if (hit)
            set_colour(r, OVL_TARGET_HIT, 255);
        else if (k == 0)
            set_colour(r, OVL_TARGET, 255);
        else
            set_colour(r, OVL_PATH_L5, 255);
        draw_crosshair(r, tw[k], 7, 1);
        draw_circle(r, tw[k], tol, 2);
    }
    set_colour(r, 255, 255, 255, 255);
    draw_circle(r, e, 4, 2);
}

static void draw_needle(overlay *ov, const overlay_view *v, bool trusted_frame)
{
    const ng_track *k = &v->track;
    if (!k->found || !trusted_frame)
        return;
    SDL_Renderer *r = ov->renderer;
    ng_vec2 a = to_win(ov, k->shaft_start), b = to_win(ov, k->tip);
    if (k->confidence < TRACK_CONFIDENT) {
        /* Uncertain: grey and dashed, never a confident line. */
        set_colour(r, OVL_UNCERTAIN, 255);
        draw_dashed_line(r, a, b, 2, 6, 6);
        return;
    }
    const ng_guidance *g = &v->guidance;
    if (g->angle_dev_deg <= 5 && fabs(g->lateral_mm) <= 2)
        set_colour(r, OVL_NEEDLE_OK, 255);
    else if (g->angle_dev_deg <= 10 && fabs(g->lateral_mm) <= 4)
        set_colour(r, OVL_NEEDLE_WARN, 255);
    else
        set_colour(r, OVL_NEEDLE_BAD, 255);
    draw_line(r, a, b, 3);
    draw_circle(r, b, 6, 2);
}

static void draw_panel(overlay *ov, const overlay_view *v, int win_w)
{
    SDL_Renderer *r = ov->renderer;
    int x0 = win_w - OVERLAY_PANEL_W;
    SDL_Rect panel = { x0, 0, OVERLAY_PANEL_W, 4096 };
    set_colour(r, 24, 24, 28, 255);
    SDL_RenderFillRect(r, &panel);
    SDL_Color white = { 235, 235, 235, 255 }, dim = { 150, 150, 150, 255 };
    SDL_Color green = { OVL_NEEDLE_OK, 255 }, amber = { OVL_NEEDLE_WARN, 255 };
    char line[128];
    int x = x0 + 12, y = 10;
    y += text(ov, ov->font_big, x, y, white, "needleguide") + 6;
    snprintf(line, sizeof line, "fps %.1f", v->fps);
    y += text(ov, ov->font, x, y, white, line) + 2;
    snprintf(line, sizeof line, "latency %.1f ms", v->latency_ms);
    y += text(ov, ov->font, x, y, white, line) + 2;
    snprintf(line, sizeof line, "frames skipped %llu", (unsigned long long)v->skipped);
    y += text(ov, ov->font, x, y, white, line) + 2;
    if (v->driver_drops) {
        snprintf(line, sizeof line, "dropped by card %llu", (unsigned long long)v->driver_drops);
        y += text(ov, ov->font, x, y, amber, line) + 2;
    }
    y += 10;

    if (v->track.found && v->track.confidence >= TRACK_CONFIDENT)
        snprintf(line, sizeof line, "needle: found (%.0f%%)", v->track.confidence * 100);
    else if (v->track.found)
        snprintf(line, sizeof line, "needle: uncertain (%.0f%%)", v->track.confidence * 100);
    else
        snprintf(line, sizeof line, "needle: not found");
    y += text(ov, ov->font, x, y, v->guidance.valid ? green : amber, line) + 2;
    if (v->guidance.valid) {
        const ng_guidance *g = &v->guidance;
        snprintf(line, sizeof line, "to %s target: %.1f mm", guidance_target_name(g->target),
                 g->tip_to_target_mm);
        y += text(ov, ov->font, x, y, white, line) + 2;
        snprintf(line, sizeof line, "off path: %.1f deg, %.1f mm", g->angle_dev_deg, fabs(g->lateral_mm));
        y += text(ov, ov->font, x, y, white, line) + 2;
    }
    int h;
    SDL_GetRendererOutputSize(r, NULL, &h);
    text(ov, ov->font, x, h - 44, dim, "Research and training use.");
    text(ov, ov->font, x, h - 24, dim, "Not a medical device.");
}

void overlay_present(overlay *ov) { SDL_RenderPresent(ov->renderer); }

void overlay_draw(overlay *ov, const overlay_view *v)
{
    SDL_Renderer *r = ov->renderer;
    int win_w, win_h;
    SDL_GetRendererOutputSize(r, &win_w, &win_h);
    int avail_w = win_w - OVERLAY_PANEL_W;
    if (avail_w < 16)
        avail_w = 16;
    ov->scale = fmin((double)avail_w / ov->frame_w, (double)win_h / ov->frame_h);
    ov->off_x = (avail_w - ov->frame_w * ov->scale) / 2;
    ov->off_y = (win_h - ov->frame_h * ov->scale) / 2;

    set_colour(r, 0, 0, 0, 255);
    SDL_RenderClear(r);
    SDL_FRect dst = { (float)ov->off_x, (float)ov->off_y, (float)(ov->frame_w * ov->scale),
                      (float)(ov->frame_h * ov->scale) };
    bool stale = v->stale_ms > OVERLAY_STALE_MS || v->source_problem;
    if (v->argb && v->width == ov->frame_w && v->height == ov->frame_h) {
        SDL_UpdateTexture(ov->video, NULL, v->argb, v->stride);
        SDL_RenderCopyF(r, ov->video, NULL, &dst);
        if (stale) {   /* the last frame, dimmed: it is not live */
            set_colour(r, 0, 0, 0, 130);
            SDL_RenderFillRectF(r, &dst);
        }
    }
    draw_plan(ov, v);
    draw_needle(ov, v, v->argb && !stale);
    draw_panel(ov, v, win_w);

    int slot = 0;
    char msg[96];
    if (!v->argb) {
        banner(ov, slot++, (SDL_Color){ 200, 40, 40, 255 },
               v->source_problem ? v->source_problem : "WAITING FOR VIDEO");
    } else if (v->source_problem) {
        banner(ov, slot++, (SDL_Color){ 200, 40, 40, 255 }, v->source_problem);
    } else if (v->stale_ms > OVERLAY_STALE_MS) {
        snprintf(msg, sizeof msg, "FROZEN: no new frame for %.0f ms", v->stale_ms);
        banner(ov, slot++, (SDL_Color){ 200, 40, 40, 255 }, msg);
    } else if (!v->track.found) {
        banner(ov, slot++, (SDL_Color){ 170, 110, 0, 255 }, "NEEDLE NOT FOUND");
    } else if (v->track.confidence < TRACK_CONFIDENT) {
        banner(ov, slot++, (SDL_Color){ 110, 110, 110, 255 }, "LOW CONFIDENCE");
    }
}

int overlay_snapshot(overlay *ov, const char *path, ng_errbuf *err)
{
    int w, h;
    SDL_GetRendererOutputSize(ov->renderer, &w, &h);
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!s) {
        ng_err_add(err, "snapshot: %s", SDL_GetError());
        return -1;
    }
    int rc = SDL_RenderReadPixels(ov->renderer, NULL, SDL_PIXELFORMAT_ARGB8888, s->pixels, s->pitch);
    if (rc == 0)
        rc = IMG_SavePNG(s, path);
    if (rc != 0)
        ng_err_add(err, "snapshot: %s: %s", path, SDL_GetError());
    SDL_FreeSurface(s);
    return rc == 0 ? 0 : -1;
}
