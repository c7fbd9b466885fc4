/* overlay/text_cache: a text drawn again is not rendered again; what differs (string, colour,
 * font, wrap, background) is; an idle text of the new one's size, else the least recently
 * used, makes room, its texture drawn into when it fits; clearing forgets all; text
 * on an opaque background is copied, not blended, and looks the same. Real SDL_ttf on
 * SDL's software renderer (dummy video driver). */
#include "test_util.h"

#include "overlay/overlay.h"
#include "overlay/text_cache.h"

static SDL_Window *win;
static SDL_Renderer *ren;
static TTF_Font *font, *bold;

static int setup(void **state)
{
    (void)state;
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (SDL_Init(SDL_INIT_VIDEO) < 0 || TTF_Init() < 0)
        return -1;
    win = SDL_CreateWindow("t", 0, 0, 320, 200, 0);
    ren = win ? SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE) : NULL;
    font = TTF_OpenFont(OVERLAY_FONT, 16);
    bold = TTF_OpenFont(OVERLAY_FONT_BOLD, 16);
    return ren && font && bold ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    TTF_CloseFont(font);
    TTF_CloseFont(bold);
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    TTF_Quit();
    SDL_Quit();
    return 0;
}

static const SDL_Color WHITE = { 255, 255, 255, 255 }, GREY = { 150, 150, 150, 255 };
static const SDL_Color NO_BG = { 0, 0, 0, 0 }, PANEL = { 24, 24, 28, 255 };

static void test_same_text_rendered_once(void **state)
{
    (void)state;
    text_cache *c = text_cache_new(ren);
    int w = 0, h = 0, w2 = 0, h2 = 0;
    SDL_Texture *a = text_cache_get(c, font, WHITE, NO_BG, 0, "L4 17.0 mm", &w, &h);
    assert_non_null(a);
    assert_true(w > 0 && h > 0);
    for (int i = 0; i < 5; i++)
        assert_ptr_equal(text_cache_get(c, font, WHITE, NO_BG, 0, "L4 17.0 mm", &w2, &h2), a);
    assert_int_equal(w2, w);
    assert_int_equal(h2, h);
    assert_int_equal(text_cache_renders(c), 1);
    /* what differs is rendered: string, colour, font, wrap */
    assert_ptr_not_equal(text_cache_get(c, font, WHITE, NO_BG, 0, "L4 16.9 mm", &w, &h), a);
    assert_ptr_not_equal(text_cache_get(c, font, GREY, NO_BG, 0, "L4 17.0 mm", &w, &h), a);
    assert_ptr_not_equal(text_cache_get(c, bold, WHITE, NO_BG, 0, "L4 17.0 mm", &w, &h), a);
    text_cache_get(c, font, WHITE, NO_BG, 40, "L4 17.0 mm", &w, &h);
    assert_true(w <= 40 + 8);   /* wrapped: narrower than the one line */
    assert_int_equal(text_cache_renders(c), 5);
    assert_ptr_equal(text_cache_get(c, font, WHITE, NO_BG, 0, "L4 17.0 mm", &w, &h), a);
    assert_int_equal(text_cache_renders(c), 5);
    text_cache_clear(c);
    assert_non_null(text_cache_get(c, font, WHITE, NO_BG, 0, "L4 17.0 mm", &w, &h));
    assert_int_equal(text_cache_renders(c), 6);
    text_cache_free(c);
}

static int width_of(const char *s)
{
    int w, h;
    assert_int_equal(TTF_SizeUTF8(font, s, &w, &h), 0);
    return w;
}

/* A full cache makes room with a text of the new one's size that has not been drawn for a
 * while (drawing into its texture), else with the text used longest ago; never with one in
 * use every screen. */
static void test_full_cache_makes_room(void **state)
{
    (void)state;
    /* the premises: the digits are one width, the number of them is not */
    assert_int_equal(width_of("line 63"), width_of("line 10"));
    assert_int_equal(width_of("line 1"), width_of("line 0"));
    assert_int_not_equal(width_of("line 63"), width_of("line 0"));
    text_cache *c = text_cache_new(ren);
    int w, h;
    char s[32];
    for (int i = 0; i < TEXT_CACHE_SIZE - 1; i++) {   /* full: lines 0-62 and "every screen" */
        snprintf(s, sizeof s, "line %d", i);
        assert_non_null(text_cache_get(c, font, WHITE, NO_BG, 0, s, &w, &h));
        text_cache_get(c, font, WHITE, NO_BG, 0, "every screen", &w, &h);
    }
    unsigned long n = text_cache_renders(c), made = text_cache_textures(c);
    assert_int_equal(n, TEXT_CACHE_SIZE);
    assert_int_equal(made, TEXT_CACHE_SIZE);
    /* line 63 takes the place of line 10, the idle text of its size used longest ago, and its
     * texture; line 0, of another size and used before it, stays */
    assert_non_null(text_cache_get(c, font, WHITE, NO_BG, 0, "line 63", &w, &h));
    assert_int_equal(text_cache_renders(c), n + 1);
    assert_int_equal(text_cache_textures(c), made);
    text_cache_get(c, font, WHITE, NO_BG, 0, "line 0", &w, &h);
    text_cache_get(c, font, WHITE, NO_BG, 0, "line 11", &w, &h);
    text_cache_get(c, font, WHITE, NO_BG, 0, "every screen", &w, &h);
    assert_int_equal(text_cache_renders(c), n + 1);   /* all still there */
    text_cache_get(c, font, WHITE, NO_BG, 0, "line 10", &w, &h);   /* gone: rendered again */
    assert_int_equal(text_cache_renders(c), n + 2);
    /* a text of a size no idle one has: the least recently used (line 1, line 0 being used
     * since) makes room, and a texture of the new size is made */
    assert_non_null(text_cache_get(c, font, WHITE, NO_BG, 0, "a wider line than the others",
                                   &w, &h));
    assert_int_equal(text_cache_textures(c), made + 1);
    text_cache_get(c, font, WHITE, NO_BG, 0, "line 0", &w, &h);
    text_cache_get(c, font, WHITE, NO_BG, 0, "every screen", &w, &h);
    assert_int_equal(text_cache_renders(c), n + 3);
    text_cache_get(c, font, WHITE, NO_BG, 0, "line 1", &w, &h);   /* gone */
    assert_int_equal(text_cache_renders(c), n + 4);
    text_cache_free(c);
}

/* The window's pixels in rc as ARGB8888, after drawing tex there on a fill of bg. */
static void draw_on(SDL_Texture *tex, SDL_Rect rc, SDL_Color bg, Uint32 *px)
{
    SDL_SetRenderDrawBlendMode(ren, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(ren, bg.r, bg.g, bg.b, 255);
    SDL_RenderClear(ren);
    SDL_RenderCopy(ren, tex, NULL, &rc);
    assert_int_equal(SDL_RenderReadPixels(ren, &rc, SDL_PIXELFORMAT_ARGB8888, px, rc.w * 4), 0);
}

/* The pixels of the text drawn at (4, 4) on PANEL, as ARGB8888 (malloc'd). */
static Uint32 *pixels_of(SDL_Texture *tex, int w, int h)
{
    Uint32 *px = malloc(sizeof *px * (size_t)(w * h));
    assert_non_null(px);
    draw_on(tex, (SDL_Rect){ 4, 4, w, h }, PANEL, px);
    return px;
}

/* Text on an opaque background is its own texture, copied without blending, and looks as the
 * blended text does on that background (within the rounding of the two ways). */
static void test_text_on_opaque_background(void **state)
{
    (void)state;
    text_cache *c = text_cache_new(ren);
    int w, h, w2, h2;
    SDL_Texture *blended = text_cache_get(c, font, WHITE, NO_BG, 0, "depth left 12.3 mm", &w, &h);
    SDL_Texture *opaque = text_cache_get(c, font, WHITE, PANEL, 0, "depth left 12.3 mm", &w2, &h2);
    assert_non_null(blended);
    assert_non_null(opaque);
    assert_ptr_not_equal(blended, opaque);
    assert_int_equal(text_cache_renders(c), 2);
    /* a translucent background is no background: the blended text again */
    SDL_Color half = PANEL;
    half.a = 128;
    assert_ptr_equal(text_cache_get(c, font, WHITE, half, 0, "depth left 12.3 mm", &w, &h),
                     blended);
    SDL_BlendMode mode;
    SDL_GetTextureBlendMode(opaque, &mode);
    assert_int_equal(mode, SDL_BLENDMODE_NONE);
    SDL_GetTextureBlendMode(blended, &mode);
    assert_int_equal(mode, SDL_BLENDMODE_BLEND);

    assert_int_equal(w, w2);
    assert_int_equal(h, h2);
    Uint32 *a = pixels_of(blended, w, h), *b = pixels_of(opaque, w, h);
    int worst = 0, lit = 0;
    for (int i = 0; i < w * h; i++)
        for (int sh = 0; sh < 24; sh += 8) {
            int d = abs((int)((a[i] >> sh) & 255) - (int)((b[i] >> sh) & 255));
            worst = d > worst ? d : worst;
            lit += sh == 8 && ((a[i] >> 8) & 255) > 128;   /* green over half: glyph pixels */
        }
    printf("opaque vs blended text on the panel: worst channel difference %d, %d glyph pixels\n",
           worst, lit);
    assert_true(lit > 50);   /* there is text to compare */
    assert_true(worst <= 4);
    free(a);
    free(b);
    text_cache_free(c);
}

/* A changed number mostly keeps its size: its text is drawn into the texture of the text it
 * replaces rather than a new one, and looks exactly as it does in a texture of its own,
 * blended or on an opaque background; a text of another size gets a texture of its size. */
static void test_text_of_the_same_size_reuses_a_texture(void **state)
{
    (void)state;
    text_cache *c = text_cache_new(ren), *fresh = text_cache_new(ren);
    const SDL_Color bgs[] = { NO_BG, PANEL };
    char s[32];
    int w, h, w0, h0;
    for (int i = 0; i < TEXT_CACHE_SIZE; i++) {   /* full: the distances 10.0-16.3 mm */
        snprintf(s, sizeof s, "L4 %.1f mm", 10.0 + i / 10.0);
        assert_non_null(text_cache_get(c, font, WHITE, bgs[i % 2], 0, s, &w0, &h0));
    }
    assert_int_equal(text_cache_textures(c), TEXT_CACHE_SIZE);
    for (int i = 0; i < TEXT_CACHE_SIZE; i++) {   /* the needle moves on: 20.0-26.3 mm */
        snprintf(s, sizeof s, "L4 %.1f mm", 20.0 + i / 10.0);
        SDL_Texture *t = text_cache_get(c, font, WHITE, bgs[i % 2], 0, s, &w, &h);
        assert_non_null(t);
        assert_int_equal(w, w0);   /* one size for them all, so one texture each */
        assert_int_equal(h, h0);
        if (i % 9)
            continue;
        int wf, hf;
        SDL_Texture *own = text_cache_get(fresh, font, WHITE, bgs[i % 2], 0, s, &wf, &hf);
        assert_non_null(own);
        assert_int_equal(wf, w);
        Uint32 *a = pixels_of(t, w, h), *b = pixels_of(own, w, h);
        assert_memory_equal(a, b, sizeof *a * (size_t)(w * h));
        SDL_BlendMode mode;
        SDL_GetTextureBlendMode(t, &mode);
        assert_int_equal(mode, bgs[i % 2].a == 255 ? SDL_BLENDMODE_NONE : SDL_BLENDMODE_BLEND);
        free(a);
        free(b);
    }
    assert_int_equal(text_cache_renders(c), 2 * TEXT_CACHE_SIZE);
    assert_int_equal(text_cache_textures(c), TEXT_CACHE_SIZE);
    /* a longer text does not fit the one it replaces: a texture of its own size */
    assert_non_null(text_cache_get(c, font, WHITE, NO_BG, 0, "L4 100.0 mm", &w, &h));
    assert_true(w > w0);
    assert_int_equal(text_cache_textures(c), TEXT_CACHE_SIZE + 1);
    text_cache_free(fresh);
    text_cache_free(c);
}

/* Text too long to keep is still drawn, every time. */
static void test_long_text_rendered_each_time(void **state)
{
    (void)state;
    text_cache *c = text_cache_new(ren);
    char s[400];
    memset(s, 'x', sizeof s - 1);
    s[sizeof s - 1] = 0;
    int w, h;
    assert_non_null(text_cache_get(c, font, WHITE, NO_BG, 200, s, &w, &h));
    assert_non_null(text_cache_get(c, font, WHITE, NO_BG, 200, s, &w, &h));
    assert_int_equal(text_cache_renders(c), 2);
    text_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_text_rendered_once),
        cmocka_unit_test(test_full_cache_makes_room),
        cmocka_unit_test(test_long_text_rendered_each_time),
        cmocka_unit_test(test_text_on_opaque_background),
        cmocka_unit_test(test_text_of_the_same_size_reuses_a_texture),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
