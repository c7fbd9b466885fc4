/* Text rendered once and kept while it is drawn screen after screen: most of the HUD does not
 * change from one frame to the next, and a software renderer pays for every glyph run rendered
 * and every texture made and freed (~1.5 ms a screen at 1080p when the panel was remade each
 * frame). Least recently used entries make room. */
#ifndef NG_TEXT_CACHE_H
#define NG_TEXT_CACHE_H

#include <SDL.h>
#include <SDL_ttf.h>

#define TEXT_CACHE_SIZE 64

typedef struct text_cache text_cache;

text_cache *text_cache_new(SDL_Renderer *r);
void text_cache_free(text_cache *c);
/* s in font and colour, wrapped at wrap px (0: one line), and its size; NULL if it cannot be
 * rendered. On an opaque background colour bg (bg.a 255) the text is rendered onto it and its
 * texture is opaque, copied without blending (the software renderer blends pixel by pixel);
 * otherwise (bg.a < 255, bg ignored) it is blended over whatever lies below. The texture is the
 * cache's: use it before the next text_cache_get. */
SDL_Texture *text_cache_get(text_cache *c, TTF_Font *font, SDL_Color colour, SDL_Color bg,
                            int wrap, const char *s, int *w, int *h);
/* Forgets everything (the fonts were resized). */
void text_cache_clear(text_cache *c);
/* Texts rendered so far (the misses). */
unsigned long text_cache_renders(const text_cache *c);
/* Textures made so far: a text rendered in place of one of its size is drawn into that one's. */
unsigned long text_cache_textures(const text_cache *c);

#endif
