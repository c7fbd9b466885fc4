/* Golden-image comparison for the overlay tests (after SDL's own testautomation_render):
 * a tolerance per channel and on the share of pixels off, actual and expected dumped on failure.
 * NG_UPDATE_GOLDEN=1 rewrites the golden images after a deliberate change. */
#ifndef NG_TEST_IMAGE_H
#define NG_TEST_IMAGE_H

#include <SDL.h>
#include <SDL_image.h>
#include <stdbool.h>

#include "test_util.h"

#define GOLDEN_DIR "tests/golden"
#define GOLDEN_CHANNEL_TOL 24          /* a shade of font rasterisation or blending */
#define GOLDEN_MAX_OFF_FRACTION 0.002  /* of the image's pixels */

static inline SDL_Surface *image_load(const char *path)
{
    SDL_Surface *raw = IMG_Load(path);
    if (!raw)
        return NULL;
    SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    return s;
}

static inline void image_rgb(SDL_Surface *s, int x, int y, Uint8 *r, Uint8 *g, Uint8 *b)
{
    Uint32 px = ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
    SDL_GetRGB(px, s->format, r, g, b);
}

/* The pixel at (x, y) is within tol of (R,G,B) in every channel; false outside the image. */
static inline bool image_near(SDL_Surface *s, int x, int y, Uint8 R, Uint8 G, Uint8 B, int tol)
{
    if (x < 0 || y < 0 || x >= s->w || y >= s->h)
        return false;
    Uint8 r, g, b;
    image_rgb(s, x, y, &r, &g, &b);
    return abs(r - R) <= tol && abs(g - G) <= tol && abs(b - B) <= tol;
}

/* Pixels of a and b (same size) differing by more than the tolerance in any channel. */
static inline int image_pixels_off(SDL_Surface *a, SDL_Surface *b)
{
    int off = 0;
    for (int y = 0; y < a->h; y++)
        for (int x = 0; x < a->w; x++) {
            Uint8 p[3], q[3];
            image_rgb(a, x, y, &p[0], &p[1], &p[2]);
            image_rgb(b, x, y, &q[0], &q[1], &q[2]);
            off += abs(p[0] - q[0]) > GOLDEN_CHANNEL_TOL || abs(p[1] - q[1]) > GOLDEN_CHANNEL_TOL ||
                   abs(p[2] - q[2]) > GOLDEN_CHANNEL_TOL;
        }
    return off;
}

/* Compares img with tests/golden/NAME.png; on failure both are kept in the test's temporary
 * directory and their paths printed. */
static inline void image_check_golden(SDL_Surface *img, const char *name)
{
    char gold_path[256], actual[256], expected[256];
    snprintf(gold_path, sizeof gold_path, GOLDEN_DIR "/%s.png", name);
    if (getenv("NG_UPDATE_GOLDEN")) {
        assert_int_equal(IMG_SavePNG(img, gold_path), 0);
        return;
    }
    SDL_Surface *gold = image_load(gold_path);
    if (!gold)
        fail_msg("missing %s (make it with NG_UPDATE_GOLDEN=1)", gold_path);
    bool same_size = img->w == gold->w && img->h == gold->h;
    int off = same_size ? image_pixels_off(img, gold) : img->w * img->h;
    if (off > img->w * img->h * GOLDEN_MAX_OFF_FRACTION) {
        snprintf(actual, sizeof actual, "%s/%s-actual.png", test_tmpdir(), name);
        snprintf(expected, sizeof expected, "%s/%s-expected.png", test_tmpdir(), name);
        IMG_SavePNG(img, actual);
        IMG_SavePNG(gold, expected);
        setenv("NG_KEEP_TMP", "1", 1);
        int gw = gold->w, gh = gold->h;
        SDL_FreeSurface(gold);
        fail_msg("golden %s: %d pixels differ (%dx%d against %dx%d); actual %s, expected %s", name,
                 off, img->w, img->h, gw, gh, actual, expected);
    }
    SDL_FreeSurface(gold);
}

#endif
