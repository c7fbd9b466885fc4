/* Marks that keep their shape while they move — a target's ring and crosshair, the entry's and
 * the tip's circles, the aim's crosshair, the dashes of a dashed line — drawn once into a
 * texture and copied into place after. The software renderer fills every feathered triangle of a stroke through a temporary
 * surface of its own (~1 us each) and a ring is some 300 of them: at 1080p a target's ring and
 * crosshair with the entry's and the tip's circles took 0.35 ms a screen to draw, 15 us to
 * copy; each dash of a dashed path ~12 triangles. A copy lands on the nearest whole pixel (a
 * dash on the nearest half pixel: the dashes of one line stay in line). Least recently used
 * entries make room. */
#ifndef NG_MARK_CACHE_H
#define NG_MARK_CACHE_H

#include <SDL.h>

#include "overlay/draw.h"

#define MARK_CACHE_SIZE 48   /* the plan's and the needle's dashes take 4 each */
#define MARK_CACHE_MAX_PX 512   /* a larger mark is drawn in place each time */

typedef struct mark_cache mark_cache;

mark_cache *mark_cache_new(SDL_Renderer *r);
void mark_cache_free(mark_cache *c);
/* m centred on centre (to the nearest pixel), from its texture; drawn in place when it is too
 * large to keep or its texture cannot be made. */
void mark_cache_draw(mark_cache *c, const mark_shape *m, ng_vec2 centre);
/* Dashes of length dash separated by gap from a to b, starting at a with a dash (dots: dash ~
 * width): each whole dash a mark copied to the nearest half pixel (a texture for each of the
 * four places a centre can take in its pixel), the last, shorter one drawn in place. */
void mark_cache_dashed_line(mark_cache *c, ng_vec2 a, ng_vec2 b, float width, float dash,
                            float gap, SDL_Color colour);
/* Marks drawn into a texture so far (the misses). */
unsigned long mark_cache_renders(const mark_cache *c);

#endif
