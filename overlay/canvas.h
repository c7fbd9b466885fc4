/* The headless screen: an SDL surface whose every row starts on a cache line. */
#ifndef NG_CANVAS_H
#define NG_CANVAS_H

#include <SDL.h>

/* A w x h surface of format fmt (32 bits a pixel), its pixels and each row 64-byte aligned — and,
 * from 2 MB up, its pixels on 2 MB pages where the kernel can give them (advised); NULL with
 * SDL_GetError() set when it cannot be made. Freed with canvas_free. */
SDL_Surface *canvas_new(int w, int h, Uint32 fmt);
void canvas_free(SDL_Surface *s);

#endif
