/* overlay/mark_cache: a mark copied from its texture looks as the mark drawn in place (within a
 * few levels), lands on the nearest pixel, is clipped at the screen's edge as drawing clips it;
 * draw_mark_reach bounds every pixel a mark touches (or the texture would cut it); a mark drawn
 * again is not rendered again, what differs is, the least recently used makes room; a mark too
 * large to keep is drawn in place, to the bit. Real SDL software rendering on surfaces. */
#include "test_util.h"

#include <SDL.h>

#include "overlay/mark_cache.h"

enum { W = 240, H = 200 };
#define COPY_TOL 4   /* levels: the texture's colours divided back by their alpha, rounded */

static const mark_shape TARGET = { .ring_radius = 30, .ring_width = 4, .cross_size = 14,
                                   .cross_width = 3, .colour = { 255, 200, 0, 255 } };
static const mark_shape UNSURE = { .ring_radius = 30, .ring_width = 5, .ring_dashes = 16,
                                   .cross_size = 14, .cross_width = 3,
                                   .colour = { 150, 150, 150, 255 } };
static const mark_shape TIP = { .ring_radius = 12, .ring_width = 4,
                                .colour = { 40, 220, 90, 255 } };
static const mark_shape AIM = { .cross_size = 8, .cross_width = 3,
                                .colour = { 230, 60, 60, 255 } };
static const mark_shape FADED = { .ring_radius = 20, .ring_width = 4,
                                  .colour = { 80, 160, 255, 170 } };
static const mark_shape DASH = { .dash_length = 22, .dash_width = 6.75f, .dash_angle = 0.6f,
                                 .colour = { 0, 220, 255, 255 } };

/* A screen with a busy background: every channel varies, so a wrong blend shows. */
typedef struct {
    SDL_Surface *s;
    SDL_Renderer *r;
} screen;

static screen screen_new(void)
{
    screen sc;
    sc.s = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_RGB888);
    assert_non_null(sc.s);
    for (int y = 0; y < H; y++) {
        Uint32 *p = (Uint32 *)((Uint8 *)sc.s->pixels + y * sc.s->pitch);
        for (int x = 0; x < W; x++)
            p[x] = (Uint32)(((x * 7 + y * 3) & 0xff) << 16 | ((x * 2 + y * 11) & 0xff) << 8 |
                            ((x * 13 + y * 5) & 0xff));
    }
    sc.r = SDL_CreateSoftwareRenderer(sc.s);
    assert_non_null(sc.r);
    SDL_SetRenderDrawBlendMode(sc.r, SDL_BLENDMODE_BLEND);
    return sc;
}

static void screen_free(screen sc)
{
    SDL_DestroyRenderer(sc.r);
    SDL_FreeSurface(sc.s);
}

static Uint32 px(const screen *sc, int x, int y)
{
    SDL_RenderFlush(sc->r);
    return ((Uint32 *)((Uint8 *)sc->s->pixels + y * sc->s->pitch))[x];
}

/* The largest difference of any channel between two screens, and the pixels that differ. */
static int max_diff(const screen *a, const screen *b, int *differing)
{
    int worst = 0;
    *differing = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            Uint32 p = px(a, x, y), q = px(b, x, y);
            int d = 0;
            for (int sh = 0; sh < 24; sh += 8)
                d = fmax(d, abs((int)((p >> sh) & 0xff) - (int)((q >> sh) & 0xff)));
            worst = d > worst ? d : worst;
            *differing += d > 0;
        }
    return worst;
}

/* m drawn in place at at_drawn on one screen, copied through the cache at at_copied on another:
 * returns the largest channel difference; the mark must have changed a good many pixels. */
static int copy_against_drawing(const mark_shape *m, ng_vec2 at_drawn, ng_vec2 at_copied)
{
    screen plain = screen_new(), drawn = screen_new(), copied = screen_new();
    draw_mark(drawn.r, m, at_drawn);
    mark_cache *c = mark_cache_new(copied.r);
    assert_non_null(c);
    mark_cache_draw(c, m, at_copied);
    assert_int_equal(mark_cache_renders(c), 1);
    int touched, differing;
    max_diff(&plain, &drawn, &touched);
    assert_true(touched > 40);
    int d = max_diff(&drawn, &copied, &differing);
    mark_cache_free(c);
    screen_free(plain);
    screen_free(drawn);
    screen_free(copied);
    return d;
}

static void test_copy_looks_as_drawn(void **state)
{
    (void)state;
    const mark_shape *marks[] = { &TARGET, &UNSURE, &TIP, &AIM, &FADED, &DASH };
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        int d = copy_against_drawing(marks[i], ng_v2(120, 100), ng_v2(120, 100));
        printf("mark %zu: copy within %d levels of the drawing\n", i, d);
        assert_true(d <= COPY_TOL);
    }
}

/* Dashes from a to b drawn in place, stroke by stroke, as the overlay drew them before. */
static void dashes_in_place(SDL_Renderer *r, ng_vec2 a, ng_vec2 b, float width, float dash,
                            float gap, SDL_Color c)
{
    double len = ng_v2_dist(a, b);
    ng_vec2 d = ng_v2_scale(ng_v2_sub(b, a), 1.0 / len);
    for (double s = 0; s < len; s += dash + gap) {
        double e = s + dash < len ? s + dash : len;
        draw_line(r, ng_v2_add(a, ng_v2_scale(d, s)), ng_v2_add(a, ng_v2_scale(d, e)), width, c);
    }
}

static int dashes_against_drawing(ng_vec2 a, ng_vec2 b, float width, float dash, float gap,
                                  SDL_Color col)
{
    screen drawn = screen_new(), copied = screen_new();
    dashes_in_place(drawn.r, a, b, width, dash, gap, col);
    mark_cache *c = mark_cache_new(copied.r);
    assert_non_null(c);
    mark_cache_dashed_line(c, a, b, width, dash, gap, col);
    int differing;
    int d = max_diff(&drawn, &copied, &differing);
    mark_cache_free(c);
    screen_free(drawn);
    screen_free(copied);
    return d;
}

static void test_dashes_look_as_drawn(void **state)
{
    (void)state;
    /* dash centres on half pixels, along x: each copy exactly where the drawing put it */
    int d = dashes_against_drawing(ng_v2(20.5, 50.5), ng_v2(200.5, 50.5), 6.75f, 10, 7,
                                   (SDL_Color){ 0, 220, 255, 255 });
    printf("dashes along x, centres on half pixels: within %d levels\n", d);
    assert_true(d <= COPY_TOL);
    d = dashes_against_drawing(ng_v2(20, 150), ng_v2(200, 150), 4.5f, 10, 7,
                               (SDL_Color){ 160, 90, 220, 200 });
    printf("dashes along x, translucent, centres on whole pixels: within %d levels\n", d);
    assert_true(d <= COPY_TOL);
}

/* The centre of what a screen changed over the plain background, weighted by how much. */
static ng_vec2 centre_of_change(const screen *plain, const screen *sc)
{
    double sw = 0, sx = 0, sy = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            Uint32 p = px(plain, x, y), q = px(sc, x, y);
            int d = 0;
            for (int sh = 0; sh < 24; sh += 8)
                d = fmax(d, abs((int)((p >> sh) & 0xff) - (int)((q >> sh) & 0xff)));
            sw += d;
            sx += d * (x + 0.5);
            sy += d * (y + 0.5);
        }
    return ng_v2(sx / sw, sy / sw);
}

/* Anywhere and at any angle, a dash copied to the nearest half pixel lies where the dash drawn
 * in place does, to what the two roundings allow: the copy's, a quarter pixel each way, and the
 * software renderer's own (it snaps vertices to half pixels). A pixel off is told apart. */
static void test_dash_lands_where_drawn(void **state)
{
    (void)state;
    uint32_t seed = 99;
    double worst = 0, sum = 0;
    for (int i = 0; i < 24; i++) {
        seed = seed * 1664525u + 1013904223u;
        double ang = (seed >> 8) / (double)(1u << 24) * 2 * M_PI;
        ng_vec2 a = ng_v2(100 + (seed & 0xff) / 256.0, 90 + ((seed >> 8) & 0xff) / 256.0);
        ng_vec2 b = ng_v2_add(a, ng_v2(22 * cos(ang), 22 * sin(ang)));   /* one dash */
        ng_vec2 past = ng_v2_add(a, ng_v2(22.1 * cos(ang), 22.1 * sin(ang)));   /* and no more */
        SDL_Color col = { 0, 220, 255, 255 };
        screen plain = screen_new(), drawn = screen_new(), copied = screen_new(),
               off = screen_new();
        const screen *all[] = { &plain, &drawn, &copied, &off };
        for (int k = 0; k < 4; k++)   /* a flat grey: the centre of change is the dash's own */
            SDL_FillRect(all[k]->s, NULL, 0x505050);
        draw_line(drawn.r, a, b, 6.75f, col);
        draw_line(off.r, ng_v2_add(a, ng_v2(1, 0)), ng_v2_add(b, ng_v2(1, 0)), 6.75f, col);
        mark_cache *c = mark_cache_new(copied.r);
        mark_cache_dashed_line(c, a, past, 6.75f, 22, 10, col);
        assert_int_equal(mark_cache_renders(c), 1);   /* copied, not drawn in place */
        ng_vec2 cd = centre_of_change(&plain, &drawn), cc = centre_of_change(&plain, &copied);
        ng_vec2 co = centre_of_change(&plain, &off);
        double e = fmax(fabs(cd.x - cc.x), fabs(cd.y - cc.y));
        worst = fmax(worst, e);
        sum += e;
        assert_true(e <= 0.65);
        assert_true(fabs(co.x - cd.x) > 0.7);
        mark_cache_free(c);
        screen_free(plain);
        screen_free(drawn);
        screen_free(copied);
        screen_free(off);
    }
    printf("24 dashes: copies within %.2f px of the drawing, %.2f on average\n", worst, sum / 24);
    assert_true(sum / 24 <= 0.25);
}

/* A line's whole dashes take at most a texture for each of the four half-pixel places; drawn
 * again, none. */
static void test_dashes_rendered_once(void **state)
{
    (void)state;
    screen sc = screen_new();
    mark_cache *c = mark_cache_new(sc.r);
    mark_cache_dashed_line(c, ng_v2(10.3, 20.6), ng_v2(230.1, 180.9), 4, 10, 7,
                           (SDL_Color){ 255, 255, 0, 255 });
    unsigned long n = mark_cache_renders(c);
    assert_true(n >= 1 && n <= 4);
    mark_cache_dashed_line(c, ng_v2(10.3, 20.6), ng_v2(230.1, 180.9), 4, 10, 7,
                           (SDL_Color){ 255, 255, 0, 255 });
    mark_cache_dashed_line(c, ng_v2(12.3, 21.6), ng_v2(232.1, 181.9), 4, 10, 7,
                           (SDL_Color){ 255, 255, 0, 255 });   /* moved: the same textures */
    assert_int_equal(mark_cache_renders(c), n);
    mark_cache_free(c);
    screen_free(sc);
}

static void test_copy_lands_on_nearest_pixel(void **state)
{
    (void)state;
    assert_true(copy_against_drawing(&TARGET, ng_v2(120, 100), ng_v2(120.4, 99.6)) <= COPY_TOL);
    assert_true(copy_against_drawing(&TARGET, ng_v2(121, 99), ng_v2(120.6, 99.4)) <= COPY_TOL);
    /* and not anywhere else: one pixel off is far more than the tolerance */
    assert_true(copy_against_drawing(&TARGET, ng_v2(120, 100), ng_v2(121, 100)) > 50);
}

/* At the right and bottom edges the copy is clipped as the drawing is. At the left and top,
 * SDL's drawing itself bends: it truncates negative vertex coordinates towards zero, pulling
 * what lies off the screen onto its first columns (68 and 153 levels off here); the copy is
 * checked there against the same mark drawn whole further in, shifted, on a plain screen. */
static void test_copy_clipped_at_the_edge(void **state)
{
    (void)state;
    assert_true(copy_against_drawing(&TARGET, ng_v2(W - 3, 40), ng_v2(W - 3, 40)) <= COPY_TOL);
    assert_true(copy_against_drawing(&TIP, ng_v2(W - 3, H - 2), ng_v2(W - 3, H - 2)) <= COPY_TOL);

    const int shift = 100;
    screen drawn = screen_new(), copied = screen_new();
    SDL_FillRect(drawn.s, NULL, 0x405060);
    SDL_FillRect(copied.s, NULL, 0x405060);
    draw_mark(drawn.r, &TARGET, ng_v2(5 + shift, 5 + shift));
    mark_cache *c = mark_cache_new(copied.r);
    mark_cache_draw(c, &TARGET, ng_v2(5, 5));
    int worst = 0, marked = 0;
    for (int y = 0; y + shift < H; y++)
        for (int x = 0; x + shift < W; x++) {
            Uint32 p = px(&drawn, x + shift, y + shift), q = px(&copied, x, y);
            marked += q != 0x405060;
            for (int sh = 0; sh < 24; sh += 8)
                worst = fmax(worst, abs((int)((p >> sh) & 0xff) - (int)((q >> sh) & 0xff)));
        }
    assert_true(marked > 40);
    assert_true(worst <= COPY_TOL);
    mark_cache_free(c);
    screen_free(drawn);
    screen_free(copied);
}

/* Every pixel the mark changes lies within its reach of the centre: the texture, two reaches
 * wide, holds all of it. */
static void test_reach_bounds_the_mark(void **state)
{
    (void)state;
    const mark_shape *marks[] = { &TARGET, &UNSURE, &TIP, &AIM, &FADED, &DASH };
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
        const double cx = 120.5, cy = 100.5;   /* off the pixel grid: the worst rounding */
        screen plain = screen_new(), drawn = screen_new();
        draw_mark(drawn.r, marks[i], ng_v2(cx, cy));
        double reach = draw_mark_reach(marks[i]), far = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                if (px(&plain, x, y) != px(&drawn, x, y))
                    far = fmax(far, fmax(fabs(x + 0.5 - cx), fabs(y + 0.5 - cy)));
        printf("mark %zu: touches %.1f px from its centre, reach %.1f\n", i, far, reach);
        assert_true(far > 0.5 * reach);   /* the reach is not wildly loose either */
        assert_true(far <= reach + 0.5);
        screen_free(plain);
        screen_free(drawn);
    }
}

static void test_same_mark_rendered_once(void **state)
{
    (void)state;
    screen sc = screen_new();
    mark_cache *c = mark_cache_new(sc.r);
    for (int i = 0; i < 5; i++)
        mark_cache_draw(c, &TARGET, ng_v2(40 + 30 * i, 100));   /* moved: the same texture */
    assert_int_equal(mark_cache_renders(c), 1);
    mark_shape other = TARGET;
    other.colour.g = 201;
    mark_cache_draw(c, &other, ng_v2(100, 100));
    assert_int_equal(mark_cache_renders(c), 2);
    other = TARGET;
    other.ring_dashes = 16;
    mark_cache_draw(c, &other, ng_v2(100, 100));
    other = TARGET;
    other.ring_width = 4.5f;
    mark_cache_draw(c, &other, ng_v2(100, 100));
    assert_int_equal(mark_cache_renders(c), 4);
    mark_cache_draw(c, &TARGET, ng_v2(100, 100));
    assert_int_equal(mark_cache_renders(c), 4);

    /* the least recently used makes room: TARGET, used last, stays while the others go */
    for (int i = 0; i < MARK_CACHE_SIZE - 1; i++) {
        mark_shape m = TIP;
        m.ring_radius = 5.0f + (float)i;
        mark_cache_draw(c, &m, ng_v2(100, 100));
    }
    unsigned long before = mark_cache_renders(c);
    mark_cache_draw(c, &TARGET, ng_v2(100, 100));
    assert_int_equal(mark_cache_renders(c), before);
    mark_cache_draw(c, &AIM, ng_v2(100, 100));   /* gone long ago: rendered again */
    assert_int_equal(mark_cache_renders(c), before + 1);
    mark_cache_free(c);
    screen_free(sc);
}

static void test_large_mark_drawn_in_place(void **state)
{
    (void)state;
    mark_shape big = TARGET;
    big.ring_radius = MARK_CACHE_MAX_PX / 2;
    screen drawn = screen_new(), copied = screen_new();
    draw_mark(drawn.r, &big, ng_v2(120, 100));
    mark_cache *c = mark_cache_new(copied.r);
    mark_cache_draw(c, &big, ng_v2(120, 100));
    assert_int_equal(mark_cache_renders(c), 0);
    int differing;
    assert_int_equal(max_diff(&drawn, &copied, &differing), 0);
    mark_cache_free(c);
    screen_free(drawn);
    screen_free(copied);
}

static void test_mark_nowhere_draws_nothing(void **state)
{
    (void)state;
    screen plain = screen_new(), sc = screen_new();
    mark_cache *c = mark_cache_new(sc.r);
    mark_cache_draw(c, &TARGET, ng_v2(NAN, 100));
    mark_cache_draw(c, &TARGET, ng_v2(100, 1e12));
    int differing;
    assert_int_equal(max_diff(&plain, &sc, &differing), 0);
    mark_cache_free(c);
    screen_free(plain);
    screen_free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_looks_as_drawn),
        cmocka_unit_test(test_copy_lands_on_nearest_pixel),
        cmocka_unit_test(test_dashes_look_as_drawn),
        cmocka_unit_test(test_dash_lands_where_drawn),
        cmocka_unit_test(test_dashes_rendered_once),
        cmocka_unit_test(test_copy_clipped_at_the_edge),
        cmocka_unit_test(test_reach_bounds_the_mark),
        cmocka_unit_test(test_same_mark_rendered_once),
        cmocka_unit_test(test_large_mark_drawn_in_place),
        cmocka_unit_test(test_mark_nowhere_draws_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
