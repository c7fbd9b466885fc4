#include "overlay/draw.h"

#include <math.h>

#define FEATHER 1.0f   /* px over which a stroke's edge fades out */
#define HALO 1.5f      /* px of dark edging each side: marks stay legible on bright echoes */
#define HALO_ALPHA 0.6f
#define SAGITTA_PX 0.25   /* how far an arc's chords may stray from it */

static SDL_Vertex vtx(double x, double y, SDL_Color c, Uint8 alpha)
{
    return (SDL_Vertex){ .position = { (float)x, (float)y }, .color = { c.r, c.g, c.b, alpha } };
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

/* A stroke is a strip of rows of 4 vertices across it (outer feather, core, core, outer
 * feather): the triangles joining row i to row i + 1, its three bands, appended at idx[ni];
 * returns the new count. */
static int strip_step(int *idx, int ni, int i)
{
    for (int k = 0; k < 3; k++) {
        int p = i * 4 + k, q = p + 4;
        const int quad[6] = { p, p + 1, q, p + 1, q + 1, q };
        for (int j = 0; j < 6; j++)
            idx[ni++] = quad[j];
    }
    return ni;
}

/* Long strokes go as a strip of pieces this long: the software renderer fills each triangle
 * through a buffer the size of its bounding box, so one long diagonal triangle costs its whole
 * box (the plan and the needle at 1080p took 5 ms, 2 ms in pieces), short ones about their own
 * area. Pieces share their vertices exactly, so no seam is drawn twice. */
#define PIECE_PX 24.0
enum { MAX_PIECES = 256 };

static void segment(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, SDL_Color c)
{
    double len = ng_v2_dist(a, b);
    if (len < 1e-6)
        return;
    ng_vec2 d = ng_v2_scale(ng_v2_sub(b, a), 1.0 / len), n = ng_v2(-d.y, d.x);
    float core, outer;
    stroke_widths(width, &core, &outer);
    /* the ends reach half a feather past a and b, fading like the sides */
    ng_vec2 a0 = ng_v2_sub(a, ng_v2_scale(d, FEATHER / 2));
    double full = len + FEATHER;
    int pieces = (int)ceil(full / PIECE_PX);
    if (pieces > MAX_PIECES)
        pieces = MAX_PIECES;
    const double off[4] = { -outer, -core, core, outer };
    const Uint8 alpha[4] = { 0, c.a, c.a, 0 };
    SDL_Vertex v[(MAX_PIECES + 1) * 4];
    int idx[MAX_PIECES * 18], ni = 0;
    for (int i = 0; i <= pieces; i++) {
        ng_vec2 p = ng_v2_add(a0, ng_v2_scale(d, full * i / pieces));
        for (int k = 0; k < 4; k++)
            v[i * 4 + k] = vtx(p.x + n.x * off[k], p.y + n.y * off[k], c, alpha[k]);
        if (i < pieces)
            ni = strip_step(idx, ni, i);
    }
    SDL_RenderGeometry(r, NULL, v, (pieces + 1) * 4, idx, ni);
}

void draw_line(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, SDL_Color c)
{
    segment(r, a, b, width + 2 * HALO, halo_of(c));
    segment(r, a, b, width, c);
}

void draw_dashed_line(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, float dash, float gap,
                      SDL_Color c)
{
    double len = ng_v2_dist(a, b);
    if (len <= 0 || dash <= 0)
        return;
    ng_vec2 d = ng_v2_scale(ng_v2_sub(b, a), 1.0 / len);
    for (double s = 0; s < len; s += dash + gap) {
        double e = s + dash < len ? s + dash : len;
        draw_line(r, ng_v2_add(a, ng_v2_scale(d, s)), ng_v2_add(a, ng_v2_scale(d, e)), width, c);
    }
}

/* An arc from angle a0 to a1 (radians) as a feathered ring strip. */
static void ring(SDL_Renderer *r, ng_vec2 ctr, float radius, float width, double a0, double a1,
                SDL_Color c)
{
    enum { MAXSEG = 256 };
    float core, outer;
    stroke_widths(width, &core, &outer);
    /* chords that stray at most a quarter pixel from the circle: each is a triangle pair the
     * software renderer fills one by one, so no more of them than the eye can tell (a dash of
     * a dashed circle is often one chord) */
    double r_out = fmax(radius + outer, 1.0);
    double step = 2 * acos(fmax(1 - SAGITTA_PX / r_out, -1.0));
    int n = (int)ceil(fabs(a1 - a0) / step);
    if (n < 1) n = 1;
    if (n > MAXSEG) n = MAXSEG;
    const double rad[4] = { radius - outer, radius - core, radius + core, radius + outer };
    const Uint8 alpha[4] = { 0, c.a, c.a, 0 };
    SDL_Vertex v[(MAXSEG + 1) * 4];
    int idx[MAXSEG * 18];
    int ni = 0;
    for (int i = 0; i <= n; i++) {
        double t = a0 + (a1 - a0) * i / n, ct = cos(t), st = sin(t);
        for (int k = 0; k < 4; k++)
            v[i * 4 + k] = vtx(ctr.x + ct * fmax(0, rad[k]), ctr.y + st * fmax(0, rad[k]), c, alpha[k]);
        if (i < n)
            ni = strip_step(idx, ni, i);
    }
    SDL_RenderGeometry(r, NULL, v, (n + 1) * 4, idx, ni);
}

static void arc(SDL_Renderer *r, ng_vec2 ctr, float radius, float width, double a0, double a1,
                SDL_Color c)
{
    ring(r, ctr, radius, width + 2 * HALO, a0, a1, halo_of(c));
    ring(r, ctr, radius, width, a0, a1, c);
}

void draw_circle(SDL_Renderer *r, ng_vec2 centre, float radius, float width, SDL_Color c)
{
    arc(r, centre, radius, width, 0, 2 * M_PI, c);
}

void draw_dashed_circle(SDL_Renderer *r, ng_vec2 centre, float radius, float width, int n,
                        SDL_Color c)
{
    for (int i = 0; i < n; i++) {
        double a0 = 2 * M_PI * i / n;
        arc(r, centre, radius, width, a0, a0 + M_PI / n, c);
    }
}

void draw_crosshair(SDL_Renderer *r, ng_vec2 centre, float size, float width, SDL_Color c)
{
    draw_line(r, ng_v2(centre.x - size, centre.y), ng_v2(centre.x + size, centre.y), width, c);
    draw_line(r, ng_v2(centre.x, centre.y - size), ng_v2(centre.x, centre.y + size), width, c);
}
