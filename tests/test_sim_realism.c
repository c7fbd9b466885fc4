/* The simulator's realism knobs measured on its own output: speckle statistics (Nakagami m),
 * frame-to-frame decorrelation and the needle's out-of-plane drop-outs. */
#include <math.h>

#include "test_util.h"

#include "sim/sim_render.h"
#include "sim/sim_scene.h"

static sim_scene_layout L;

static int setup(void **s)
{
    (void)s;
    sim_scene_default_layout(&L);
    L.breath_mm = L.tremor_mm = 0;
    return 0;
}

/* Renders frame n of the uniform phantom, moved by motion_mm (breathing, tremor). */
static void render_phantom_at(sim_renderer *r, uint64_t n, ng_vec2 motion_mm, ng_frame *f)
{
    sim_state st;
    sim_script_state(&L, 0.2, &st);   /* before the needle */
    st.phantom = true;
    st.motion_mm = motion_mm;
    sim_render(r, &st, n, f);
}

static void render_phantom(sim_renderer *r, uint64_t n, ng_frame *f)
{
    render_phantom_at(r, n, ng_v2(0, 0), f);
}

/* Pixels of a block of the phantom in the middle of the sector, 15-40 mm deep. */
#define FOR_BLOCK(x, y)                                                          \
    for (int y = (int)sim_mm_to_px(&L, ng_v2(0, 15)).y; y < (int)sim_mm_to_px(&L, ng_v2(0, 40)).y; y++) \
        for (int x = (int)sim_mm_to_px(&L, ng_v2(-8, 0)).x; x < (int)sim_mm_to_px(&L, ng_v2(8, 0)).x; x++)

/* Nakagami m of the echo envelope, back from the grey through the log compression. */
static double measured_m(const ng_frame *f, const sim_params *p)
{
    double s1 = 0, s2 = 0;
    long n = 0;
    FOR_BLOCK(x, y) {
        double g = f->plane[0][y * f->stride[0] + x];
        double i = pow(10, (g - 16.5) / 219 * p->dynamic_range_db / 10);   /* intensity */
        s1 += i;
        s2 += i * i;
        n++;
    }
    double mean = s1 / n, var = s2 / n - mean * mean;
    return mean * mean / var;
}

static void test_nakagami_speckle(void **s)
{
    (void)s;
    const double want[] = { 1.0, 0.75, 0.5 };
    ng_frame *f = frame_alloc(NG_PIX_I420, L.width, L.height);
    for (int k = 0; k < 6; k++) {   /* both speckle models */
        sim_params p;
        sim_params_plain(&p);
        p.speckle_slides = k >= 3;
        p.speckle_m = want[k % 3];
        sim_renderer *r = sim_renderer_new(&L, &p, 3);
        double m = 0;
        for (int n = 0; n < 3; n++) {   /* three seeds' worth of speckle */
            sim_renderer_free(r);
            r = sim_renderer_new(&L, &p, 3 + (unsigned)n);
            render_phantom(r, 0, f);
            m += measured_m(f, &p) / 3;
        }
        printf("speckle_m %.2f (%s speckle): measured Nakagami m %.2f\n", want[k % 3],
               p.speckle_slides ? "sliding" : "per-sample", m);
        assert_true(fabs(m - want[k % 3]) < 0.15 * want[k % 3]);
        sim_renderer_free(r);
    }
    frame_free(f);
}

/* Correlation of the grey of a at (x, y) and b at (x + dx, y) over the block. */
static double block_correlation(const ng_frame *a, const ng_frame *b, int dx)
{
    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    long n = 0;
    FOR_BLOCK(x, y) {
        double u = a->plane[0][y * a->stride[0] + x], v = b->plane[0][y * b->stride[0] + x + dx];
        sa += u; sb += v; saa += u * u; sbb += v * v; sab += u * v;
        n++;
    }
    double cov = sab / n - sa / n * sb / n;
    return cov / sqrt((saa / n - sa / n * sa / n) * (sbb / n - sb / n * sb / n));
}

/* Speckle is the tissue's: when the anatomy moves by a pixel or two (less than a beam), the
 * pattern slides with it rather than being drawn anew. */
static void test_speckle_moves_with_tissue(void **s)
{
    (void)s;
    sim_params p;
    sim_params_plain(&p);
    p.speckle_slides = true;
    sim_renderer *r = sim_renderer_new(&L, &p, 5);
    ng_frame *a = frame_alloc(NG_PIX_I420, L.width, L.height), *b = frame_alloc(NG_PIX_I420, L.width, L.height);
    render_phantom(r, 0, a);
    for (int dx = 1; dx <= 2; dx++) {
        render_phantom_at(r, 0, ng_v2(dx * L.mm_per_px, 0), b);
        double followed = block_correlation(a, b, dx), in_place = block_correlation(a, b, 0);
        printf("anatomy moved %d px: speckle correlation %.2f following it, %.2f in place\n", dx,
               followed, in_place);
        assert_true(followed > 0.85);
        assert_true(followed > in_place + 0.02);
    }
    /* the per-sample model draws it anew: nothing to follow */
    sim_renderer_free(r);
    p.speckle_slides = false;
    r = sim_renderer_new(&L, &p, 5);
    render_phantom(r, 0, a);
    render_phantom_at(r, 0, ng_v2(2 * L.mm_per_px, 0), b);
    double redrawn = block_correlation(a, b, 2);
    printf("per-sample speckle, anatomy moved 2 px: correlation %.2f following it\n", redrawn);
    assert_true(redrawn < 0.5);
    frame_free(a);
    frame_free(b);
    sim_renderer_free(r);
}

/* Correlation of the grey between frames n and n + 1 of the phantom. */
static double frame_correlation(double decorrelation)
{
    sim_params p;
    sim_params_plain(&p);
    p.speckle_decorrelation = decorrelation;
    sim_renderer *r = sim_renderer_new(&L, &p, 9);
    ng_frame *a = frame_alloc(NG_PIX_I420, L.width, L.height), *b = frame_alloc(NG_PIX_I420, L.width, L.height);
    render_phantom(r, 20, a);
    render_phantom(r, 21, b);
    double c = block_correlation(a, b, 0);
    frame_free(a);
    frame_free(b);
    sim_renderer_free(r);
    return c;
}

static void test_speckle_decorrelation(void **s)
{
    (void)s;
    double frozen = frame_correlation(0), some = frame_correlation(0.1), much = frame_correlation(0.5);
    printf("frame-to-frame correlation: %.2f frozen, %.2f at 0.1, %.2f at 0.5\n", frozen, some, much);
    assert_true(frozen > 0.95);            /* only the electronic noise changes */
    assert_true(some < frozen - 0.03 && some > much + 0.2);
    assert_true(much < 0.6);
}

/* Grey along the needle's shaft at distance u (mm) back from the tip, averaged over the
 * shaft's width. */
static double shaft_grey(const ng_frame *f, const sim_state *st, double u)
{
    ng_vec2 dir = ng_v2_unit(ng_v2_sub(st->tip_mm, L.entry_mm)), nrm = ng_v2(-dir.y, dir.x);
    double sum = 0;
    for (int k = -1; k <= 1; k++) {
        ng_vec2 mm = ng_v2_add(ng_v2_sub(st->tip_mm, ng_v2_scale(dir, u)), ng_v2_scale(nrm, 0.15 * k));
        ng_vec2 px = sim_mm_to_px(&L, sim_tissue_to_image(st, mm));
        sum += f->plane[0][(int)lround(px.y) * f->stride[0] + (int)lround(px.x)];
    }
    return sum / 3;
}

static void test_out_of_plane_dropouts(void **s)
{
    (void)s;
    sim_state st;
    sim_script_state(&L, 3.8, &st);   /* the L4 advance, well into the image */
    assert_int_equal(st.step, SIM_ADVANCE_L4);
    ng_frame *f[2] = { frame_alloc(NG_PIX_I420, L.width, L.height), frame_alloc(NG_PIX_I420, L.width, L.height) };
    for (int k = 0; k < 2; k++) {
        sim_params p;
        sim_params_plain(&p);
        p.elevation_wobble_mm = k ? 1.5 : 0;
        sim_renderer *r = sim_renderer_new(&L, &p, 4);
        sim_render(r, &st, 0, f[k]);
        sim_renderer_free(r);
    }
    /* the echo lost to the wobble, in 1 mm windows back from the tip */
    double near_tip = 0, deepest = 0;
    for (double u = 0.2; u < 25; u += 1) {
        double lost = 0;
        for (double v = u; v < u + 1; v += 0.15)
            lost += (shaft_grey(f[0], &st, v) - shaft_grey(f[1], &st, v)) / 7;
        if (u < 1)
            near_tip = lost;
        deepest = fmax(deepest, lost);
    }
    printf("drop-outs: %.1f grey lost at the tip, %.1f at the deepest drop-out\n", near_tip, deepest);
    assert_true(fabs(near_tip) < 4);       /* the tip is held in plane */
    assert_true(deepest > 20);             /* the shaft fades where it leaves the slice */
    frame_free(f[0]);
    frame_free(f[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_nakagami_speckle, setup),
        cmocka_unit_test_setup(test_speckle_decorrelation, setup),
        cmocka_unit_test_setup(test_speckle_moves_with_tissue, setup),
        cmocka_unit_test_setup(test_out_of_plane_dropouts, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
