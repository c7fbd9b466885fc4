/* Drawing primitives on an SDL renderer, in window coordinates: thick strokes as triangles
 * (SDL_RenderGeometry) with a one-pixel feather fading to transparent on each side, so lines
 * stay smooth at any scale and on the software renderer. */
#ifndef NG_DRAW_H
#define NG_DRAW_H

#include <SDL.h>

#include "util/geom.h"

void draw_line(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, SDL_Color c);
/* A mark that keeps its shape while it moves: a ring (solid, or of ring_dashes dashes, half of
 * each arc drawn), a crosshair, and one dash of a dashed line (dash_length long, through the
 * centre at dash_angle radians), each left out when its width is 0. */
typedef struct {
    float ring_radius, ring_width;
    int ring_dashes;
    float cross_size, cross_width;
    float dash_length, dash_width, dash_angle;
    SDL_Color colour;
} mark_shape;

void draw_mark(SDL_Renderer *r, const mark_shape *m, ng_vec2 centre);
/* How far from its centre, along x or y, the mark can touch a pixel. */
float draw_mark_reach(const mark_shape *m);
/* A filled rectangle; an opaque colour is written, not blended. */
void draw_fill_rect(SDL_Renderer *r, SDL_Rect rc, SDL_Color c);

#endif
