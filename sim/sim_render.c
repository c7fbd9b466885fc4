#include "sim/sim_render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEG (M_PI / 180.0)
/* Scatterer cells about one beam spacing wide (0.24-0.53 mm) and one sample deep, interpolated;
 * or, with speckle_slides off, one scatterer per sample from cells finer than the samples. */
#define SPECKLE_CELL_X_MM 0.4
#define SPECKLE_CELL_Y_MM 0.15
#define SPECKLE_FINE_MM 0.1
#define NEEDLE_RADIUS_MM 0.36        /* 22G: 0.72 mm outer diameter */
#define REVERB_SPACING_MM 0.72
#define ROTATION_DEG 25.0          /* probe rotation from the L4 to the L5 view */
#define ELEVATION_CELL_MM 1.0       /* elevation over which speckle decorrelates */

void sim_params_default(sim_params *p)
{
    p->beams = 160;
    p->samples = 400;
    p->axial_sigma_mm = 0.22;
    p->wavelength_mm = 0.44;
    p->lateral_sigma_beams = 1.5;
    p->dynamic_range_db = 60;
    p->tissue_level = 0.47;
    p->noise = 0.03;
    p->needle_echo = 14;
    p->needle_floor = 0.3;
    p->needle_spec_deg = 14;
    p->reverb_decay = 0.45;
    p->gain_swing_db = 0;
    p->gain_period_s = 7;
    p->chrome = true;
    p->persistence = 0.25;
    p->speckle_m = 0.75;
    p->speckle_decorrelation = 0.05;
    p->elevation_wobble_mm = 0.6;
    p->slice_mm = 1.5;
    p->speckle_slides = true;
}

void sim_params_plain(sim_params *p)
{
    sim_params_default(p);
    p->chrome = false;
    p->persistence = 0;
    p->speckle_m = 1;
    p->speckle_decorrelation = 0;
    p->elevation_wobble_mm = 0;
    p->speckle_slides = false;
}

#define MUSCLE_MEAN_ECHO 0.45   /* mean of tissue_echo() over muscle */

void sim_params_set_needle_db(sim_params *p, double db)
{
    p->needle_echo = MUSCLE_MEAN_ECHO * pow(10, db / 10);
}

struct sim_renderer {
    sim_scene_layout l;
    sim_params p;
    unsigned seed;
    int nb, ns, nroi;
    double dtheta, ds;
    float *re, *im, *tre, *tim, *env;
    float *prev;                /* last frame's grey, for persistence */
    bool have_prev;
    int ka, kl;                 /* kernel half-widths */
    float *ha_re, *ha_im, *hl;
    double log_offset_db;       /* maps unit tissue to tissue_level */
    uint32_t scatter_keep;      /* a tissue cell holds a scatterer when its hash is below this */
    float scatter_amp;          /* and then this amplitude (unit mean power overall) */
    int32_t *lut;               /* per ROI pixel: polar index of the top-left neighbour, -1 outside */
    uint8_t *lut_wb, *lut_ws;   /* bilinear weights (0..255) along beams and samples */
    uint8_t *screen;            /* luma of the screen around the sector */
};

/* Tissue-fixed random numbers: an integer hash of the scatterer's grid cell. */
static inline uint32_t hash4(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
    uint32_t h = a * 0x9E3779B1u ^ (b + 0x7F4A7C15u) * 0x85EBCA77u;
    h ^= (c + 0x165667B1u) * 0xC2B2AE3Du;
    h ^= (d + 0x27D4EB2Fu) * 0x27D4EB2Du;
    h ^= h >> 15;
    h *= 0x2C1B3C6Du;
    h ^= h >> 12;
    h *= 0x297A2D39u;
    h ^= h >> 15;
    return h;
}

/* Complex value with unit mean power from a hash. */
static inline void hash_complex(uint32_t h, float *re, float *im)
{
    const float k = 2.449f / 65535.0f;   /* sqrt(6): uniform(-0.5,0.5) has variance 1/12 */
    *re = ((float)(h & 0xFFFF) - 32767.5f) * k;
    *im = ((float)(h >> 16) - 32767.5f) * k;
}

/* Sparse scatterers give pre-Rayleigh (Nakagami m < 1) speckle. With a fraction q of the cells
 * holding a scatterer of power 1/q, the intensity's second moment over its squared mean is
 * 2 + (kappa / q - 2) / N, where N = (sum h^2)^2 / sum h^4 counts the scatterers the PSF h sums
 * and kappa = E|z|^4 = 1.4 for our uniform complex values; m = 1 / (that - 1). */
static double scatter_fraction(double m, double n_eff)
{
    if (m >= 1)
        return 1;
    double q = 1.4 / (2 + n_eff * (1 / m - 1));
    return q > 1 ? 1 : q;
}

/* The tissue scatterer of cell h: fixed in the tissue, a fraction renewed every frame. */
static inline void scatterer(const sim_renderer *r, uint32_t h, uint32_t frame, float *re, float *im)
{
    if (r->scatter_keep != UINT32_MAX && hash4(h, 0x5BD1E995u, 3, r->seed) >= r->scatter_keep) {
        *re = *im = 0;
        return;
    }
    hash_complex(h, re, im);
    float d = (float)r->p.speckle_decorrelation;
    if (d > 0) {   /* correlation 1 - d between consecutive frames' fields */
        float fr, fi;
        hash_complex(hash4(h, frame, 0xDECu, r->seed), &fr, &fi);
        float keep = sqrtf(1 - d), fresh = sqrtf(d);
        *re = keep * *re + fresh * fr;
        *im = keep * *im + fresh * fi;
    }
    *re *= r->scatter_amp;
    *im *= r->scatter_amp;
}

/* The tissue's scattering at point p (mm, tissue frame): the scatterers of the four grid cells
 * around it, interpolated, so that the speckle slides with the tissue when it moves by less than
 * a cell (a beam or a sample) instead of being drawn anew. Normalised so that the power does not
 * dip between the cells. */
static void tissue_scatter(const sim_renderer *r, ng_vec2 p, uint32_t view_cell, uint32_t frame,
                           float *re, float *im)
{
    if (!r->p.speckle_slides) {
        uint32_t h = hash4((uint32_t)(int32_t)floor(p.x / SPECKLE_FINE_MM),
                           (uint32_t)(int32_t)floor(p.y / SPECKLE_FINE_MM), view_cell, r->seed);
        scatterer(r, h, frame, re, im);
        return;
    }
    double fx = p.x / SPECKLE_CELL_X_MM, fy = p.y / SPECKLE_CELL_Y_MM;
    double ix = floor(fx), iy = floor(fy), ax = fx - ix, ay = fy - iy;
    float sr = 0, si = 0, w2 = 0;
    for (int k = 0; k < 4; k++) {
        int dx = k & 1, dy = k >> 1;
        float w = (float)((dx ? ax : 1 - ax) * (dy ? ay : 1 - ay)), cr, ci;
        uint32_t h = hash4((uint32_t)(int32_t)ix + (uint32_t)dx, (uint32_t)(int32_t)iy + (uint32_t)dy,
                           view_cell, r->seed);
        scatterer(r, h, frame, &cr, &ci);
        sr += w * cr;
        si += w * ci;
        w2 += w * w;
    }
    float norm = 1 / sqrtf(w2);
    *re = sr * norm;
    *im = si * norm;
}

static void build_lut(sim_renderer *r)
{
    const sim_scene_layout *l = &r->l;
    ng_rect roi = l->roi;
    r->nroi = roi.w * roi.h;
    r->lut = malloc(sizeof *r->lut * (size_t)r->nroi);
    r->lut_wb = malloc((size_t)r->nroi);
    r->lut_ws = malloc((size_t)r->nroi);
    double half = l->half_angle_deg * DEG;
    for (int y = 0; y < roi.h; y++)
        for (int x = 0; x < roi.w; x++) {
            int i = y * roi.w + x;
            ng_vec2 mm = sim_px_to_mm(l, ng_v2(roi.x + x, roi.y + y));
            double zr = mm.y + l->radius_mm;
            double rr = hypot(mm.x, zr), th = atan2(mm.x, zr);
            double fb = (th + half) / r->dtheta - 0.5;
            double fs = (rr - l->radius_mm) / r->ds - 0.5;
            if (fb < 0 || fs < 0 || fb > r->nb - 1 || fs > r->ns - 1) {
                r->lut[i] = -1;
                continue;
            }
            int b = (int)fb, s = (int)fs;
            if (b > r->nb - 2) b = r->nb - 2;
            if (s > r->ns - 2) s = r->ns - 2;
            r->lut[i] = b * r->ns + s;
            r->lut_wb[i] = (uint8_t)lround((fb - b) * 255);
            r->lut_ws[i] = (uint8_t)lround((fs - s) * 255);
        }
}

/* A line of pseudo-text: 5x7 glyph cells of random bright dots, as a scanner prints labels. */
static void chrome_text(uint8_t *img, int stride, int w, int h, int x, int y, int chars, uint32_t seed)
{
    for (int c = 0; c < chars; c++)
        for (int gy = 0; gy < 7; gy++)
            for (int gx = 0; gx < 5; gx++) {
                int px = x + c * 7 + gx, py = y + gy;
                if (px >= 0 && py >= 0 && px < w && py < h &&
                    (hash4((uint32_t)c, (uint32_t)gx, (uint32_t)gy, seed) & 3) == 0)
                    img[(size_t)py * (size_t)stride + (size_t)px] = 220;
            }
}

/* The scanner's screen around the sector: black with a depth ruler every centimetre and, with
 * chrome, labels and a grey bar (text lands inside the ROI's corners, as on real scanners). */
static void build_screen(sim_renderer *r)
{
    const sim_scene_layout *l = &r->l;
    r->screen = malloc((size_t)l->width * (size_t)l->height);
    memset(r->screen, 16, (size_t)l->width * (size_t)l->height);
    if (r->p.chrome) {
        int W = l->width, H = l->height;
        chrome_text(r->screen, W, W, H, 4, 4, 18, 1);                       /* patient line */
        chrome_text(r->screen, W, W, H, W - 130, 4, 17, 2);                 /* date, time */
        chrome_text(r->screen, W, W, H, l->roi.x + 2, l->roi.y + 4, 8, 3);  /* preset, in the ROI */
        chrome_text(r->screen, W, W, H, l->roi.x + 2, l->roi.y + 14, 6, 4);
        chrome_text(r->screen, W, W, H, l->roi.x + l->roi.w - 60, l->roi.y + 4, 8, 5);
        chrome_text(r->screen, W, W, H, 4, H - 12, 24, 6);                  /* MI, TIS, gain */
        for (int y = 0; y < 120 && 140 + y < H; y++)                        /* grey bar */
            for (int x = 8; x < 16; x++)
                r->screen[(size_t)(140 + y) * (size_t)W + (size_t)x] = (uint8_t)(16 + y * 219 / 120);
    }
    int rx = l->roi.x + l->roi.w + 6;
    for (int cm = 0; cm * 10 <= l->depth_mm; cm++) {
        int y = (int)lround(l->face_px.y + cm * 10 / l->mm_per_px);
        int len = cm % 5 == 0 ? 10 : 5;
        for (int x = rx; x < rx + len && x < l->width; x++)
            if (y >= 0 && y < l->height)
                r->screen[(size_t)y * (size_t)l->width + (size_t)x] = 200;
    }
}

sim_renderer *sim_renderer_new(const sim_scene_layout *l, const sim_params *p, unsigned seed)
{
    sim_renderer *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->l = *l;
    r->p = *p;
    r->seed = seed;
    r->nb = p->beams;
    r->ns = p->samples;
    r->dtheta = 2 * l->half_angle_deg * DEG / r->nb;
    r->ds = l->depth_mm / r->ns;
    size_t n = (size_t)r->nb * (size_t)r->ns;
    r->re = malloc(n * sizeof(float));
    r->im = malloc(n * sizeof(float));
    r->tre = malloc(n * sizeof(float));
    r->tim = malloc(n * sizeof(float));
    r->env = malloc(n * sizeof(float));
    r->prev = malloc(n * sizeof(float));

    r->ka = (int)ceil(3 * p->axial_sigma_mm / r->ds);
    r->kl = (int)ceil(3 * p->lateral_sigma_beams);
    r->ha_re = malloc(sizeof(float) * (size_t)(2 * r->ka + 1));
    r->ha_im = malloc(sizeof(float) * (size_t)(2 * r->ka + 1));
    r->hl = malloc(sizeof(float) * (size_t)(2 * r->kl + 1));
    double ea = 0, el = 0, ea4 = 0, el4 = 0;
    for (int k = -r->ka; k <= r->ka; k++) {
        double d = k * r->ds;
        double g = exp(-d * d / (2 * p->axial_sigma_mm * p->axial_sigma_mm));
        double ph = 2 * M_PI * 2 * d / p->wavelength_mm;   /* two-way path */
        r->ha_re[k + r->ka] = (float)(g * cos(ph));
        r->ha_im[k + r->ka] = (float)(g * sin(ph));
        ea += g * g;
        ea4 += g * g * g * g;
    }
    for (int k = -r->kl; k <= r->kl; k++) {
        double g = exp(-k * k / (2 * p->lateral_sigma_beams * p->lateral_sigma_beams));
        r->hl[k + r->kl] = (float)g;
        el += g * g;
        el4 += g * g * g * g;
    }
    /* four interpolated cells in every sample: fewer independent scatterers under the PSF than
     * samples (0.8 measured: m 0.98 / 0.72 / 0.49 for 1 / 0.75 / 0.5) */
    double q = scatter_fraction(p->speckle_m, (p->speckle_slides ? 0.8 : 1) * ea * ea * el * el / (ea4 * el4));
    r->scatter_keep = q >= 1 ? UINT32_MAX : (uint32_t)(q * 4294967295.0);
    r->scatter_amp = (float)(1 / sqrt(q));
    /* Unit-power scatterers come out of the PSF with rms sqrt(ea*el). */
    r->log_offset_db = p->tissue_level * p->dynamic_range_db - 10 * log10(ea * el);
    build_lut(r);
    build_screen(r);
    if (!r->re || !r->im || !r->tre || !r->tim || !r->env || !r->prev || !r->lut || !r->screen) {
        sim_renderer_free(r);
        return NULL;
    }
    return r;
}

void sim_renderer_free(sim_renderer *r)
{
    if (!r)
        return;
    free(r->re); free(r->im); free(r->tre); free(r->tim); free(r->env); free(r->prev);
    free(r->ha_re); free(r->ha_im); free(r->hl);
    free(r->lut); free(r->lut_wb); free(r->lut_ws); free(r->screen);
    free(r);
}

/* Echogenicity (mean power) of soft tissue at depth d below the skin and scene point p, elev mm
 * out of the L4 view's plane (the probe rotation sweeps the medial side into other tissue). */
static double tissue_echo(double d, ng_vec2 p, double elev)
{
    if (d < 1.2)
        return 2.0;                                   /* skin */
    if (d < 9.0) {                                    /* subcutaneous fat with septa */
        double e = 0.05;
        if (fabs(d - 4.2) < 0.2 || fabs(d - 6.8) < 0.15)
            e = 0.8;
        return e;
    }
    /* Muscle: fibres oblique to the beam, and two fascial planes. */
    double fib = 0.5 + 0.5 * sin(2 * M_PI * (p.x * 0.34 + p.y * 0.94 + elev * 0.6) / 2.4);
    double e = 0.35 + 0.45 * fib * fib * fib * fib;
    double f1 = ng_dist_point_line_signed(p, ng_v2(-45, 21), ng_v2(45, 26)) + 0.25 * elev;
    double f2 = ng_dist_point_line_signed(p, ng_v2(-45, 13.5), ng_v2(45, 11)) - 0.2 * elev;
    if (fabs(f1) < 0.35 || fabs(f2) < 0.3)
        e = 2.5;
    if (fabs(d - 9.0) < 0.3)
        e = 2.0;                                      /* fascia over the muscle */
    return e;
}

/* Depth along a beam (from apex, direction dir) where it first meets the bone, or INFINITY. */
static double bone_hit(const ng_vec2 bone[SIM_BONE_POINTS], ng_vec2 apex, ng_vec2 dir,
                       double *cos_inc)
{
    double best = INFINITY;
    *cos_inc = 1;
    for (int i = 0; i + 1 < SIM_BONE_POINTS; i++) {
        double t;
        if (ng_ray_segment(apex, dir, bone[i], bone[i + 1], &t) && t < best) {
            best = t;
            ng_vec2 seg = ng_v2_unit(ng_v2_sub(bone[i + 1], bone[i]));
            *cos_inc = fabs(ng_v2_cross(seg, dir));   /* 1 when the surface faces the beam */
        }
    }
    return best;
}

/* Specular echo power of the needle for a beam along dir. */
static double needle_spec(const sim_params *p, ng_vec2 ndir, ng_vec2 dir)
{
    double inc_deg = acos(fmin(1.0, fabs(ng_v2_cross(ndir, dir)))) / DEG;
    return p->needle_floor + (1 - p->needle_floor) *
           exp(-inc_deg * inc_deg / (2 * p->needle_spec_deg * p->needle_spec_deg));
}


double sim_needle_contrast_db(const sim_scene_layout *l, const sim_params *p, const sim_state *st)
{
    ng_vec2 ndir = ng_v2_unit(ng_v2_sub(st->tip_mm, l->entry_mm));
    ng_vec2 mid = ng_v2_lerp(l->entry_mm, st->tip_mm, 0.6);
    ng_vec2 dir = ng_v2_unit(ng_v2_sub(mid, ng_v2(0, -l->radius_mm)));
    return 10 * log10(p->needle_echo * needle_spec(p, ndir, dir) / MUSCLE_MEAN_ECHO);
}

/* How much of the needle's echo at pt is left where the shaft weaves out of the slice (an
 * out-of-plane drop-out). The part near the tip is held in plane, as the operator does. */
static double in_slice(const sim_params *p, unsigned seed, const sim_state *st, ng_vec2 entry,
                       ng_vec2 pt)
{
    double from_tip = ng_v2_dist(st->tip_mm, entry) * (1 - ng_project_t(pt, entry, st->tip_mm));
    double elev = p->elevation_wobble_mm * fmin(1, from_tip / 6) *
                  sin(2 * M_PI * (from_tip / 12 + 0.15 * st->t_s) + seed % 7);
    double sig = p->slice_mm / 2.355;
    return exp(-elev * elev / (2 * sig * sig));
}

static void fill_field(sim_renderer *r, const sim_state *st, uint64_t frame_index)
{
    const sim_scene_layout *l = &r->l;
    const sim_params *p = &r->p;
    ng_vec2 bone[SIM_BONE_POINTS];
    sim_scene_bone(st->view, bone);
    ng_vec2 apex = ng_v2(0, -l->radius_mm);
    /* the anatomy (bone, speckle, the needle in it) is displaced by breathing and tremor: work
     * in its own frame; the probe face, and so the depth below the skin, stays put */
    ng_vec2 apex_t = sim_image_to_tissue(st, apex);
    bool needle = st->needle_in && st->in_plane;
    ng_vec2 ndir = ng_v2_unit(ng_v2_sub(st->tip_mm, r->l.entry_mm));
    /* The probe turns about its lateral end (medial end caudal): a point of the image lies
     * elev mm out of the first view's plane, growing medially; speckle decorrelates over about
     * a slice thickness of elevation. */
    double pivot_x = -(l->radius_mm) * sin(l->half_angle_deg * DEG);
    double elev_per_mm = sin(ROTATION_DEG * DEG * st->view);
    uint32_t fi = (uint32_t)frame_index;
    double half = l->half_angle_deg * DEG;

    for (int b = 0; b < r->nb; b++) {
        double th = -half + (b + 0.5) * r->dtheta;
        ng_vec2 dir = ng_v2(sin(th), cos(th));
        double cos_inc = 1;
        double hit = st->phantom ? INFINITY : bone_hit(bone, apex_t, dir, &cos_inc) - l->radius_mm;
        /* Specular needle echo: strongest when the beam meets the shaft at right angles. */
        double needle_amp = sqrt(p->needle_echo * needle_spec(p, ndir, dir));
        float *re = r->re + (size_t)b * r->ns, *im = r->im + (size_t)b * r->ns;
        for (int s = 0; s < r->ns; s++) {
            double d = (s + 0.5) * r->ds;
            ng_vec2 pt = ng_v2_add(apex_t, ng_v2_scale(dir, l->radius_mm + d));   /* tissue */
            double elev = fmax(0, pt.x - pivot_x) * elev_per_mm;
            uint32_t view_cell = (uint32_t)floor(elev / ELEVATION_CELL_MM);
            double e;
            if (st->phantom)
                e = 1;
            else if (d < hit - 0.5)
                e = tissue_echo(d, pt, elev);
            else if (d < hit + 0.5)
                e = 3 + 40 * cos_inc * cos_inc;       /* bone surface */
            else
                e = 0.002 * tissue_echo(d, pt, elev);       /* acoustic shadow */
            if (st->injectate_mm > 0 && ng_v2_dist(pt, st->injectate_at) < st->injectate_mm && d < hit - 0.5)
                e *= 0.03;                            /* the injectate: an anechoic pool */
            double amp = sqrt(e) * exp(-0.004 * d);
            float sr, si;
            tissue_scatter(r, pt, view_cell, fi, &sr, &si);
            double ar = sr * amp, ai = si * amp;
            if (needle && d < hit + 0.5) {
                double dist = ng_dist_point_segment(pt, r->l.entry_mm, st->tip_mm);
                /* the shaft ends at the tip: a cut tube, no rounded cap past it */
                bool past_tip = ng_project_t(pt, r->l.entry_mm, st->tip_mm) > 1;
                double a = 0;
                if (dist < NEEDLE_RADIUS_MM && !past_tip) {
                    a = needle_amp;
                    if (ng_v2_dist(pt, st->tip_mm) < 1.2)
                        a *= 1.7;                     /* the bevel */
                } else {
                    double k_amp = needle_amp;
                    for (int k = 1; k <= 3; k++) {     /* reverberations below the shaft */
                        k_amp *= p->reverb_decay;
                        ng_vec2 q = ng_v2_sub(pt, ng_v2_scale(dir, k * REVERB_SPACING_MM));
                        if (ng_dist_point_segment(q, r->l.entry_mm, st->tip_mm) < 0.25) {
                            a = k_amp;
                            break;
                        }
                    }
                }
                if (a > 0 && p->elevation_wobble_mm > 0)
                    a *= in_slice(p, r->seed, st, r->l.entry_mm, pt);
                if (a > 0) {
                    uint32_t hn = hash4((uint32_t)s, (uint32_t)b, 77, r->seed);
                    float nr, ni;
                    hash_complex(hn, &nr, &ni);
                    ar += nr * a;
                    ai += ni * a;
                }
            }
            uint32_t hz = hash4((uint32_t)s, (uint32_t)b, fi, r->seed ^ 0xA5A5A5A5u);
            float zr, zi;
            hash_complex(hz, &zr, &zi);
            re[s] = (float)(ar + zr * p->noise);
            im[s] = (float)(ai + zi * p->noise);
        }
    }
}

static void convolve_and_detect(sim_renderer *r, double gain_db)
{
    int nb = r->nb, ns = r->ns, ka = r->ka, kl = r->kl;
    /* Axial: complex PSF along each beam. */
    for (int b = 0; b < nb; b++) {
        const float *re = r->re + (size_t)b * ns, *im = r->im + (size_t)b * ns;
        float *ore = r->tre + (size_t)b * ns, *oim = r->tim + (size_t)b * ns;
        for (int s = 0; s < ns; s++) {
            float ar = 0, ai = 0;
            int k0 = s - ka < 0 ? ka - s : 0, k1 = s + ka >= ns ? ka + (ns - 1 - s) : 2 * ka;
            for (int k = k0; k <= k1; k++) {
                float xr = re[s + k - ka], xi = im[s + k - ka];
                ar += xr * r->ha_re[k] - xi * r->ha_im[k];
                ai += xr * r->ha_im[k] + xi * r->ha_re[k];
            }
            ore[s] = ar;
            oim[s] = ai;
        }
    }
    /* Lateral: Gaussian across beams, then the envelope. */
    for (int b = 0; b < nb; b++) {
        float *env = r->env + (size_t)b * ns;
        for (int s = 0; s < ns; s++) {
            float ar = 0, ai = 0;
            for (int k = -kl; k <= kl; k++) {
                int bb = b + k;
                if (bb < 0 || bb >= nb)
                    continue;
                ar += r->tre[(size_t)bb * ns + s] * r->hl[k + kl];
                ai += r->tim[(size_t)bb * ns + s] * r->hl[k + kl];
            }
            env[s] = sqrtf(ar * ar + ai * ai);
        }
    }
    /* Log compression into 0..255 grey, stored back in env. */
    size_t n = (size_t)nb * ns;
    float dr = (float)r->p.dynamic_range_db, off = (float)(r->log_offset_db + gain_db);
    for (size_t i = 0; i < n; i++) {
        float db = 20.0f * log10f(r->env[i] + 1e-6f) + off;
        float v = db / dr;
        r->env[i] = v < 0 ? 0 : v > 1 ? 255.0f : v * 255.0f;
    }
    /* the scanner's persistence: a little of the previous frame stays */
    float keep = (float)r->p.persistence;
    if (keep > 0 && r->have_prev)
        for (size_t i = 0; i < n; i++)
            r->env[i] = (1 - keep) * r->env[i] + keep * r->prev[i];
    memcpy(r->prev, r->env, n * sizeof(float));
    r->have_prev = true;
}

void sim_render(sim_renderer *r, const sim_state *st, uint64_t frame_index, ng_frame *out)
{
    fill_field(r, st, frame_index);
    double gain = r->p.gain_swing_db * sin(2 * M_PI * st->t_s / r->p.gain_period_s);
    convolve_and_detect(r, gain);
    const sim_scene_layout *l = &r->l;
    for (int y = 0; y < l->height; y++)
        memcpy(out->plane[0] + (size_t)y * out->stride[0], r->screen + (size_t)y * l->width,
               (size_t)l->width);
    ng_rect roi = l->roi;
    for (int y = 0; y < roi.h; y++) {
        uint8_t *row = out->plane[0] + (size_t)(roi.y + y) * out->stride[0] + roi.x;
        for (int x = 0; x < roi.w; x++) {
            int i = y * roi.w + x;
            int32_t k = r->lut[i];
            if (k < 0)
                continue;
            float wb = r->lut_wb[i] / 255.0f, ws = r->lut_ws[i] / 255.0f;
            const float *e = r->env + k;
            float top = e[0] * (1 - ws) + e[1] * ws;
            float bot = e[r->ns] * (1 - ws) + e[r->ns + 1] * ws;
            float g = top * (1 - wb) + bot * wb;
            row[x] = (uint8_t)(16.5f + g * (219.0f / 255.0f));   /* video range luma */
        }
    }
    frame_clear_chroma(out);
}
