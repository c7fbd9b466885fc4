/* Marks that keep their shape while they move — a target's ring and crosshair, the entry's and
 * the tip's circles, the aim's crosshair — drawn once into a texture and copied into place
 * after. The software renderer fills every feathered triangle of a stroke through a temporary
 * surface of its own (~1 us each) and a ring is some 300 of them: at 1080p a target's ring and
 * crosshair with the entry's and the tip's circles took 0.35 ms a screen to draw, 15 us to
 * copy. A copy lands on the nearest whole pixel. Least recently used entries make room. */
#ifndef NG_MARK_CACHE_H
#define NG_MARK_CACHE_H

#include <SDL.h>

#include "overlay/draw.h"

#define MARK_CACHE_SIZE 16
#define MARK_CACHE_MAX_PX 512   /* a larger mark is drawn in place each time */

typedef struct mark_cache mark_cache;

mark_cache *mark_cache_new(SDL_Renderer *r);
void mark_cache_free(mark_cache *c);
/* m centred on centre (to the nearest pixel), from its texture; drawn in place when it is too
 * large to keep or its texture cannot be made. */
void mark_cache_draw(mark_cache *c, const mark_shape *m, ng_vec2 centre);
/* Marks drawn into a texture so far (the misses). */
unsigned long mark_cache_renders(const mark_cache *c);

#endif
