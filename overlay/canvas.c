#include "overlay/canvas.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Why aligned: SDL's opaque fills write whole cache lines with non-temporal stores, 64 bytes at
 * a time from the row's 16-byte-aligned start, and libyuv's rows store 32 bytes at a time. A row
 * starting mid-line splits every one of those across two lines: the 1080p screen (2420 px,
 * 9680 bytes a row) filled its panel and took its frame about 0.4 ms slower a frame so. */
enum { LINE = 64 };

SDL_Surface *canvas_new(int w, int h, Uint32 fmt)
{
    if (w <= 0 || h <= 0 || w > (INT32_MAX - LINE) / 4) {
        SDL_SetError("canvas: bad size %dx%d", w, h);
        return NULL;
    }
    int pitch = (w * 4 + LINE - 1) / LINE * LINE;
    size_t size = (size_t)pitch * (size_t)h;   /* a multiple of LINE, as aligned_alloc wants */
    void *pixels = aligned_alloc(LINE, size);
    if (!pixels) {
        SDL_OutOfMemory();
        return NULL;
    }
    memset(pixels, 0, size);   /* black, as SDL's own surfaces start */
    SDL_Surface *s = SDL_CreateRGBSurfaceWithFormatFrom(pixels, w, h, 32, pitch, fmt);
    if (!s)
        free(pixels);
    return s;
}

void canvas_free(SDL_Surface *s)
{
    if (!s)
        return;
    void *pixels = s->pixels;   /* ours: SDL does not free pixels it was handed */
    SDL_FreeSurface(s);
    free(pixels);
}
