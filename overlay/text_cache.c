#include "overlay/text_cache.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "overlay/texture_slots.h"

#define TEXT_MAX 160   /* longer texts are rendered every time, not kept */
/* Lookups a text must go without before a new text of its size may take its place: a screen
 * looks up some 17 texts (the simulated scan's), so a text on the last three screens stays. */
#define TEXT_IDLE TEXT_CACHE_SIZE

typedef struct {
    texture_slot slot;
    TTF_Font *font;
    SDL_Color colour, bg;
    int wrap, w, h;
    char s[TEXT_MAX];
} entry;

struct text_cache {
    SDL_Renderer *r;
    entry e[TEXT_CACHE_SIZE];
    unsigned long clock, renders, textures;
    SDL_Texture *once;   /* the last text too long to keep */
};

text_cache *text_cache_new(SDL_Renderer *r)
{
    text_cache *c = calloc(1, sizeof *c);
    if (c)
        c->r = r;
    return c;
}

void text_cache_clear(text_cache *c)
{
    texture_slots_clear(c->e, sizeof *c->e, TEXT_CACHE_SIZE);
    if (c->once)
        SDL_DestroyTexture(c->once);
    c->once = NULL;
}

void text_cache_free(text_cache *c)
{
    if (!c)
        return;
    text_cache_clear(c);
    free(c);
}

/* A texture for a w x h text: tex itself when it is one of that size, else a new one (tex
 * destroyed). Streaming, so that its pixels can be written again. */
static SDL_Texture *texture_for(text_cache *c, SDL_Texture *tex, int w, int h)
{
    int tw, th;
    if (tex && SDL_QueryTexture(tex, NULL, NULL, &tw, &th) == 0 && tw == w && th == h)
        return tex;
    if (tex)
        SDL_DestroyTexture(tex);
    tex = SDL_CreateTexture(c->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING, w, h);
    if (tex)
        c->textures++;
    return tex;
}

/* s in font and colour, on bg when it is opaque; NULL if it cannot be rendered. */
static SDL_Surface *render(TTF_Font *font, SDL_Color colour, SDL_Color bg, int wrap,
                           const char *s)
{
    if (bg.a == 255)   /* on its opaque background: copied, not blended, when drawn */
        return wrap > 0 ? TTF_RenderUTF8_Shaded_Wrapped(font, s, colour, bg, (Uint32)wrap)
                        : TTF_RenderUTF8_Shaded(font, s, colour, bg);
    return wrap > 0 ? TTF_RenderUTF8_Blended_Wrapped(font, s, colour, (Uint32)wrap)
                    : TTF_RenderUTF8_Blended(font, s, colour);
}

/* The text surf (freed) in reuse when it is of its size, else in a new texture (reuse then
 * destroyed); NULL if it cannot be. Writing the pixels of a texture already there spares a
 * texture made and freed, and its pixels allocated and freed, per changed text. */
static SDL_Texture *into_texture(text_cache *c, SDL_Texture *reuse, SDL_Surface *surf,
                                 bool opaque)
{
    SDL_Texture *tex = texture_for(c, reuse, surf->w, surf->h);
    SDL_Surface *pixels;
    if (tex && SDL_LockTextureToSurface(tex, NULL, &pixels) == 0) {
        SDL_SetSurfaceBlendMode(surf, SDL_BLENDMODE_NONE);   /* the text's pixels as they are */
        int bad = SDL_BlitSurface(surf, NULL, pixels, NULL);
        SDL_UnlockTexture(tex);
        if (!bad) {
            SDL_SetTextureBlendMode(tex, opaque ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
            SDL_FreeSurface(surf);
            c->renders++;
            return tex;
        }
    }
    if (tex)
        SDL_DestroyTexture(tex);
    SDL_FreeSurface(surf);
    return NULL;
}

/* What a text is looked up by. */
typedef struct {
    TTF_Font *font;
    SDL_Color colour, bg;
    int wrap;
    const char *s;
} text_key;

static bool same_text(const void *entry_, const void *key_)
{
    const entry *e = entry_;
    const text_key *k = key_;
    return e->font == k->font && e->wrap == k->wrap &&
           texture_slots_same_colour(e->colour, k->colour) &&
           texture_slots_same_colour(e->bg, k->bg) && !strcmp(e->s, k->s);
}

/* An entry whose texture has the size of the surface like. */
static bool same_size(const void *entry_, const void *like)
{
    const entry *e = entry_;
    const SDL_Surface *surf = like;
    return e->w == surf->w && e->h == surf->h;
}

SDL_Texture *text_cache_get(text_cache *c, TTF_Font *font, SDL_Color colour, SDL_Color bg,
                            int wrap, const char *s, int *w, int *h)
{
    c->clock++;
    if (bg.a != 255)
        bg = (SDL_Color){ 0, 0, 0, 0 };   /* blended: one key whatever is below */
    const text_key key = { font, colour, bg, wrap, s };
    const bool keep = strlen(s) < TEXT_MAX;
    entry *e = keep ? texture_slots_lookup(c->e, sizeof *c->e, TEXT_CACHE_SIZE, c->clock,
                                           same_text, &key)
                    : NULL;
    if (e) {
        *w = e->w;
        *h = e->h;
        return e->slot.tex;
    }
    SDL_Surface *surf = render(font, colour, bg, wrap, s);
    if (!surf)
        return NULL;
    *w = surf->w;
    *h = surf->h;
    if (!keep)
        return c->once = into_texture(c, c->once, surf, bg.a == 255);
    /* A changed number mostly keeps its size (the font's digits are all one width): in a full
     * cache the text takes the place of one of its size not drawn for a while (a number it
     * replaced, most likely) and is drawn into its texture, before the least recently used. */
    e = texture_slots_victim(c->e, sizeof *c->e, TEXT_CACHE_SIZE, c->clock, TEXT_IDLE,
                             same_size, surf);
    e->slot.tex = into_texture(c, e->slot.tex, surf, bg.a == 255);
    if (!e->slot.tex)
        return NULL;
    e->font = font;
    e->colour = colour;
    e->bg = bg;
    e->wrap = wrap;
    e->w = *w;
    e->h = *h;
    strcpy(e->s, s);
    return e->slot.tex;
}

unsigned long text_cache_renders(const text_cache *c) { return c->renders; }
unsigned long text_cache_textures(const text_cache *c) { return c->textures; }
