/* The temporal cue (tracking/motion.h): global motion to a fraction of a pixel, on synthetic
 * texture and on the simulator's speckle, and the trail an advancing needle leaves while a
 * static bright line of the same contrast leaves none. */
#include <math.h>

#include "test_util.h"

#include "sim/sim_render.h"
#include "sim/sim_scene.h"
#include "tracking/motion.h"
#include "tracking/ridge.h"

#define W 200
#define H 160
#define NBLOB 400

static double blob_x[NBLOB], blob_y[NBLOB], blob_a[NBLOB];

/* A fixed random texture of Gaussian blobs. */
static void make_blobs(void)
{
    unsigned s = 12345;
    for (int i = 0; i < NBLOB; i++) {
        s = s * 1103515245u + 12345u; blob_x[i] = (s >> 8) % (W * 100) / 100.0;
        s = s * 1103515245u + 12345u; blob_y[i] = (s >> 8) % (H * 100) / 100.0;
        s = s * 1103515245u + 12345u; blob_a[i] = 20 + (s >> 8) % 60;
    }
}

/* The texture moved by d, inside a disc that stays put (a scanner's sector: the content moves,
 * its edge does not); black outside. */
static void render_texture(float *img, uint8_t *mask, ng_vec2 d)
{
    for (int i = 0; i < W * H; i++)
        img[i] = 40;
    for (int b = 0; b < NBLOB; b++) {
        double cx = blob_x[b] + d.x, cy = blob_y[b] + d.y;
        for (int y = (int)cy - 7; y <= (int)cy + 7; y++)
            for (int x = (int)cx - 7; x <= (int)cx + 7; x++)
                if (x >= 0 && y >= 0 && x < W && y < H)
                    img[y * W + x] += (float)(blob_a[b] *
                                              exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 8));
    }
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            bool in = hypot(x - W / 2, y - H / 2) < 75;
            mask[y * W + x] = in;
            if (!in)
                img[y * W + x] = 0;
        }
}

static void test_estimate_known_shifts(void **s)
{
    (void)s;
    static float a[W * H], b[W * H];
    static uint8_t mask[W * H];
    make_blobs();
    const ng_vec2 shifts[] = { { 0, 0 }, { 0.3, -0.2 }, { 1.2, 0.7 }, { -1.8, 0.4 }, { 0.05, 1.5 } };
    render_texture(a, mask, ng_v2(0, 0));
    for (size_t k = 0; k < sizeof shifts / sizeof shifts[0]; k++) {
        render_texture(b, mask, shifts[k]);
        bool ok;
        ng_vec2 d = motion_estimate(a, b, mask, W, H, 0, H, &ok);
        assert_true(ok);
        if (ng_v2_dist(d, shifts[k]) > 0.05)
            fail_msg("shift (%.2f, %.2f) estimated as (%.3f, %.3f)", shifts[k].x, shifts[k].y, d.x, d.y);
    }
    /* no texture: no motion rather than a wild guess */
    for (int i = 0; i < W * H; i++)
        a[i] = b[i] = 40;
    bool ok;
    ng_vec2 d = motion_estimate(a, b, mask, W, H, 0, H, &ok);
    assert_false(ok);
    assert_true(d.x == 0 && d.y == 0);
}

/* The field interpolates between band centres and holds its end values beyond them. */
static void test_field_at(void **s)
{
    (void)s;
    motion_field f = { .nbands = 3, .band_h = 10, .d = { { 0, 0 }, { 1, -2 }, { 3, 0 } } };
    ng_vec2 v = motion_field_at(&f, 0);
    assert_true(v.x == 0 && v.y == 0);
    v = motion_field_at(&f, 10);   /* halfway between the first two centres (5 and 15) */
    assert_true(fabs(v.x - 0.5) < 1e-12 && fabs(v.y + 1) < 1e-12);
    v = motion_field_at(&f, 15);
    assert_true(fabs(v.x - 1) < 1e-12 && fabs(v.y + 2) < 1e-12);
    v = motion_field_at(&f, 29);
    assert_true(v.x == 3 && v.y == 0);
}

/* The warp carries an image by d: warping the unshifted texture matches the shifted one. */
static void test_warp(void **s)
{
    (void)s;
    static float a[W * H], b[W * H], out[W * H];
    static uint8_t mask[W * H];
    make_blobs();
    render_texture(a, mask, ng_v2(0, 0));
    render_texture(b, mask, ng_v2(0.6, -1.3));
    motion_field f = { .nbands = 1, .band_h = H, .d = { { 0.6, -1.3 } } };
    motion_warp(a, out, W, H, &f);
    double err = 0, base = 0;
    long n = 0;
    for (int y = 20; y < H - 20; y++)
        for (int x = 20; x < W - 20; x++)
            if (hypot(x - W / 2, y - H / 2) < 60) {
                err += fabs(out[y * W + x] - b[y * W + x]);
                base += fabs(a[y * W + x] - b[y * W + x]);
                n++;
            }
    /* bilinear interpolation of 2-px blobs: a few per cent of the uncompensated difference */
    if (err > 0.1 * base)
        fail_msg("warp residual %.2f per pixel against %.2f unwarped", err / n, base / n);
}

/* The simulator's speckle, the anatomy moved by a known fraction of a pixel under a skin and fat
 * that stay with the probe: the bands in the muscle find the motion. */
static void test_estimate_on_speckle(void **s)
{
    (void)s;
    sim_scene_layout l;
    sim_scene_default_layout(&l);
    l.breath_mm = l.tremor_mm = 0;
    sim_params p;
    sim_params_plain(&p);
    p.speckle_slides = true;
    sim_renderer *r = sim_renderer_new(&l, &p, 7);
    assert_non_null(r);
    ng_frame *f = frame_alloc(NG_PIX_I420, l.width, l.height);
    int w = l.roi.w, h = l.roi.h;
    float *img[2] = { malloc(sizeof(float) * (size_t)(w * h)), malloc(sizeof(float) * (size_t)(w * h)) };
    uint8_t *mask = malloc((size_t)(w * h));
    ridge_map rm;
    assert_int_equal(ridge_init(&rm, w, h), 0);
    const ng_vec2 moves_mm[] = { { 0.12, -0.05 }, { -0.2, 0.1 } };
    for (size_t k = 0; k < 2; k++) {
        for (int j = 0; j < 2; j++) {
            sim_state st;
            sim_script_state(&l, 0.2, &st);   /* before the needle */
            st.motion_mm = j ? moves_mm[k] : ng_v2(0, 0);
            sim_render(r, &st, 0, f);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    float v = f->plane[0][(size_t)(y + l.roi.y) * f->stride[0] + (size_t)(x + l.roi.x)];
                    img[j][y * w + x] = v;
                    mask[y * w + x] = v > 20;
                }
            ridge_smooth(&rm, img[j], 1.5);
            memcpy(img[j], rm.smooth, sizeof(float) * (size_t)(w * h));
        }
        motion_field fld = { .nbands = 8, .band_h = h / 8.0 };
        motion_estimate_field(img[0], img[1], mask, w, h, &fld);
        ng_vec2 want = ng_v2_scale(moves_mm[k], 1 / l.mm_per_px);
        for (int b = 0; b < fld.nbands; b++) {
            double top_mm = (l.roi.y + b * fld.band_h - l.face_px.y) * l.mm_per_px;
            /* in the muscle, between the fat (fixed to the probe) and the bone (whose echo the
             * simulator moves a sample at a time); speckle is not quite a rigid pattern under
             * sub-beam shifts: a fiftieth of a mm */
            double bottom_mm = top_mm + fld.band_h * l.mm_per_px;
            if (top_mm >= 12 && bottom_mm <= 36 && ng_v2_dist(fld.d[b], want) > 0.15)
                fail_msg("anatomy moved (%.2f, %.2f) px, band %d (from %.0f mm) estimated (%.3f, %.3f)",
                         want.x, want.y, b, top_mm, fld.d[b].x, fld.d[b].y);
        }
    }
    ridge_free(&rm);
    free(img[0]); free(img[1]); free(mask);
    frame_free(f);
    sim_renderer_free(r);
}

/* A needle advancing 1 px a frame along a line, a static bright line (fascia) as bright as the
 * needle, the whole view drifting: the trail lies on the needle's path, not on the fascia. */
static void test_trail_follows_the_needle(void **s)
{
    (void)s;
    static float img[W * H];
    static uint8_t mask[W * H];
    make_blobs();
    ridge_map rm;
    motion_map m;
    assert_int_equal(ridge_init(&rm, W, H), 0);
    assert_int_equal(motion_init(&m, W, H, exp(-1.0 / 15), 40), 0);
    assert_int_equal(m.field.nbands, 4);
    const double amp = 60;
    ng_vec2 drift = ng_v2(0, 0), prev_drift = drift;
    int frames = 60;
    for (int n = 0; n < frames; n++) {
        prev_drift = drift;
        drift = ng_v2(0.8 * sin(n * 0.7), 0.5 * sin(n * 0.45 + 1));   /* a trembling probe */
        render_texture(img, mask, drift);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                if (!mask[y * W + x])
                    continue;
                /* the needle: along y = 40 + 0.5 (x - 40), from x = 40 to its tip at 40 + n */
                double px = x - drift.x, py = y - drift.y;
                double along = px - 40, off = (py - 40 - 0.5 * along) / sqrt(1.25);
                if (along >= 0 && along <= n)
                    img[y * W + x] += (float)(amp * exp(-off * off / 2));
                /* the fascia: horizontal at y = 120, always there */
                double f_off = py - 120;
                img[y * W + x] += (float)(amp * exp(-f_off * f_off / 2));
            }
        ridge_smooth(&rm, img, 1.5);
        motion_update(&m, rm.smooth, mask);
    }
    for (int b = 0; b < m.field.nbands; b++)   /* it found the tremor */
        if (ng_v2_dist(m.field.d[b], ng_v2_sub(drift, prev_drift)) > 0.05)
            fail_msg("band %d: moved (%.2f, %.2f), estimated (%.3f, %.3f)", b, drift.x - prev_drift.x,
                     drift.y - prev_drift.y, m.field.d[b].x, m.field.d[b].y);
    /* mean trail on the last 15 px of the needle's path and on the fascia */
    double on_needle = 0, on_fascia = 0, beside = 0;
    int cnt = 0;
    for (int k = 1; k <= 15; k++) {
        double x = 40 + (frames - 1) - k, y = 40 + 0.5 * (x - 40);
        x += drift.x;
        y += drift.y;
        on_needle += m.trail[(int)lround(y) * W + (int)lround(x)];
        beside += m.trail[(int)lround(y + 8) * W + (int)lround(x)];
        on_fascia += m.trail[(int)lround(120 + drift.y) * W + (int)lround(x + 20)];
        cnt++;
    }
    on_needle /= cnt;
    on_fascia /= cnt;
    beside /= cnt;
    /* smoothing at sigma 1.5 keeps ~55 % of a 1.4 px wide line's peak; a decay of 1/e in 15
     * frames keeps ~60 % on average over the last 15 px */
    if (on_needle - beside < 0.2 * amp || on_fascia - beside > 0.03 * amp)
        fail_msg("trail: %.1f on the needle, %.1f on the fascia, %.1f beside the needle (amp %.0f)",
                 on_needle, on_fascia, beside, amp);
    /* reset forgets it */
    motion_reset(&m);
    for (int i = 0; i < W * H; i++)
        assert_true(m.trail[i] == 0);
    assert_false(m.primed);
    motion_free(&m);
    ridge_free(&rm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_estimate_known_shifts),
        cmocka_unit_test(test_field_at),
        cmocka_unit_test(test_warp),
        cmocka_unit_test(test_estimate_on_speckle),
        cmocka_unit_test(test_trail_follows_the_needle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
