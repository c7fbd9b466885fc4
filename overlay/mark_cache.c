#include "overlay/mark_cache.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "overlay/texture_slots.h"

/* A mark and where in its pixel its centre lies (0 or 0.5 each way), as drawn into a texture. */
typedef struct {
    mark_shape shape;
    float phase_x, phase_y;
} mark_key;

typedef struct {
    texture_slot slot;
    mark_key key;
} entry;

struct mark_cache {
    SDL_Renderer *r;
    entry e[MARK_CACHE_SIZE];
    unsigned long clock, renders;
};

mark_cache *mark_cache_new(SDL_Renderer *r)
{
    mark_cache *c = calloc(1, sizeof *c);
    if (c)
        c->r = r;
    return c;
}

void mark_cache_free(mark_cache *c)
{
    if (!c)
        return;
    texture_slots_clear(c->e, sizeof *c->e, MARK_CACHE_SIZE);
    free(c);
}

static bool same_key(const void *entry_, const void *key)
{
    const mark_key *ka = &((const entry *)entry_)->key, *kb = key;
    const mark_shape *a = &ka->shape, *b = &kb->shape;
    return a->ring_radius == b->ring_radius && a->ring_width == b->ring_width &&
           a->ring_dashes == b->ring_dashes && a->cross_size == b->cross_size &&
           a->cross_width == b->cross_width && a->dash_length == b->dash_length &&
           a->dash_width == b->dash_width && a->dash_angle == b->dash_angle &&
           texture_slots_same_colour(a->colour, b->colour) && ka->phase_x == kb->phase_x &&
           ka->phase_y == kb->phase_y;
}

/* Blended onto transparent pixels, a colour is left multiplied by its alpha; the copy blends
 * colour and alpha as they are, so the colour is divided back (the copy then comes within 4
 * levels of the mark drawn in place). */
static void unpremultiply(SDL_Surface *s)
{
    for (int y = 0; y < s->h; y++) {
        Uint32 *p = (Uint32 *)((Uint8 *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < s->w; x++) {
            Uint32 a = p[x] >> 24;
            if (a == 0 || a == 255)
                continue;
            Uint32 out = a << 24;
            for (int sh = 0; sh < 24; sh += 8) {
                Uint32 v = (((p[x] >> sh) & 0xff) * 255 + a / 2) / a;
                out |= (v > 255 ? 255 : v) << sh;
            }
            p[x] = out;
        }
    }
}

/* The mark on a transparent ARGB surface of its own, 2 * half px square and centred at
 * (half, half) plus its phase, drawn by the same code as in place. */
static SDL_Texture *render(mark_cache *c, const mark_key *k, int half)
{
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormat(0, 2 * half, 2 * half, 32,
                                                    SDL_PIXELFORMAT_ARGB8888);
    if (!s)
        return NULL;
    SDL_Texture *tex = NULL;
    SDL_Renderer *sr = SDL_CreateSoftwareRenderer(s);
    if (sr) {
        SDL_FillRect(s, NULL, 0);
        SDL_SetRenderDrawBlendMode(sr, SDL_BLENDMODE_BLEND);
        draw_mark(sr, &k->shape, ng_v2(half + k->phase_x, half + k->phase_y));
        SDL_RenderFlush(sr);
        SDL_DestroyRenderer(sr);
        unpremultiply(s);
        tex = SDL_CreateTextureFromSurface(c->r, s);
        if (tex)
            SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
        c->renders++;
    }
    SDL_FreeSurface(s);
    return tex;
}

static SDL_Texture *texture_of(mark_cache *c, const mark_key *k, int half)
{
    bool found;
    entry *e = texture_slots_find(c->e, sizeof *c->e, MARK_CACHE_SIZE, ++c->clock, same_key, k,
                                  &found);
    if (!found) {
        if (e->slot.tex)
            SDL_DestroyTexture(e->slot.tex);
        e->slot.tex = render(c, k, half);
        e->key = *k;
    }
    return e->slot.tex;
}

/* m centred on centre: to the nearest pixel, or with half_px to the nearest half pixel (its
 * texture then drawn with the centre in the middle of a pixel or on its corner). */
static void draw_at(mark_cache *c, const mark_shape *m, ng_vec2 centre, bool half_px)
{
    /* far off any screen (or not a number): nothing to see, and no pixel to round it to */
    if (!(fabs(centre.x) < 1e6 && fabs(centre.y) < 1e6))
        return;
    int half = (int)ceilf(draw_mark_reach(m)) + 1;   /* + 1: the rounding, the phase */
    mark_key k = { .shape = *m };
    double x = centre.x, y = centre.y;
    if (half_px) {
        x = floor(2 * x + 0.5) / 2;
        y = floor(2 * y + 0.5) / 2;
        k.phase_x = (float)(x - floor(x));
        k.phase_y = (float)(y - floor(y));
        x = floor(x);
        y = floor(y);
    }
    SDL_Texture *tex = 2 * half <= MARK_CACHE_MAX_PX ? texture_of(c, &k, half) : NULL;
    if (!tex) {
        draw_mark(c->r, m, centre);
        return;
    }
    SDL_Rect dst = { (int)lround(x) - half, (int)lround(y) - half, 2 * half, 2 * half };
    SDL_RenderCopy(c->r, tex, NULL, &dst);
}

void mark_cache_draw(mark_cache *c, const mark_shape *m, ng_vec2 centre)
{
    draw_at(c, m, centre, false);
}

void mark_cache_dashed_line(mark_cache *c, ng_vec2 a, ng_vec2 b, float width, float dash,
                            float gap, SDL_Color colour)
{
    double len = ng_v2_dist(a, b);
    if (len <= 0 || dash <= 0 || !(gap >= 0))
        return;
    ng_vec2 d = ng_v2_scale(ng_v2_sub(b, a), 1.0 / len);
    /* Every whole dash the same mark: its direction to a quarter of a degree (turned about its
     * centre, on the line, its ends move by under 0.03 px at 1080p's dash length). */
    double deg = floor(atan2(d.y, d.x) * 180 / M_PI * 4 + 0.5) / 4;
    const mark_shape m = { .dash_length = dash, .dash_width = width,
                           .dash_angle = (float)(deg * M_PI / 180), .colour = colour };
    for (double s = 0; s < len; s += dash + gap) {
        if (s + dash <= len)
            draw_at(c, &m, ng_v2_add(a, ng_v2_scale(d, s + dash / 2.0)), true);
        else   /* the last, shorter one */
            draw_line(c->r, ng_v2_add(a, ng_v2_scale(d, s)), b, width, colour);
    }
}

unsigned long mark_cache_renders(const mark_cache *c) { return c->renders; }
