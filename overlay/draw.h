/* Drawing primitives on an SDL renderer, in window coordinates: thick strokes as triangles
 * (SDL_RenderGeometry) with a one-pixel feather fading to transparent on each side, so lines
 * stay smooth at any scale and on the software renderer. */
#ifndef NG_DRAW_H
#define NG_DRAW_H

#include <SDL.h>

#include "util/geom.h"

void draw_line(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, SDL_Color c);
/* Dashes of length dash separated by gap, starting at a with a dash (dots: dash ~ width). */
void draw_dashed_line(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, float dash, float gap,
                      SDL_Color c);
void draw_circle(SDL_Renderer *r, ng_vec2 centre, float radius, float width, SDL_Color c);
/* A circle of n dashes (half of each arc drawn). */
void draw_dashed_circle(SDL_Renderer *r, ng_vec2 centre, float radius, float width, int n,
                        SDL_Color c);
void draw_crosshair(SDL_Renderer *r, ng_vec2 centre, float size, float width, SDL_Color c);
/* A filled rectangle; an opaque colour is written, not blended. */
void draw_fill_rect(SDL_Renderer *r, SDL_Rect rc, SDL_Color c);

#endif
