#include "guidance/register.h"

#include "util/box_average.h"
#include "util/vector_clones.h"

#include <libavutil/mem.h>
#include <libavutil/tx.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N 128             /* FFT grid: the ROI averaged down to fit it */
#define INSIDE_LEVEL 20   /* a cell brighter than this shows the image, not the screen around it */
#define ERODE 2           /* cells kept off the image's own (fixed) edge */
#define LOWPASS 0.25      /* cross-power weight falls to 1/e at this fraction of Nyquist */

struct ng_register {
    ng_rect roi;
    int f;                  /* ROI pixels per grid cell, each way */
    int gw, gh;             /* grid cells covering the ROI */
    AVTXContext *fwd, *inv;
    av_tx_fn fwd_fn, inv_fn;
    AVComplexFloat *ref_spec, *spec, *tmp, *col;
    float *ref_grid, *grid, *weight, *lowpass, *scratch;
    uint8_t *grid8;           /* box_average's scratch */
    uint8_t *ref_inside;      /* reference cells showing the image, not the screen around it */
    bool has_ref;
    int nweight;            /* cells with weight: the area registered on */
};

void register_free(ng_register *r)
{
    if (!r)
        return;
    av_tx_uninit(&r->fwd);
    av_tx_uninit(&r->inv);
    av_free(r->ref_spec); av_free(r->spec); av_free(r->tmp); av_free(r->col);
    free(r->ref_grid); free(r->grid); free(r->weight); free(r->lowpass); free(r->scratch);
    free(r->ref_inside); free(r->grid8);
    free(r);
}

ng_register *register_new(ng_rect roi)
{
    if (roi.w < 16 || roi.h < 16)
        return NULL;
    ng_register *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->roi = roi;
    int big = roi.w > roi.h ? roi.w : roi.h;
    r->f = (big + N - 1) / N;
    r->gw = roi.w / r->f;
    r->gh = roi.h / r->f;
    float scale = 1.0f;
    size_t nc = (size_t)N * N, ng = (size_t)r->gw * (size_t)r->gh;
    r->ref_spec = av_malloc_array(nc, sizeof *r->ref_spec);
    r->spec = av_malloc_array(nc, sizeof *r->spec);
    r->tmp = av_malloc_array(nc, sizeof *r->tmp);
    r->col = av_malloc_array(2 * N, sizeof *r->col);
    r->ref_grid = malloc(ng * sizeof *r->ref_grid);
    r->grid = malloc(ng * sizeof *r->grid);
    r->weight = malloc(ng * sizeof *r->weight);
    r->scratch = malloc(ng * sizeof *r->scratch);
    r->lowpass = malloc(nc * sizeof *r->lowpass);
    r->ref_inside = malloc(ng);
    r->grid8 = malloc(ng);
    if (!r->ref_spec || !r->spec || !r->tmp || !r->col || !r->ref_grid || !r->grid || !r->weight || !r->scratch ||
        !r->lowpass || !r->ref_inside || !r->grid8 ||
        av_tx_init(&r->fwd, &r->fwd_fn, AV_TX_FLOAT_FFT, 0, N, &scale, 0) < 0 ||
        av_tx_init(&r->inv, &r->inv_fn, AV_TX_FLOAT_FFT, 1, N, &scale, 0) < 0) {
        register_free(r);
        return NULL;
    }
    /* Speckle is fine-grained and renewed from frame to frame: only the coarse structure
     * (bone, fascia) is worth matching, so the whitened cross-power is low-passed. */
    for (int v = 0; v < N; v++)
        for (int u = 0; u < N; u++) {
            double fu = (u < N / 2 ? u : u - N) / (N / 2.0), fv = (v < N / 2 ? v : v - N) / (N / 2.0);
            r->lowpass[v * N + u] = (float)exp(-(fu * fu + fv * fv) / (LOWPASS * LOWPASS));
        }
    return r;
}

bool register_has_reference(const ng_register *r) { return r->has_ref; }

/* The ROI averaged into grid cells (what lies outside the frame counts as black). */
static void to_grid(const ng_register *r, const uint8_t *luma, int stride, int width, int height,
                    float *grid)
{
    box_average(luma, stride, width, height, r->roi, r->f, grid, r->grid8);
}

/* The 3x3 mean of cells x = 1 .. w-2 of row `row` (row[-w] and row[w] the rows either side),
 * summed in blur3's order. Plain arithmetic, run as vector code. */
NG_VECTOR_CLONES
static void blur3_row(const float *row, int w, float *restrict out)
{
    for (int x = 1; x < w - 1; x++) {
        float s = 0;
        s += row[x - w - 1]; s += row[x - w]; s += row[x - w + 1];
        s += row[x - 1];     s += row[x];     s += row[x + 1];
        s += row[x + w - 1]; s += row[x + w]; s += row[x + w + 1];
        out[x] = s / 9.0f;
    }
}

/* 3x3 box blur of a grid in place (tmp: a grid's worth of scratch); at the edges, the mean of
 * the cells there are. */
static void blur3(const ng_register *r, float *g, float *tmp)
{
    int w = r->gw, h = r->gh;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            if (y > 0 && y < h - 1 && x == 1 && w > 2) {
                blur3_row(g + (size_t)y * w, w, tmp + (size_t)y * w);
                x = w - 1;   /* the row's inside done: on to its last cell */
            }
            float s = 0;
            int n = 0;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    int xx = x + dx, yy = y + dy;
                    if (xx >= 0 && yy >= 0 && xx < w && yy < h) {
                        s += g[yy * w + xx];
                        n++;
                    }
                }
            tmp[y * w + x] = s / (float)n;
        }
    memcpy(g, tmp, (size_t)w * (size_t)h * sizeof *g);
}

/* In-place 2-D FFT of an N x N array (rows, then columns). */
static void fft2(ng_register *r, AVTXContext *ctx, av_tx_fn fn, AVComplexFloat *a)
{
    const ptrdiff_t step = sizeof(AVComplexFloat);
    for (int y = 0; y < N; y++) {
        fn(ctx, r->col, a + y * N, step);
        memcpy(a + y * N, r->col, N * sizeof *a);
    }
    for (int x = 0; x < N; x++) {
        for (int y = 0; y < N; y++)
            r->col[y] = a[y * N + x];
        fn(ctx, r->col + N, r->col, step);
        for (int y = 0; y < N; y++)
            a[y * N + x] = r->col[N + y];
    }
}

/* Spectrum of a grid under the reference's weight, its weighted mean taken out first (so the
 * weight's own edge, fixed on the screen, carries nothing to match). */
static void spectrum(ng_register *r, const float *grid, AVComplexFloat *out)
{
    double sw = 0, swv = 0;
    for (int i = 0; i < r->gw * r->gh; i++) {
        sw += r->weight[i];
        swv += r->weight[i] * grid[i];
    }
    float mean = sw > 0 ? (float)(swv / sw) : 0;
    memset(out, 0, (size_t)N * N * sizeof *out);
    for (int y = 0; y < r->gh && y < N; y++)
        for (int x = 0; x < r->gw && x < N; x++) {
            int i = y * r->gw + x;
            out[y * N + x].re = r->weight[i] * (grid[i] - mean);
        }
    fft2(r, r->fwd, r->fwd_fn, out);
}

void register_set_reference(ng_register *r, const uint8_t *luma, int stride, int width, int height)
{
    to_grid(r, luma, stride, width, height, r->ref_grid);
    for (int i = 0; i < r->gw * r->gh; i++)
        r->ref_inside[i] = r->ref_grid[i] > INSIDE_LEVEL;
    /* Weight: inside the image by ERODE cells, tapered over the next two, and over the grid's
     * border, so nothing but the content itself has an edge. */
    r->nweight = 0;
    for (int y = 0; y < r->gh; y++)
        for (int x = 0; x < r->gw; x++) {
            int d = ERODE + 3;   /* distance to the nearest cell outside, capped */
            for (int dy = -ERODE - 2; dy <= ERODE + 2; dy++)
                for (int dx = -ERODE - 2; dx <= ERODE + 2; dx++) {
                    int xx = x + dx, yy = y + dy;
                    int dd = abs(dx) > abs(dy) ? abs(dx) : abs(dy);
                    if (xx < 0 || yy < 0 || xx >= r->gw || yy >= r->gh ||
                        !r->ref_inside[yy * r->gw + xx])
                        if (dd < d)
                            d = dd;
                }
            float w = d <= ERODE ? 0 : d >= ERODE + 3 ? 1 : (float)(d - ERODE) / 3;
            r->weight[y * r->gw + x] = w * w * (3 - 2 * w);
            r->nweight += w > 0;
        }
    spectrum(r, r->ref_grid, r->ref_spec);
    blur3(r, r->ref_grid, r->scratch);   /* for the similarity: cell-sized speckle averaged */
    r->has_ref = true;
}

/* Parabola through three samples: the peak's offset from the middle one, in -0.5..0.5. */
static double vertex(double a, double b, double c)
{
    double den = a - 2 * b + c;
    if (den >= 0)
        return 0;
    double d = 0.5 * (a - c) / den;
    return d < -0.5 ? -0.5 : d > 0.5 ? 0.5 : d;
}

/* The grid at (x, y) in cells, bilinear; false outside it. */
static bool sample(const ng_register *r, double x, double y, double *v)
{
    int x0 = (int)floor(x), y0 = (int)floor(y);
    if (x0 < 0 || y0 < 0 || x0 + 1 >= r->gw || y0 + 1 >= r->gh)
        return false;
    double fx = x - x0, fy = y - y0;
    const float *g = r->grid + y0 * r->gw + x0;
    *v = (1 - fy) * ((1 - fx) * g[0] + fx * g[1]) + fy * ((1 - fx) * g[r->gw] + fx * g[r->gw + 1]);
    return true;
}

/* Normalised correlation of the reference and the grid moved back by (dx, dy) cells, over the
 * reference's weighted cells that land inside the grid. */
static double similarity(const ng_register *r, double dx, double dy)
{
    double sw = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (int y = 0; y < r->gh; y++)
        for (int x = 0; x < r->gw; x++) {
            int i = y * r->gw + x;
            double b;
            if (r->weight[i] <= 0 || !sample(r, x + dx, y + dy, &b))
                continue;
            double w = r->weight[i], a = r->ref_grid[i];
            sw += w; sa += w * a; sb += w * b;
            saa += w * a * a; sbb += w * b * b; sab += w * a * b;
        }
    if (sw <= 0)
        return 0;
    double va = saa / sw - (sa / sw) * (sa / sw), vb = sbb / sw - (sb / sw) * (sb / sw);
    double cov = sab / sw - (sa / sw) * (sb / sw);
    return va > 1e-9 && vb > 1e-9 ? cov / sqrt(va * vb) : 0;
}

bool register_match(ng_register *r, const uint8_t *luma, int stride, int width, int height,
                    reg_result *out)
{
    if (!r->has_ref || r->nweight < 64)
        return false;
    to_grid(r, luma, stride, width, height, r->grid);
    spectrum(r, r->grid, r->spec);
    /* Whitened cross-power: cur * conj(ref) / |...|, low-passed. Its inverse peaks at the shift
     * that carries the reference onto the current image. */
    for (int i = 0; i < N * N; i++) {
        AVComplexFloat a = r->spec[i], b = r->ref_spec[i];
        float re = a.re * b.re + a.im * b.im, im = a.im * b.re - a.re * b.im;
        float mag = sqrtf(re * re + im * im);
        float k = mag > 1e-12f ? r->lowpass[i] / mag : 0;
        r->tmp[i].re = re * k;
        r->tmp[i].im = im * k;
    }
    fft2(r, r->inv, r->inv_fn, r->tmp);
    int best = 0;
    for (int i = 1; i < N * N; i++)
        if (r->tmp[i].re > r->tmp[best].re)
            best = i;
    int px = best % N, py = best / N;
    double c = r->tmp[best].re;
    double sx = vertex(r->tmp[py * N + (px + N - 1) % N].re, c, r->tmp[py * N + (px + 1) % N].re);
    double sy = vertex(r->tmp[((py + N - 1) % N) * N + px].re, c, r->tmp[((py + 1) % N) * N + px].re);
    int dx = px < N / 2 ? px : px - N, dy = py < N / 2 ? py : py - N;
    out->shift = ng_v2((dx + sx) * r->f, (dy + sy) * r->f);
    blur3(r, r->grid, r->scratch);
    out->similarity = similarity(r, dx + sx, dy + sy);
    return true;
}
