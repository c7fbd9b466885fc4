/* The overlay never shows a confident line it does not have, and draws what it must.
 * Real SDL rendering (dummy video driver, software renderer), read back through a PNG; golden
 * images of every banner and colour state at two window sizes. */
#include "test_image.h"
#include "test_overlay_view.h"

#include <libyuv.h>

#include "capture/convert.h"

static overlay *ov;

static int setup(void **s)
{
    (void)s;
    make_frame();
    ov = open_overlay(true, 0, 0);
    return ov ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    overlay_free(ov);
    return test_cleanup_tmpdir(0);
}

static SDL_Surface *render_on(overlay *o, const overlay_view *v, const char *name)
{
    char path[256];
    ng_errbuf err = { 0 };
    snprintf(path, sizeof path, "%s/%s.png", test_tmpdir(), name);
    overlay_draw(o, v);
    assert_int_equal(overlay_snapshot(o, path, &err), 0);
    overlay_present(o);
    SDL_Surface *img = image_load(path);
    assert_non_null(img);
    return img;
}

static SDL_Surface *render(const overlay_view *v, const char *name) { return render_on(ov, v, name); }

/* Pixels within 2 px of the segment a-b (t from t0 to t1) that have colour (R,G,B) ± tol. */
static int along(SDL_Surface *s, ng_vec2 a, ng_vec2 b, double t0, double t1, Uint8 R, Uint8 G,
                 Uint8 B, int tol)
{
    int n = 0;
    for (double t = t0; t <= t1; t += 0.02) {
        ng_vec2 p = ng_v2_lerp(a, b, t);
        for (int dy = -2; dy <= 2; dy++)
            for (int dx = -2; dx <= 2; dx++)
                n += image_near(s, (int)p.x + dx, (int)p.y + dy, R, G, B, tol);
    }
    return n;
}

#define along_needle(s, v, ...) along(s, (v)->track.shaft_start, (v)->track.tip, 0.2, 0.8, __VA_ARGS__)

static int confident_colours(SDL_Surface *s, const overlay_view *v)
{
    return along_needle(s, v, OVL_NEEDLE_OK, 30) + along_needle(s, v, OVL_NEEDLE_WARN, 30) +
           along_needle(s, v, OVL_NEEDLE_BAD, 30);
}

/* Pixels of colour (R,G,B) ± tol on a ring of radius rad ± 3 around the target c, on its far
 * side from the entry (within 60 degrees of straight on), where no path or trajectory reaches. */
static int on_ring(SDL_Surface *s, const overlay_view *v, ng_vec2 c, double rad, Uint8 R, Uint8 G,
                   Uint8 B, int tol)
{
    ng_vec2 on = ng_v2_unit(ng_v2_sub(c, v->guide.plan.entry));
    int n = 0;
    for (int y = (int)(c.y - rad - 3); y <= (int)(c.y + rad + 3); y++)
        for (int x = (int)(c.x - rad - 3); x <= (int)(c.x + rad + 3); x++) {
            ng_vec2 d = ng_v2(x - c.x, y - c.y);
            double r = ng_v2_len(d);
            n += fabs(r - rad) <= 3 && ng_v2_dot(d, on) > 0.5 * r &&
                 image_near(s, x, y, R, G, B, tol);
        }
    return n;
}

/* Points along the centre of a-b that carry no colour (R,G,B): the gaps of a dashed line. */
static int gaps_along(SDL_Surface *s, ng_vec2 a, ng_vec2 b, Uint8 R, Uint8 G, Uint8 B)
{
    int gaps = 0;
    for (double t = 0.2; t <= 0.8; t += 0.01) {
        ng_vec2 p = ng_v2_lerp(a, b, t);
        gaps += !image_near(s, (int)lround(p.x), (int)lround(p.y), R, G, B, 10);
    }
    return gaps;
}

static bool dimmed(SDL_Surface *s) { return image_near(s, 420, 120, 0, 0, 0, 70); }

static void test_confident_needle_is_solid_green(void **s)
{
    (void)s;
    overlay_view v = base_view();
    assert_true(v.guide.numbers.valid);
    SDL_Surface *img = render(&v, "confident");
    assert_true(along_needle(img, &v, OVL_NEEDLE_OK, 30) > 80);
    assert_int_equal(along_needle(img, &v, OVL_UNCERTAIN, 10), 0);
    assert_int_equal(gaps_along(img, v.track.shaft_start, v.track.tip, OVL_NEEDLE_OK), 0);
    assert_false(dimmed(img));
    SDL_FreeSurface(img);
}

static void test_colour_bands(void **s)
{
    (void)s;
    overlay_view v = base_view();
    /* the tip on the path, the shaft 7 degrees off it: amber; 25 degrees off: red */
    ng_vec2 d = ng_v2_sub(v.track.shaft_start, v.track.tip);
    double len = ng_v2_len(d), a = atan2(d.y, d.x) + 7 * M_PI / 180;
    v.track.shaft_start = ng_v2_add(v.track.tip, ng_v2(len * cos(a), len * sin(a)));
    set_tip(&v, v.track.tip);
    assert_true(v.guide.numbers.angle_dev_deg > OVL_OK_DEG && v.guide.numbers.angle_dev_deg <= OVL_WARN_DEG);
    SDL_Surface *img = render(&v, "amber");
    assert_true(along_needle(img, &v, OVL_NEEDLE_WARN, 30) > 60);
    assert_int_equal(along_needle(img, &v, OVL_NEEDLE_OK, 30), 0);
    SDL_FreeSurface(img);

    set_tip(&v, ng_v2(120, 240));
    assert_true(v.guide.numbers.angle_dev_deg > OVL_WARN_DEG);
    img = render(&v, "offplan");
    assert_true(along_needle(img, &v, OVL_NEEDLE_BAD, 30) > 60);
    assert_int_equal(along_needle(img, &v, OVL_NEEDLE_OK, 30), 0);
    SDL_FreeSurface(img);
}

static void test_target_green_when_reached(void **s)
{
    (void)s;
    overlay_view v = base_view();
    ng_vec2 t4 = v.guide.plan.l4_target;
    double tol_px = v.guide.plan.tolerance_mm / v.mm_per_px;
    SDL_Surface *img = render(&v, "approach");
    assert_true(on_ring(img, &v, t4, tol_px, OVL_TARGET, 30) > 20);
    assert_int_equal(on_ring(img, &v, t4, tol_px, OVL_TARGET_HIT, 30), 0);
    SDL_FreeSurface(img);

    set_tip(&v, ng_v2(t4.x - 3, t4.y - 3));
    assert_true(v.guide.numbers.at_target);
    img = render(&v, "hit");
    assert_true(on_ring(img, &v, t4, tol_px, OVL_TARGET_HIT, 30) > 20);
    SDL_FreeSurface(img);
}

static void test_trajectory_dotted_to_target_depth(void **s)
{
    (void)s;
    overlay_view v = base_view();
    /* halfway in, 3 degrees off: the extrapolation lands beside the target */
    ng_vec2 d = ng_v2_sub(v.guide.plan.l4_target, v.track.shaft_start);
    double a = atan2(d.y, d.x) + 3 * M_PI / 180, len = ng_v2_len(d) * 0.5;
    set_tip(&v, ng_v2_add(v.track.shaft_start, ng_v2(len * cos(a), len * sin(a))));
    const ng_guidance *g = &v.guide.numbers;
    assert_true(g->miss_valid && fabs(g->miss_mm) > 1);
    SDL_Surface *img = render(&v, "trajectory");
    int on = along(img, v.track.tip, g->aim, 0.15, 0.85, OVL_NEEDLE_OK, 40);
    assert_true(on > 10);
    assert_true(gaps_along(img, v.track.tip, g->aim, OVL_NEEDLE_OK) > 20);   /* dotted */
    SDL_FreeSurface(img);
}

static void test_low_confidence_is_grey_and_dashed(void **s)
{
    (void)s;
    overlay_view v = base_view();
    v.track.confidence = TRACK_CONFIDENT / 2;
    update_numbers(&v);
    assert_false(v.guide.numbers.valid);   /* no numbers from an uncertain track */
    SDL_Surface *img = render(&v, "lowconf");
    assert_int_equal(confident_colours(img, &v), 0);
    assert_true(along_needle(img, &v, OVL_UNCERTAIN, 10) > 20);
    assert_true(gaps_along(img, v.track.shaft_start, v.track.tip, OVL_UNCERTAIN) > 10);
    SDL_FreeSurface(img);
}

/* Late (STALE) or paused: the needle of that frame, greyed; nothing confident. */
static void test_late_or_paused_greys_the_needle(void **s)
{
    (void)s;
    overlay_view v = base_view();
    v.latency_ms = OVERLAY_STALE_MS + 30;
    SDL_Surface *img = render(&v, "late");
    assert_int_equal(confident_colours(img, &v), 0);
    assert_true(along_needle(img, &v, OVL_UNCERTAIN, 10) > 20);
    SDL_FreeSurface(img);

    v = base_view();
    v.paused = true;
    img = render(&v, "paused");
    assert_int_equal(confident_colours(img, &v), 0);
    assert_true(along_needle(img, &v, OVL_UNCERTAIN, 10) > 20);
    SDL_FreeSurface(img);
}

/* No new frame, a picture that does not change, a source that ended: no needle, dimmed. */
static void test_frozen_or_lost_shows_no_needle_and_is_dimmed(void **s)
{
    (void)s;
    const char *names[] = { "stale", "still", "ended" };
    for (int i = 0; i < 3; i++) {
        overlay_view v = base_view();
        if (i == 0) v.stale_ms = OVERLAY_FROZEN_MS + 100;
        if (i == 1) v.still_ms = OVERLAY_FROZEN_MS;
        if (i == 2) v.source_problem = "SOURCE ENDED";
        SDL_Surface *img = render(&v, names[i]);
        assert_int_equal(confident_colours(img, &v), 0);
        assert_int_equal(along_needle(img, &v, OVL_UNCERTAIN, 10), 0);
        assert_true(dimmed(img));
        SDL_FreeSurface(img);
    }
    /* just under the bar: live */
    overlay_view v = base_view();
    v.still_ms = OVERLAY_FROZEN_MS - 40;
    v.stale_ms = OVERLAY_FROZEN_MS - 40;
    SDL_Surface *img = render(&v, "nearly");
    assert_true(confident_colours(img, &v) > 80);
    SDL_FreeSurface(img);
}

/* A picture that is not live is the frame at the dim's level — each colour times
 * (255 - OVERLAY_DIM_ALPHA) / 255, black blended over it — whether the frame goes straight into
 * the screen (1:1) or through the video texture (scaled). Measured where nothing is drawn over
 * it: the frame's grey there is 70 + 200 / 8. */
static void test_dimmed_picture_is_the_frame_at_the_dim_level(void **s)
{
    (void)s;
    const int grey = 70 + 200 / 8;
    const int dim = (int)lround(grey * (255 - OVERLAY_DIM_ALPHA) / 255.0);
    overlay *scaled = open_overlay(true, 1280, 900);
    assert_non_null(scaled);
    overlay *screens[] = { ov, scaled };
    for (int i = 0; i < 2; i++) {
        for (int frozen = 0; frozen <= 1; frozen++) {
            overlay_view v = base_view();
            v.still_ms = frozen ? OVERLAY_FROZEN_MS : 0;
            SDL_Surface *img = render_on(screens[i], &v, frozen ? "dim_frozen" : "dim_live");
            ng_rect at = overlay_frame_rect(screens[i], (ng_rect){ 400, 200, 1, 1 });
            int x = at.x + at.w / 2, y = at.y + at.h / 2;
            Uint8 r, g, b;
            image_rgb(img, x, y, &r, &g, &b);
            int want = frozen ? dim : grey;
            if (abs(r - want) > 1 || abs(g - want) > 1 || abs(b - want) > 1)
                fail_msg("%s, %s: (%d,%d) is %d,%d,%d, not %d", i ? "scaled" : "1:1",
                         frozen ? "frozen" : "live", x, y, r, g, b, want);
            SDL_FreeSurface(img);
        }
    }
    overlay_free(scaled);
}

/* The window is not cleared whole each screen (a pass over every pixel on the software
 * renderer): where no video is drawn, black is, and nothing of an earlier screen stays. */
static void test_black_where_no_video(void **s)
{
    (void)s;
    overlay_view v = base_view();
    SDL_Surface *img = render(&v, "video");
    assert_true(image_near(img, 465, 345, 70 + 345 / 8, 70 + 345 / 8, 70 + 345 / 8, 6));
    SDL_FreeSurface(img);
    v.argb = NULL;   /* nothing received (or a frame of another size): no picture at all */
    img = render(&v, "novideo");
    assert_true(image_near(img, 465, 345, 0, 0, 0, 4));
    assert_true(image_near(img, 10, 200, 0, 0, 0, 4));
    SDL_FreeSurface(img);
    /* a frame of another size than the screen was made for: no picture, and no needle over the
     * black as if it were live */
    v = base_view();
    v.width = W / 2;
    img = render(&v, "othersize");
    assert_true(image_near(img, 465, 345, 0, 0, 0, 4));
    assert_int_equal(confident_colours(img, &v), 0);
    SDL_FreeSurface(img);
    /* a window wider than the frame: black bars either side of the video (one overlay open at
     * a time: it owns SDL's video subsystem) */
    overlay_free(ov);
    overlay *wide = open_overlay(true, 1100, 360);
    assert_non_null(wide);
    img = render_on(wide, &(overlay_view){ .argb = argb, .width = W, .height = H, .stride = W * 4,
                                           .roi = v.roi, .mm_per_px = 0.2, .guide = v.guide },
                    "wide");
    assert_true(image_near(img, 3, 200, 0, 0, 0, 4));                   /* left bar */
    assert_true(image_near(img, 1100 - 200 - 3, 200, 0, 0, 0, 4) ||     /* right bar, or */
                image_near(img, 1100 - 200 - 3, 200, 24, 24, 28, 4));   /* the panel's edge */
    assert_false(image_near(img, 550 - 100, 200, 0, 0, 0, 20));         /* the video */
    SDL_FreeSurface(img);
    overlay_free(wide);
    ov = open_overlay(true, 0, 0);
    assert_non_null(ov);
}

/* A screen 40 px wider than the frame and the panel: the frame goes straight into it at 1:1,
 * 20 px in, and the black bars meet it on whole pixels — the frame's first and last columns
 * its own, the columns beside them black. */
static void test_video_meets_its_bars_on_whole_pixels(void **s)
{
    (void)s;
    int w0, h0;
    overlay_output_size(ov, &w0, &h0);
    overlay_free(ov);
    overlay *wide = open_overlay(true, w0 + 40, H);
    assert_non_null(wide);
    overlay_view v = base_view();
    SDL_Surface *img = render_on(wide, &v, "bars");
    ng_rect r = overlay_frame_rect(wide, (ng_rect){ 0, 0, W, H });   /* as laid out for it */
    assert_int_equal(r.x, 20);
    assert_int_equal(r.w, W);
    for (int y = 0; y < H; y += H - 1) {   /* the top and bottom rows: no mark reaches them */
        Uint8 grey = (Uint8)(70 + y / 8);
        assert_true(image_near(img, r.x - 1, y, 0, 0, 0, 0));
        assert_true(image_near(img, r.x, y, grey, grey, grey, 2));
        assert_true(image_near(img, r.x + r.w - 1, y, grey, grey, grey, 2));
        assert_true(image_near(img, r.x + r.w, y, 0, 0, 0, 0));
    }
    SDL_FreeSurface(img);
    overlay_free(wide);
    ov = open_overlay(true, 0, 0);
    assert_non_null(ov);
}

/* A captured frame handed over as it is, converted by the overlay into its texture, draws the
 * very screen its ARGB conversion does. */
static void test_captured_frame_drawn_as_its_argb(void **s)
{
    (void)s;
    ng_frame *nv12 = frame_alloc(NG_PIX_NV12, W, H);
    ARGBToNV12(argb, W * 4, nv12->plane[0], nv12->stride[0], nv12->plane[1], nv12->stride[1], W, H);
    static uint8_t back[W * H * 4];
    ng_converter c;
    convert_init(&c);
    const uint8_t *luma;
    int ls;
    assert_int_equal(convert_frame(&c, nv12, back, W * 4, &luma, &ls), 0);
    convert_free(&c);
    overlay_view v = base_view();
    v.argb = back;
    SDL_Surface *a = render(&v, "as_argb");
    v.argb = NULL;
    v.frame = nv12;
    SDL_Surface *b = render(&v, "as_frame");
    assert_int_equal(image_pixels_off(a, b), 0);
    assert_true(image_near(b, 465, 345, 70 + 345 / 8, 70 + 345 / 8, 70 + 345 / 8, 6));
    SDL_FreeSurface(a);
    SDL_FreeSurface(b);
    /* frozen: the frame converted and dimmed band by band, the ARGB copied and dimmed whole —
     * the same screen, at 1:1 and scaled */
    overlay *scaled = open_overlay(true, 1280, 900);
    assert_non_null(scaled);
    overlay *screens[] = { ov, scaled };
    for (int i = 0; i < 2; i++) {
        v.still_ms = OVERLAY_FROZEN_MS;
        v.frame = NULL;
        v.argb = back;
        a = render_on(screens[i], &v, "dim_as_argb");
        v.argb = NULL;
        v.frame = nv12;
        b = render_on(screens[i], &v, "dim_as_frame");
        assert_int_equal(image_pixels_off(a, b), 0);
        ng_rect at = overlay_frame_rect(screens[i], (ng_rect){ 400, 200, 1, 1 });
        int dim = (int)lround((70 + 200 / 8) * (255 - OVERLAY_DIM_ALPHA) / 255.0);
        assert_true(image_near(b, at.x + at.w / 2, at.y + at.h / 2, dim, dim, dim, 2));
        SDL_FreeSurface(a);
        SDL_FreeSurface(b);
    }
    overlay_free(scaled);
    frame_free(nv12);
}

/* The video lands on the screen pixel for pixel at 1:1 (headless, it is written straight into
 * the screen): a frame whose every pixel differs from its neighbours, read back exactly above
 * and below the ROI where nothing is drawn over it, and almost everywhere else. */
static void test_video_placed_pixel_for_pixel(void **s)
{
    (void)s;
    static uint8_t pat[W * H * 4];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t *p = pat + (y * W + x) * 4;
            p[0] = (uint8_t)(x * 7 + y * 13);
            p[1] = (uint8_t)(x * 3 + y * 5 + 40);
            p[2] = (uint8_t)(x ^ y);
            p[3] = 255;
        }
    overlay_view v = base_view();
    v.argb = pat;
    SDL_Surface *img = render(&v, "pattern");
    long same = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            const uint8_t *p = pat + (y * W + x) * 4;
            Uint8 r, g, b;
            image_rgb(img, x, y, &r, &g, &b);
            bool eq = r == p[2] && g == p[1] && b == p[0];
            if (y < v.roi.y - 4 || y > v.roi.y + v.roi.h + 4)   /* clear of every mark */
                assert_true(eq);
            same += eq;
        }
    assert_true(same > (long)W * H * 9 / 10);
    SDL_FreeSurface(img);
}

static void test_not_found_draws_no_needle(void **s)
{
    (void)s;
    overlay_view v = base_view();
    v.track.found = false;   /* the old coordinates stay in the struct: they must not be drawn */
    update_numbers(&v);
    SDL_Surface *img = render(&v, "notfound");
    assert_int_equal(confident_colours(img, &v), 0);
    assert_int_equal(along_needle(img, &v, OVL_UNCERTAIN, 10), 0);
    SDL_FreeSurface(img);
}

/* Targets the registration lost, or the re-anchored L5 target before confirmation: dashed grey,
 * never the solid mark of a known target. */
static void test_unanchored_targets_are_dashed(void **s)
{
    (void)s;
    overlay_view v = base_view();
    v.guide.anchored = false;
    double tol_px = v.guide.plan.tolerance_mm / v.mm_per_px;
    SDL_Surface *img = render(&v, "unanchored");
    assert_int_equal(on_ring(img, &v, v.guide.plan.l4_target, tol_px, OVL_TARGET, 30), 0);
    assert_true(on_ring(img, &v, v.guide.plan.l4_target, tol_px, OVL_UNCERTAIN, 10) > 4);
    /* the needle is shown where it is, but not judged green/amber/red against that target */
    assert_int_equal(confident_colours(img, &v), 0);
    assert_true(along_needle(img, &v, OVL_NEEDLE_UNJUDGED, 10) > 60);
    SDL_FreeSurface(img);

    v = base_view();
    v.guide.phase = PHASE_L5_APPROACH;
    v.guide.l5_to_confirm = true;
    v.track.found = false;
    update_numbers(&v);
    img = render(&v, "confirm");
    assert_int_equal(on_ring(img, &v, v.guide.plan.l5_target, tol_px, OVL_PATH_L5, 30), 0);
    assert_true(on_ring(img, &v, v.guide.plan.l5_target, tol_px, OVL_UNCERTAIN, 10) > 4);
    SDL_FreeSurface(img);
    v.guide.l5_to_confirm = false;
    img = render(&v, "confirmed");
    assert_true(on_ring(img, &v, v.guide.plan.l5_target, tol_px, OVL_PATH_L5, 30) > 20);
    SDL_FreeSurface(img);
}

/* Pixels of colour (R,G,B) ± tol in the HUD panel. */
static int in_panel(SDL_Surface *img, Uint8 R, Uint8 G, Uint8 B, int tol)
{
    int n = 0;
    for (int y = 0; y < img->h; y++)
        for (int x = W; x < img->w; x++)
            n += image_near(img, x, y, R, G, B, tol);
    return n;
}

/* Recording shows in the HUD: a red REC line; a recording that stopped on its own, amber. */
static void test_recording_in_the_hud(void **s)
{
    (void)s;
    overlay_view v = base_view();
    SDL_Surface *off = render(&v, "rec-off");
    v.recording = true;
    v.rec_seconds = 75;
    SDL_Surface *on = render(&v, "rec-on");
    v.recording = false;
    v.rec_problem = "raw.mkv: No space left on device";
    SDL_Surface *failed = render(&v, "rec-failed");
    int red_off = in_panel(off, OVL_NEEDLE_BAD, 40), red_on = in_panel(on, OVL_NEEDLE_BAD, 40);
    int amber_off = in_panel(off, OVL_NEEDLE_WARN, 40), amber = in_panel(failed, OVL_NEEDLE_WARN, 40);
    print_message("red panel pixels %d -> %d recording; amber %d -> %d failed\n", red_off, red_on,
                  amber_off, amber);
    assert_true(red_on > red_off + 40);
    assert_true(amber > amber_off + 100);
    SDL_FreeSurface(off);
    SDL_FreeSurface(on);
    SDL_FreeSurface(failed);
}

/* The headless screen keeps the panel's lines that did not change and draws only the rows of
 * those that did: after any screen before it, each screen is the very one (to the byte) a new
 * overlay draws of the same view — numbers changed, lines added and gone, every line moved down
 * by a longer instruction, a banner wider than the video (which stays out of the panel). */
static void test_panel_drawn_where_it_changed_is_the_whole(void **s)
{
    (void)s;
    int w, h;
    overlay_output_size(ov, &w, &h);
    uint8_t *kept = malloc((size_t)w * h * 4), *whole = malloc((size_t)w * h * 4);
    assert_non_null(kept);
    assert_non_null(whole);
    overlay_view v = base_view();
    for (int step = 0; step < 10; step++) {
        switch (step) {
        case 1: set_tip(&v, ng_v2(220, 200)); v.latency_ms = 14; break;   /* the numbers */
        case 2: v.recording = true; v.rec_seconds = 12; break;            /* a line added */
        case 3: v.rec_dropped = 3; v.rec_seconds = 13; break;
        case 4: v.recording = false; v.rec_problem = "raw.mkv: No space left on device"; break;
        case 5: v.guide.phase = PHASE_REPOSITION; break;   /* a longer instruction: lines move */
        case 6: v.driver_drops = 5; break;                 /* a line in the middle */
        case 7: v.message = "A MESSAGE FAR TOO LONG FOR THE VIDEO, RUNNING INTO THE PANEL"; break;
        case 8: v.message = NULL; break;
        case 9: v = base_view(); break;
        }
        overlay_draw(ov, &v);
        assert_int_equal(overlay_read(ov, kept, w * 4), 0);
        overlay *fresh = open_overlay(true, 0, 0);
        assert_non_null(fresh);
        overlay_draw(fresh, &v);
        assert_int_equal(overlay_read(fresh, whole, w * 4), 0);
        overlay_free(fresh);
        for (int y = 0; y < h; y++)
            if (memcmp(kept + (size_t)y * w * 4, whole + (size_t)y * w * 4, (size_t)w * 4)) {
                int x = 0;
                while (!memcmp(kept + ((size_t)y * w + x) * 4, whole + ((size_t)y * w + x) * 4, 4))
                    x++;
                fail_msg("step %d: pixel %d,%d differs from a whole screen's", step, x, y);
            }
    }
    free(kept);
    free(whole);
}

static void test_instructions(void **s)
{
    (void)s;
    for (int p = 0; p < PHASE_COUNT; p++)
        assert_true(strlen(overlay_instruction((ng_phase)p)) > 10);
    assert_non_null(strstr(overlay_instruction(PHASE_WITHDRAW), "lateral end fixed, medial end caudal"));
    assert_non_null(strstr(overlay_instruction(PHASE_L5_APPROACH), "superolateral to inferomedial"));
}

/* Clicks map to frame pixels wherever the video sits in the window; outside it, nothing. */
static void test_click_to_frame_point(void **s)
{
    (void)s;
    overlay_view v = base_view();
    overlay_draw(ov, &v);   /* lays the screen out */
    ng_vec2 p;
    assert_true(overlay_frame_point(ov, 100, 50, &p));   /* the video at 1:1 at the top left */
    assert_true(fabs(p.x - 100.5) < 1e-9 && fabs(p.y - 50.5) < 1e-9);
    assert_false(overlay_frame_point(ov, W + 20, 50, &p));   /* the panel */
    overlay_free(ov);
    overlay *big = open_overlay(true, 1280, 900);   /* scaled up, centred in what the panel leaves */
    overlay_draw(big, &v);
    int avail = 1280 - (int)lround(250 * (900 / 540.0));
    double scale = fmin((double)avail / W, 900.0 / H);
    double off_x = (avail - W * scale) / 2, off_y = (900 - H * scale) / 2;
    assert_true(off_y > 10);
    assert_false(overlay_frame_point(big, 300, 2, &p));   /* above the video */
    int wx = (int)lround(off_x + 200), wy = (int)lround(off_y + 100);
    assert_true(overlay_frame_point(big, wx, wy, &p));
    assert_true(fabs(p.x - (wx + 0.5 - off_x) / scale) < 1e-6 && fabs(p.y - (wy + 0.5 - off_y) / scale) < 1e-6);
    overlay_free(big);
    ov = open_overlay(true, 0, 0);
    assert_non_null(ov);
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

/* Golden images: each banner and colour state. */
typedef struct {
    const char *name;
    void (*make)(overlay_view *v);
} golden_case;

static void g_confident(overlay_view *v) { (void)v; }
static void g_amber(overlay_view *v) { set_tip(v, ng_v2(215, 218)); }
static void g_red(overlay_view *v) { set_tip(v, ng_v2(120, 240)); }
static void g_at_target(overlay_view *v) { set_tip(v, ng_v2(297, 267)); }
static void g_low_confidence(overlay_view *v) { v->track.confidence = 0.3; update_numbers(v); }
static void g_not_found(overlay_view *v) { v->track.found = false; update_numbers(v); }
static void g_no_signal(overlay_view *v) { v->source_problem = "NO SIGNAL"; }
static void g_frozen(overlay_view *v) { v->stale_ms = 1500; }
static void g_still(overlay_view *v) { v->still_ms = 900; }
static void g_stale(overlay_view *v) { v->latency_ms = 180; }
static void g_paused(overlay_view *v) { v->paused = true; }
static void g_waiting(overlay_view *v) { v->argb = NULL; }
static void g_help(overlay_view *v) { v->help = true; }
static void g_unanchored(overlay_view *v) { v->guide.anchored = false; }
static void g_planning(overlay_view *v)
{
    v->paused = true;
    v->prompt = "PLANNING: click the L4 target";
    v->guide.plan.entry = ng_v2(60, 40);
}
static void g_l5_confirm(overlay_view *v)
{
    v->guide.phase = PHASE_REPOSITION;
    v->guide.l5_to_confirm = true;
    v->track.found = false;
    update_numbers(v);
}

static const golden_case cases[] = {
    { "confident", g_confident }, { "amber", g_amber },       { "red", g_red },
    { "at_target", g_at_target }, { "low_confidence", g_low_confidence },
    { "not_found", g_not_found }, { "no_signal", g_no_signal }, { "frozen", g_frozen },
    { "still", g_still },         { "stale", g_stale },       { "paused", g_paused },
    { "waiting", g_waiting },     { "help", g_help },         { "l5_confirm", g_l5_confirm },
    { "unanchored", g_unanchored }, { "planning", g_planning },
};

static void golden_set(overlay *o, const char *size, const char *const *only)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bool take = !only;
        for (int k = 0; only && only[k]; k++)
            take |= strcmp(only[k], cases[i].name) == 0;
        if (!take)
            continue;
        overlay_view v = base_view();
        cases[i].make(&v);
        char name[64];
        snprintf(name, sizeof name, "overlay_%s_%s", size, cases[i].name);
        SDL_Surface *img = render_on(o, &v, name);
        image_check_golden(img, name);
        SDL_FreeSurface(img);
    }
}

static void test_golden_default_size(void **s)
{
    (void)s;
    golden_set(ov, "small", NULL);
}

/* A 1280x720 window: fonts, strokes and the panel scale; the video keeps its aspect. */
static void test_golden_large_window(void **s)
{
    (void)s;
    overlay_free(ov);
    overlay *big = open_overlay(true, 1280, 720);
    assert_non_null(big);
    static const char *const some[] = { "confident", "low_confidence", "no_signal", "l5_confirm", NULL };
    golden_set(big, "large", some);
    overlay_free(big);
    ov = open_overlay(true, 0, 0);
    assert_non_null(ov);
}

/* Headless there is no window: the screen keeps its size when fullscreen is asked for (a config
 * reload, the f key), and the window's position reads as the origin. */
static void test_headless_screen_keeps_its_size(void **s)
{
    (void)s;
    int w0, h0, w1, h1, x = -1, y = -1;
    overlay_output_size(ov, &w0, &h0);
    assert_int_equal(h0, H);
    assert_true(w0 > W);   /* the frame and the panel */
    overlay_toggle_fullscreen(ov);
    overlay_draw(ov, &(overlay_view){ 0 });
    overlay_output_size(ov, &w1, &h1);
    assert_int_equal(w1, w0);
    assert_int_equal(h1, h0);
    overlay_window_position(ov, &x, &y);
    assert_int_equal(x, 0);
    assert_int_equal(y, 0);
}

/* Up to 4K: the screen is filled, text grows with it, the video is centred at its aspect. */
static void test_4k_layout(void **s)
{
    (void)s;
    overlay_free(ov);
    overlay *big = open_overlay(true, 3840, 2160);
    assert_non_null(big);
    overlay_view v = base_view();
    v.source_problem = "NO SIGNAL";
    SDL_Surface *img = render_on(big, &v, "4k");
    assert_int_equal(img->w, 3840);
    assert_int_equal(img->h, 2160);
    /* the banner's red box: taller than 60 px (legible from 2 m), at the top of the video */
    int top = -1, bottom = -1, x = 0;
    for (int xx = 0; xx < 3840 && top < 0; xx += 8)
        for (int y = 0; y < 400; y++)
            if (image_near(img, xx, y, 200, 40, 40, 40)) {
                x = xx;
                top = y;
                break;
            }
    assert_true(top >= 0);
    for (bottom = top; bottom < 600 && image_near(img, x, bottom, 200, 40, 40, 60); bottom++) {}
    assert_true(bottom - top > 60);
    SDL_FreeSurface(img);
    overlay_free(big);
    ov = open_overlay(true, 0, 0);
    assert_non_null(ov);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confident_needle_is_solid_green),
        cmocka_unit_test(test_colour_bands),
        cmocka_unit_test(test_target_green_when_reached),
        cmocka_unit_test(test_trajectory_dotted_to_target_depth),
        cmocka_unit_test(test_low_confidence_is_grey_and_dashed),
        cmocka_unit_test(test_late_or_paused_greys_the_needle),
        cmocka_unit_test(test_frozen_or_lost_shows_no_needle_and_is_dimmed),
        cmocka_unit_test(test_dimmed_picture_is_the_frame_at_the_dim_level),
        cmocka_unit_test(test_black_where_no_video),
        cmocka_unit_test(test_video_meets_its_bars_on_whole_pixels),
        cmocka_unit_test(test_captured_frame_drawn_as_its_argb),
        cmocka_unit_test(test_video_placed_pixel_for_pixel),
        cmocka_unit_test(test_not_found_draws_no_needle),
        cmocka_unit_test(test_unanchored_targets_are_dashed),
        cmocka_unit_test(test_recording_in_the_hud),
        cmocka_unit_test(test_instructions),
        cmocka_unit_test(test_click_to_frame_point),
        cmocka_unit_test(test_snapshot_error),
        cmocka_unit_test(test_golden_default_size),
        cmocka_unit_test(test_golden_large_window),
        cmocka_unit_test(test_headless_screen_keeps_its_size),
        cmocka_unit_test(test_4k_layout),
        cmocka_unit_test(test_panel_drawn_where_it_changed_is_the_whole),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
