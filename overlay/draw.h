/* Drawing primitives on an SDL renderer, in window coordinates. */
#ifndef NG_DRAW_H
#define NG_DRAW_H

#include <SDL.h>

#include "util/geom.h"

void draw_line(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width);
/* Dashes of length dash separated by gap, starting at a with a dash. */
void draw_dashed_line(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, float dash, float gap);
void draw_circle(SDL_Renderer *r, ng_vec2 c, float radius, float width);
void draw_crosshair(SDL_Renderer *r, ng_vec2 c, float size, float width);

#endif
