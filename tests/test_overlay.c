/* The overlay never shows a confident line it does not have, and draws what it must.
 * Real SDL rendering (dummy video driver, software renderer), read back through a PNG. */
#include <SDL.h>
#include <SDL_image.h>

#include "test_util.h"

#include "overlay/overlay.h"

#define W 320
#define H 240
#define GOLDEN "tests/golden/overlay_confident.png"

static overlay *ov;
static uint8_t argb[W * H * 4];

static int setup(void **s)
{
    (void)s;
    overlay_opts o = { .headless = true };
    ng_errbuf err = { 0 };
    ov = overlay_new(&o, W, H, &err);
    if (!ov)
        fprintf(stderr, "%s", err.text);
    for (int i = 0; i < W * H; i++) {
        argb[i * 4 + 0] = argb[i * 4 + 1] = argb[i * 4 + 2] = 100;   /* B, G, R */
        argb[i * 4 + 3] = 255;
    }
    return ov ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    overlay_free(ov);
    return test_cleanup_tmpdir(0);
}

static overlay_view base_view(void)
{
    overlay_view v = {
        .argb = argb, .width = W, .height = H, .stride = W * 4,
        .roi = { 20, 20, 280, 200 }, .mm_per_px = 0.2,
        .plan = { .entry = { 30, 30 }, .l4_target = { 200, 180 }, .l5_target = { 160, 190 },
                  .tolerance_mm = 2 },
        .fps = 30, .latency_ms = 4,
    };
    /* A needle on the L4 path, three quarters of the way in, tracked confidently. */
    v.track = (ng_track){ .found = true, .shaft_start = { 47, 45 }, .tip = { 157.5, 142.5 },
                          .confidence = 0.9 };
    v.track.angle_deg = ng_angle_deg(v.track.shaft_start, v.track.tip);
    guidance_update(&v.plan, v.mm_per_px, GD_TARGET_L4, &v.track, &v.guidance);
    return v;
}

static SDL_Surface *render(const overlay_view *v, const char *name)
{
    char path[256];
    ng_errbuf err = { 0 };
    snprintf(path, sizeof path, "%s/%s.png", test_tmpdir(), name);
    overlay_draw(ov, v);
    assert_int_equal(overlay_snapshot(ov, path, &err), 0);
    overlay_present(ov);
    SDL_Surface *raw = IMG_Load(path);
    assert_non_null(raw);
    SDL_Surface *s = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    return s;
}

static void rgb_at(SDL_Surface *s, int x, int y, Uint8 *r, Uint8 *g, Uint8 *b)
{
    Uint32 px = ((Uint32 *)((Uint8 *)s->pixels + y * s->pitch))[x];
    SDL_GetRGB(px, s->format, r, g, b);
}

/* Pixels within 2 px of the needle's middle section that have colour (R,G,B) ± tol. */
static int along_needle(SDL_Surface *s, const overlay_view *v, Uint8 R, Uint8 G, Uint8 B, int tol)
{
    int n = 0;
    for (double t = 0.2; t <= 0.8; t += 0.02) {
        ng_vec2 p = ng_v2_lerp(v->track.shaft_start, v->track.tip, t);
        for (int dy = -2; dy <= 2; dy++)
            for (int dx = -2; dx <= 2; dx++) {
                Uint8 r, g, b;
                rgb_at(s, (int)p.x + dx, (int)p.y + dy, &r, &g, &b);
                n += abs(r - R) <= tol && abs(g - G) <= tol && abs(b - B) <= tol;
            }
    }
    return n;
}

static int confident_colours(SDL_Surface *s, const overlay_view *v)
{
    return along_needle(s, v, OVL_NEEDLE_OK, 30) + along_needle(s, v, OVL_NEEDLE_WARN, 30) +
           along_needle(s, v, OVL_NEEDLE_BAD, 30);
}

static void test_confident_needle_is_solid_green(void **s)
{
    (void)s;
    overlay_view v = base_view();
    assert_true(v.guidance.valid);
    SDL_Surface *img = render(&v, "confident");
    assert_true(along_needle(img, &v, OVL_NEEDLE_OK, 30) > 60);
    assert_int_equal(along_needle(img, &v, OVL_UNCERTAIN, 10), 0);
    SDL_FreeSurface(img);
}

static void test_off_plan_needle_is_red(void **s)
{
    (void)s;
    overlay_view v = base_view();
    v.track.tip = ng_v2(80, 160);   /* 25 degrees off the planned path */
    v.track.angle_deg = ng_angle_deg(v.track.shaft_start, v.track.tip);
    guidance_update(&v.plan, v.mm_per_px, GD_TARGET_L4, &v.track, &v.guidance);
    SDL_Surface *img = render(&v, "offplan");
    assert_true(along_needle(img, &v, OVL_NEEDLE_BAD, 30) > 40);
    assert_int_equal(along_needle(img, &v, OVL_NEEDLE_OK, 30), 0);
    SDL_FreeSurface(img);
}

static void test_low_confidence_is_grey_and_dashed(void **s)
{
    (void)s;
    overlay_view v = base_view();
    v.track.confidence = TRACK_CONFIDENT / 2;
    guidance_update(&v.plan, v.mm_per_px, GD_TARGET_L4, &v.track, &v.guidance);
    assert_false(v.guidance.valid);   /* no numbers from an uncertain track */
    SDL_Surface *img = render(&v, "lowconf");
    assert_int_equal(confident_colours(img, &v), 0);
    assert_true(along_needle(img, &v, OVL_UNCERTAIN, 10) > 20);
    /* dashed: some points along the shaft carry no grey */
    int gaps = 0;
    for (double t = 0.2; t <= 0.8; t += 0.01) {
        ng_vec2 p = ng_v2_lerp(v.track.shaft_start, v.track.tip, t);
        Uint8 r, g, b;
        rgb_at(img, (int)lround(p.x), (int)lround(p.y), &r, &g, &b);
        gaps += !(abs(r - 0x96) <= 10 && abs(g - 0x96) <= 10);
    }
    assert_true(gaps > 10);
    SDL_FreeSurface(img);
}

static void test_stale_frame_shows_no_needle_and_is_dimmed(void **s)
{
    (void)s;
    overlay_view v = base_view();
    v.stale_ms = 500;
    SDL_Surface *img = render(&v, "stale");
    assert_int_equal(confident_colours(img, &v), 0);
    assert_int_equal(along_needle(img, &v, OVL_UNCERTAIN, 10), 0);
    Uint8 r, g, b;
    rgb_at(img, 250, 120, &r, &g, &b);   /* video, away from all drawing */
    assert_true(r < 70 && g < 70 && b < 70);
    SDL_FreeSurface(img);

    v.stale_ms = 0;
    v.source_problem = "SOURCE ENDED";
    img = render(&v, "ended");
    assert_int_equal(confident_colours(img, &v), 0);
    SDL_FreeSurface(img);
}

static void test_not_found_draws_no_needle(void **s)
{
    (void)s;
    overlay_view v = base_view();
    ng_track shown = v.track;
    v.track.found = false;
    guidance_update(&v.plan, v.mm_per_px, GD_TARGET_L4, &v.track, &v.guidance);
    v.track.shaft_start = shown.shaft_start;   /* stale coordinates must not be drawn */
    v.track.tip = shown.tip;
    SDL_Surface *img = render(&v, "notfound");
    assert_int_equal(confident_colours(img, &v), 0);
    assert_int_equal(along_needle(img, &v, OVL_UNCERTAIN, 10), 0);
    SDL_FreeSurface(img);
}

static void test_snapshot_error(void **s)
{
    (void)s;
    ng_errbuf err = { 0 };
    overlay_view v = base_view();
    overlay_draw(ov, &v);
    assert_int_equal(overlay_snapshot(ov, "/nonexistent/dir/x.png", &err), -1);
    assert_non_null(strstr(err.text, "/nonexistent/dir/x.png"));
    overlay_present(ov);
}

/* Whole-screen golden image, compared with a tolerance (font rasterisation may differ by a
 * shade). NG_UPDATE_GOLDEN=1 rewrites it after a deliberate change. */
static void test_golden(void **s)
{
    (void)s;
    overlay_view v = base_view();
    SDL_Surface *img = render(&v, "golden-actual");
    if (getenv("NG_UPDATE_GOLDEN")) {
        assert_int_equal(IMG_SavePNG(img, GOLDEN), 0);
        SDL_FreeSurface(img);
        return;
    }
    SDL_Surface *raw = IMG_Load(GOLDEN);
    if (!raw)
        fail_msg("missing %s (make it with NG_UPDATE_GOLDEN=1)", GOLDEN);
    SDL_Surface *gold = SDL_ConvertSurfaceFormat(raw, SDL_PIXELFORMAT_ARGB8888, 0);
    SDL_FreeSurface(raw);
    assert_int_equal(img->w, gold->w);
    assert_int_equal(img->h, gold->h);
    int off = 0;
    for (int y = 0; y < img->h; y++)
        for (int x = 0; x < img->w; x++) {
            Uint8 a[3], b[3];
            rgb_at(img, x, y, &a[0], &a[1], &a[2]);
            rgb_at(gold, x, y, &b[0], &b[1], &b[2]);
            off += abs(a[0] - b[0]) > 24 || abs(a[1] - b[1]) > 24 || abs(a[2] - b[2]) > 24;
        }
    if (off > img->w * img->h / 500) {
        fprintf(stderr, "golden: %d pixels differ; actual %s/golden-actual.png, expected %s\n",
                off, test_tmpdir(), GOLDEN);
        setenv("NG_KEEP_TMP", "1", 1);
        fail();
    }
    SDL_FreeSurface(img);
    SDL_FreeSurface(gold);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confident_needle_is_solid_green),
        cmocka_unit_test(test_off_plan_needle_is_red),
        cmocka_unit_test(test_low_confidence_is_grey_and_dashed),
        cmocka_unit_test(test_stale_frame_shows_no_needle_and_is_dimmed),
        cmocka_unit_test(test_not_found_draws_no_needle),
        cmocka_unit_test(test_snapshot_error),
        cmocka_unit_test(test_golden),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
