/* overlay/text_cache: a text drawn again is not rendered again; what differs (string, colour,
 * font, wrap) is; the least recently used makes room; clearing forgets all. Real SDL_ttf on
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

static void test_same_text_rendered_once(void **state)
{
    (void)state;
    text_cache *c = text_cache_new(ren);
    int w = 0, h = 0, w2 = 0, h2 = 0;
    SDL_Texture *a = text_cache_get(c, font, WHITE, 0, "L4 17.0 mm", &w, &h);
    assert_non_null(a);
    assert_true(w > 0 && h > 0);
    for (int i = 0; i < 5; i++)
        assert_ptr_equal(text_cache_get(c, font, WHITE, 0, "L4 17.0 mm", &w2, &h2), a);
    assert_int_equal(w2, w);
    assert_int_equal(h2, h);
    assert_int_equal(text_cache_renders(c), 1);
    /* what differs is rendered: string, colour, font, wrap */
    assert_ptr_not_equal(text_cache_get(c, font, WHITE, 0, "L4 16.9 mm", &w, &h), a);
    assert_ptr_not_equal(text_cache_get(c, font, GREY, 0, "L4 17.0 mm", &w, &h), a);
    assert_ptr_not_equal(text_cache_get(c, bold, WHITE, 0, "L4 17.0 mm", &w, &h), a);
    text_cache_get(c, font, WHITE, 40, "L4 17.0 mm", &w, &h);
    assert_true(w <= 40 + 8);   /* wrapped: narrower than the one line */
    assert_int_equal(text_cache_renders(c), 5);
    assert_ptr_equal(text_cache_get(c, font, WHITE, 0, "L4 17.0 mm", &w, &h), a);
    assert_int_equal(text_cache_renders(c), 5);
    text_cache_clear(c);
    assert_non_null(text_cache_get(c, font, WHITE, 0, "L4 17.0 mm", &w, &h));
    assert_int_equal(text_cache_renders(c), 6);
    text_cache_free(c);
}

/* A full cache drops the text used longest ago, not one in use every screen. */
static void test_least_recently_used_makes_room(void **state)
{
    (void)state;
    text_cache *c = text_cache_new(ren);
    int w, h;
    char s[32];
    for (int i = 0; i < TEXT_CACHE_SIZE; i++) {
        snprintf(s, sizeof s, "line %d", i);
        assert_non_null(text_cache_get(c, font, WHITE, 0, s, &w, &h));
        text_cache_get(c, font, WHITE, 0, "every screen", &w, &h);
    }
    unsigned long n = text_cache_renders(c);
    assert_int_equal(n, TEXT_CACHE_SIZE + 1);
    /* the 64 places hold lines 1-63 and "every screen": line 0, used longest ago, made room */
    text_cache_get(c, font, WHITE, 0, "every screen", &w, &h);
    assert_int_equal(text_cache_renders(c), n);
    text_cache_get(c, font, WHITE, 0, "line 0", &w, &h);   /* gone: rendered again */
    assert_int_equal(text_cache_renders(c), n + 1);
    text_cache_get(c, font, WHITE, 0, "line 63", &w, &h);  /* recent: kept */
    assert_int_equal(text_cache_renders(c), n + 1);
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
    assert_non_null(text_cache_get(c, font, WHITE, 200, s, &w, &h));
    assert_non_null(text_cache_get(c, font, WHITE, 200, s, &w, &h));
    assert_int_equal(text_cache_renders(c), 2);
    text_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_text_rendered_once),
        cmocka_unit_test(test_least_recently_used_makes_room),
        cmocka_unit_test(test_long_text_rendered_each_time),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
