/* overlay/panel_lines: which rows of the panel are drawn again — none when nothing changed, the
 * rows a changed line covered and covers, the whole panel when the screen is not kept. */
#include "test_util.h"

#include "overlay/panel_lines.h"

static const SDL_Rect AREA = { 500, 0, 200, 400 };
static const SDL_Color WHITE = { 235, 235, 235, 255 }, AMBER = { 230, 160, 0, 255 };

/* Lines of 20 rows every 30 rows from y 10, texts t[0..n-1]. */
static void lines(panel_lines *p, const char *const *t, int n, int y0)
{
    panel_lines_begin(p);
    for (int i = 0; i < n; i++)
        panel_lines_add(p, 1, WHITE, 180, (SDL_Rect){ 510, y0 + 30 * i, 120, 20 }, t[i]);
}

static void assert_band(SDL_Rect b, int y0, int y1)
{
    assert_int_equal(b.x, AREA.x);
    assert_int_equal(b.w, AREA.w);
    assert_int_equal(b.y, y0);
    assert_int_equal(b.y + b.h, y1);
}

static void test_whole_first_then_only_changes(void **s)
{
    (void)s;
    static panel_lines p;
    SDL_Rect b[8];
    const char *t[] = { "needleguide", "L4 5.4 mm", "depth left 5.4 mm", "skipped 0" };
    panel_lines_forget(&p);
    lines(&p, t, 4, 10);
    assert_int_equal(panel_lines_damage(&p, AREA, true, b, 8), 1);
    assert_band(b[0], 0, 400);
    lines(&p, t, 4, 10);   /* the same screen */
    assert_int_equal(panel_lines_damage(&p, AREA, true, b, 8), 0);
    const char *u[] = { "needleguide", "L4 5.3 mm", "depth left 5.4 mm", "skipped 1" };
    lines(&p, u, 4, 10);
    assert_int_equal(panel_lines_damage(&p, AREA, true, b, 8), 2);
    assert_band(b[0], 40, 60);
    assert_band(b[1], 100, 120);
    assert_true(panel_lines_in_band(&p, 1, b[0]));
    assert_false(panel_lines_in_band(&p, 0, b[0]));
    assert_false(panel_lines_in_band(&p, 2, b[0]));
    /* a colour alone is a change */
    lines(&p, u, 4, 10);
    p.now[2].colour = AMBER;
    assert_int_equal(panel_lines_damage(&p, AREA, true, b, 8), 1);
    assert_band(b[0], 70, 90);
}

static void test_moved_added_and_gone(void **s)
{
    (void)s;
    static panel_lines p;
    SDL_Rect b[8];
    const char *t[] = { "a", "b", "c" };
    panel_lines_forget(&p);
    lines(&p, t, 3, 10);
    panel_lines_damage(&p, AREA, true, b, 8);
    /* every line 15 rows lower: the rows they left and the rows they take, one band */
    lines(&p, t, 3, 25);
    assert_int_equal(panel_lines_damage(&p, AREA, true, b, 8), 1);
    assert_band(b[0], 10, 105);
    /* a line gone: its rows cleared */
    lines(&p, t, 2, 25);
    assert_int_equal(panel_lines_damage(&p, AREA, true, b, 8), 1);
    assert_band(b[0], 85, 105);
    /* and back */
    lines(&p, t, 3, 25);
    assert_int_equal(panel_lines_damage(&p, AREA, true, b, 8), 1);
    assert_band(b[0], 85, 105);
    /* bands apart stay apart; rows outside the panel are not drawn */
    panel_lines_begin(&p);
    panel_lines_add(&p, 1, WHITE, 0, (SDL_Rect){ 510, 390, 120, 20 }, "low");
    assert_int_equal(panel_lines_damage(&p, AREA, true, b, 8), 4);
    assert_band(b[0], 25, 45);
    assert_band(b[1], 55, 75);
    assert_band(b[2], 85, 105);
    assert_band(b[3], 390, 400);
}

static void test_whole_when_not_kept(void **s)
{
    (void)s;
    static panel_lines p;
    SDL_Rect b[8];
    const char *t[] = { "a", "b" };
    panel_lines_forget(&p);
    lines(&p, t, 2, 10);
    panel_lines_damage(&p, AREA, true, b, 8);
    lines(&p, t, 2, 10);   /* a window: its pixels are not the last screen's */
    assert_int_equal(panel_lines_damage(&p, AREA, false, b, 8), 1);
    assert_band(b[0], 0, 400);
    lines(&p, t, 2, 10);   /* and the screen after it has nothing to keep either */
    assert_int_equal(panel_lines_damage(&p, AREA, true, b, 8), 1);
    lines(&p, t, 2, 10);   /* the panel elsewhere (the window resized) */
    SDL_Rect wider = { 480, 0, 220, 400 };
    assert_int_equal(panel_lines_damage(&p, wider, true, b, 8), 1);
    assert_int_equal(b[0].x, 480);
    assert_int_equal(b[0].w, 220);
    lines(&p, t, 2, 10);
    panel_lines_forget(&p);   /* the screen made again */
    assert_int_equal(panel_lines_damage(&p, wider, true, b, 8), 1);
    /* more lines than kept: whole, and the next screen whole again */
    panel_lines_begin(&p);
    for (int i = 0; i <= PANEL_LINES_MAX; i++)
        panel_lines_add(&p, 0, WHITE, 0, (SDL_Rect){ 490, 10 * i, 50, 8 }, "x");
    assert_true(p.overflow);
    assert_int_equal(panel_lines_damage(&p, wider, true, b, 8), 1);
    assert_true(b[0].y == 0 && b[0].h == 400);
    lines(&p, t, 2, 10);
    assert_int_equal(panel_lines_damage(&p, wider, true, b, 8), 1);
    assert_true(b[0].y == 0 && b[0].h == 400);
}

/* More changes than bands: the last band grows over the rest; every changed row is drawn. */
static void test_bands_run_out(void **s)
{
    (void)s;
    static panel_lines p;
    SDL_Rect b[2];
    const char *t[] = { "a", "b", "c", "d", "e" }, *u[] = { "A", "b", "C", "d", "E" };
    panel_lines_forget(&p);
    lines(&p, t, 5, 10);
    panel_lines_damage(&p, AREA, true, b, 2);
    lines(&p, u, 5, 10);
    assert_int_equal(panel_lines_damage(&p, AREA, true, b, 2), 2);
    assert_band(b[0], 10, 30);
    assert_band(b[1], 70, 150);   /* lines 2 to 4, line 3 unchanged inside it */
    assert_true(panel_lines_in_band(&p, 3, b[1]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_first_then_only_changes),
        cmocka_unit_test(test_moved_added_and_gone),
        cmocka_unit_test(test_whole_when_not_kept),
        cmocka_unit_test(test_bands_run_out),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
