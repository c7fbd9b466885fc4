#include "overlay/draw.h"

#include <math.h>
#include <stdbool.h>

#define FEATHER 1.0f   /* px over which a stroke's edge fades out */
#define HALO 1.5f      /* px of dark edging each side: marks stay legible on bright echoes */
#define HALO_ALPHA 0.6f
#define SAGITTA_PX 0.25   /* how far an arc's chords may stray from it */

static SDL_Vertex vtx(ng_vec2 p, SDL_Color c)
{
    return (SDL_Vertex){ .position = { (float)p.x, (float)p.y }, .color = c };
}

/* Core half-width and the feathered outer half-width of a stroke. */
static void stroke_widths(float width, float *core, float *outer)
{
    /* at least 1.5 px of solid colour: a thin stroke would otherwise be all feather */
    *core = width / 2 - FEATHER / 2;
    if (*core < 0.75f)
        *core = 0.75f;
    *outer = *core + FEATHER;
}

static SDL_Color halo_of(SDL_Color c) { return (SDL_Color){ 0, 0, 0, (Uint8)(c.a * HALO_ALPHA) }; }

/* Opaque colour is written, not blended: the software renderer blends pixel by pixel whatever
 * the alpha when the blend mode says so. The renderer's mode is BLEND otherwise, and after the
 * draw call that follows this (the caller sets it back). */
static void blend_for(SDL_Renderer *r, SDL_Color c)
{
    SDL_SetRenderDrawBlendMode(r, c.a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
}

void draw_fill_rect(SDL_Renderer *r, SDL_Rect rc, SDL_Color c)
{
    SDL_SetRenderDrawColor(r, c.r, c.g, c.b, c.a);
    blend_for(r, c);
    SDL_RenderFillRect(r, &rc);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
}

/* Long strokes go as a strip of pieces this long: the software renderer fills each triangle
 * through a buffer the size of its bounding box, so one long diagonal triangle costs its whole
 * box (the plan and the needle at 1080p took 5 ms, 2 ms in pieces), short ones about their own
 * area. Pieces share their edges exactly, so no seam is drawn twice. */
#define PIECE_PX 24.0
enum { MAX_PIECES = 256, MAX_ROWS = MAX_PIECES + 1 };

/* Quads between vertex pairs base + 2i and base + 2i + 2, i < rows - 1, appended at idx[*ni]. */
static void quads(int *idx, int *ni, int base, int rows)
{
    for (int i = 0; i + 1 < rows; i++) {
        int p = base + 2 * i;
        const int q[6] = { p, p + 1, p + 2, p + 1, p + 3, p + 2 };
        for (int j = 0; j < 6; j++)
            idx[(*ni)++] = q[j];
    }
}

/* A stroke given as rows cross-sections of 4 points across it (outer, core, core, outer): the
 * core in c, each edge (the feather) fading from c to transparent (ramp) or, for the dark halo
 * under a stroke, at half of c's alpha. The software renderer fills a triangle whose colour it
 * interpolates in about twice the time of one of a single colour (1.3 against 0.7 us each,
 * measured) and an opaque one drawn without blending in a seventh; on the halo, whose edge is
 * dark on dark, a half-alpha edge looks as the ramp does. */
static void strip(SDL_Renderer *r, const ng_vec2 *pts, int rows, SDL_Color c, bool ramp)
{
    SDL_Vertex v[MAX_ROWS * 4];
    int idx[(MAX_ROWS - 1) * 12], nv = 0, ni = 0;
    SDL_Color edge = { c.r, c.g, c.b, ramp ? 0 : (Uint8)(c.a / 2) };
    SDL_Color inner = ramp ? c : edge;
    for (int band = 0; band <= 2; band += 2) {   /* the two edges, one call */
        quads(idx, &ni, nv, rows);
        for (int i = 0; i < rows; i++) {
            v[nv++] = vtx(pts[i * 4 + band], band == 0 ? edge : inner);
            v[nv++] = vtx(pts[i * 4 + band + 1], band == 0 ? inner : edge);
        }
    }
    SDL_RenderGeometry(r, NULL, v, nv, idx, ni);
    nv = ni = 0;
    quads(idx, &ni, 0, rows);
    for (int i = 0; i < rows; i++) {
        v[nv++] = vtx(pts[i * 4 + 1], c);
        v[nv++] = vtx(pts[i * 4 + 2], c);
    }
    blend_for(r, c);
    SDL_RenderGeometry(r, NULL, v, nv, idx, ni);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
}

static void segment(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, SDL_Color c, bool ramp)
{
    double len = ng_v2_dist(a, b);
    if (len < 1e-6)
        return;
    ng_vec2 d = ng_v2_scale(ng_v2_sub(b, a), 1.0 / len), n = ng_v2(-d.y, d.x);
    float core, outer;
    stroke_widths(width, &core, &outer);
    /* the ends reach half a feather past a and b */
    ng_vec2 a0 = ng_v2_sub(a, ng_v2_scale(d, FEATHER / 2));
    double full = len + FEATHER;
    int pieces = (int)ceil(full / PIECE_PX);
    if (pieces > MAX_PIECES)
        pieces = MAX_PIECES;
    const double off[4] = { -outer, -core, core, outer };
    ng_vec2 pts[MAX_ROWS * 4];
    for (int i = 0; i <= pieces; i++) {
        ng_vec2 p = ng_v2_add(a0, ng_v2_scale(d, full * i / pieces));
        for (int k = 0; k < 4; k++)
            pts[i * 4 + k] = ng_v2_add(p, ng_v2_scale(n, off[k]));
    }
    strip(r, pts, pieces + 1, c, ramp);
}

void draw_line(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, SDL_Color c)
{
    segment(r, a, b, width + 2 * HALO, halo_of(c), false);
    segment(r, a, b, width, c, true);
}

/* An arc from angle a0 to a1 (radians) as a feathered ring strip. */
static void ring(SDL_Renderer *r, ng_vec2 ctr, float radius, float width, double a0, double a1,
                 SDL_Color c, bool ramp)
{
    float core, outer;
    stroke_widths(width, &core, &outer);
    /* chords that stray at most a quarter pixel from the circle: each is a triangle pair the
     * software renderer fills one by one, so no more of them than the eye can tell (a dash of
     * a dashed circle is often one chord) */
    double r_out = fmax(radius + outer, 1.0);
    double step = 2 * acos(fmax(1 - SAGITTA_PX / r_out, -1.0));
    int n = (int)ceil(fabs(a1 - a0) / step);
    if (n < 1) n = 1;
    if (n > MAX_PIECES) n = MAX_PIECES;
    const double rad[4] = { radius - outer, radius - core, radius + core, radius + outer };
    ng_vec2 pts[MAX_ROWS * 4];
    for (int i = 0; i <= n; i++) {
        double t = a0 + (a1 - a0) * i / n, ct = cos(t), st = sin(t);
        for (int k = 0; k < 4; k++)
            pts[i * 4 + k] = ng_v2(ctr.x + ct * fmax(0, rad[k]), ctr.y + st * fmax(0, rad[k]));
    }
    strip(r, pts, n + 1, c, ramp);
}

static void arc(SDL_Renderer *r, ng_vec2 ctr, float radius, float width, double a0, double a1,
                SDL_Color c)
{
    ring(r, ctr, radius, width + 2 * HALO, a0, a1, halo_of(c), false);
    ring(r, ctr, radius, width, a0, a1, c, true);
}

static void draw_circle(SDL_Renderer *r, ng_vec2 centre, float radius, float width, SDL_Color c)
{
    arc(r, centre, radius, width, 0, 2 * M_PI, c);
}

static void draw_dashed_circle(SDL_Renderer *r, ng_vec2 centre, float radius, float width,
                               int n, SDL_Color c)
{
    for (int i = 0; i < n; i++) {
        double a0 = 2 * M_PI * i / n;
        arc(r, centre, radius, width, a0, a0 + M_PI / n, c);
    }
}

static void draw_crosshair(SDL_Renderer *r, ng_vec2 centre, float size, float width, SDL_Color c)
{
    draw_line(r, ng_v2(centre.x - size, centre.y), ng_v2(centre.x + size, centre.y), width, c);
    draw_line(r, ng_v2(centre.x, centre.y - size), ng_v2(centre.x, centre.y + size), width, c);
}

void draw_mark(SDL_Renderer *r, const mark_shape *m, ng_vec2 centre)
{
    if (m->ring_width > 0 && m->ring_dashes > 0)
        draw_dashed_circle(r, centre, m->ring_radius, m->ring_width, m->ring_dashes, m->colour);
    else if (m->ring_width > 0)
        draw_circle(r, centre, m->ring_radius, m->ring_width, m->colour);
    if (m->cross_width > 0)
        draw_crosshair(r, centre, m->cross_size, m->cross_width, m->colour);
    if (m->dash_width > 0) {
        ng_vec2 half = ng_v2_scale(ng_v2(cos(m->dash_angle), sin(m->dash_angle)),
                                   m->dash_length / 2.0);
        draw_line(r, ng_v2_sub(centre, half), ng_v2_add(centre, half), m->dash_width, m->colour);
    }
}

/* Half the width a stroke covers, its halo included. */
static float stroke_reach(float width)
{
    float core, outer;
    stroke_widths(width + 2 * HALO, &core, &outer);
    return outer;
}

float draw_mark_reach(const mark_shape *m)
{
    float reach = 0;
    if (m->ring_width > 0)
        reach = m->ring_radius + stroke_reach(m->ring_width);
    if (m->cross_width > 0) {
        /* an arm reaches half a feather past its end, and its stroke's half-width across */
        reach = fmaxf(reach, fmaxf(m->cross_size + FEATHER / 2, stroke_reach(m->cross_width)));
    }
    if (m->dash_width > 0) {
        /* half a feather past each end along the dash, the stroke's half-width across it */
        float along = m->dash_length / 2 + FEATHER / 2, across = stroke_reach(m->dash_width);
        float c = fabsf(cosf(m->dash_angle)), s = fabsf(sinf(m->dash_angle));
        reach = fmaxf(reach, fmaxf(c * along + s * across, s * along + c * across));
    }
    return reach;
}
