#include "overlay/canvas.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Why aligned: SDL's opaque fills write whole cache lines with non-temporal stores, 64 bytes at
 * a time from the row's 16-byte-aligned start, and libyuv's rows store 32 bytes at a time. A row
 * starting mid-line splits every one of those across two lines: the 1080p screen (2420 px,
 * 9680 bytes a row) filled its panel and took its frame about 0.4 ms slower a frame so. */
enum { LINE = 64 };

/* Why huge pages: the screen is rewritten whole every frame (the frame converted into it, the
 * panel filled) — 10 MB at 1080p, two and a half thousand 4 kB pages, each a TLB miss a frame
 * (dearer still in a virtual machine, where a miss walks two page tables). On 2 MB pages, a
 * handful. Only an advice: where the kernel has no huge page to give, the screen works as before.
 * Measured at 1080p in runs taken in turn with the build before: render p50 lower in 7 of 8
 * pairs for NV12 (median -0.17 ms, CPU -1.4 points) and in 5 of 5 for YUYV (-0.16 to -0.49 ms,
 * CPU -2.9); 2 MB more memory (the rounding). */
enum { HUGE_PAGE = 2 << 20 };

SDL_Surface *canvas_new(int w, int h, Uint32 fmt)
{
    if (w <= 0 || h <= 0 || w > (INT32_MAX - LINE) / 4) {
        SDL_SetError("canvas: bad size %dx%d", w, h);
        return NULL;
    }
    int pitch = (w * 4 + LINE - 1) / LINE * LINE;
    size_t size = (size_t)pitch * (size_t)h;   /* a multiple of LINE, as aligned_alloc wants */
    size_t align = LINE;
    if (size >= HUGE_PAGE) {   /* a small screen is not worth a 2 MB page */
        align = HUGE_PAGE;
        size = (size + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    }
    void *pixels = aligned_alloc(align, size);
    if (!pixels) {
        SDL_OutOfMemory();
        return NULL;
    }
    if (align == HUGE_PAGE)
        madvise(pixels, size, MADV_HUGEPAGE);   /* before the first touch, below */
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
