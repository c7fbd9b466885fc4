#include "overlay/mark_cache.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "overlay/texture_slots.h"

typedef struct {
    texture_slot slot;
    mark_shape shape;
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

static bool same_shape(const void *entry_, const void *shape)
{
    const mark_shape *a = &((const entry *)entry_)->shape, *b = shape;
    return a->ring_radius == b->ring_radius && a->ring_width == b->ring_width &&
           a->ring_dashes == b->ring_dashes && a->cross_size == b->cross_size &&
           a->cross_width == b->cross_width && a->colour.r == b->colour.r &&
           a->colour.g == b->colour.g && a->colour.b == b->colour.b && a->colour.a == b->colour.a;
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
 * (half, half), drawn by the same code as in place. */
static SDL_Texture *render(mark_cache *c, const mark_shape *m, int half)
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
        draw_mark(sr, m, ng_v2(half, half));
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

static SDL_Texture *texture_of(mark_cache *c, const mark_shape *m, int half)
{
    bool found;
    entry *e = texture_slots_find(c->e, sizeof *c->e, MARK_CACHE_SIZE, ++c->clock, same_shape, m,
                                  &found);
    if (!found) {
        e->slot.tex = render(c, m, half);
        e->shape = *m;
    }
    return e->slot.tex;
}

void mark_cache_draw(mark_cache *c, const mark_shape *m, ng_vec2 centre)
{
    /* far off any screen (or not a number): nothing to see, and no pixel to round it to */
    if (!(fabs(centre.x) < 1e6 && fabs(centre.y) < 1e6))
        return;
    int half = (int)ceilf(draw_mark_reach(m)) + 1;
    SDL_Texture *tex = 2 * half <= MARK_CACHE_MAX_PX ? texture_of(c, m, half) : NULL;
    if (!tex) {
        draw_mark(c->r, m, centre);
        return;
    }
    SDL_Rect dst = { (int)lround(centre.x) - half, (int)lround(centre.y) - half, 2 * half,
                     2 * half };
    SDL_RenderCopy(c->r, tex, NULL, &dst);
}

unsigned long mark_cache_renders(const mark_cache *c) { return c->renders; }
