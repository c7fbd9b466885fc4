/* The overlay tests' synthetic frame and base view, shared by the software-renderer tests and
 * the real-window (Xvfb) test so both compare against the same golden images. */
#ifndef NG_TEST_OVERLAY_VIEW_H
#define NG_TEST_OVERLAY_VIEW_H

#include "overlay/overlay.h"

#define W 480
#define H 360

static uint8_t argb[W * H * 4];

/* A synthetic "scan": a vertical grey ramp with a bright band, so dimming and drawing show. */
static void make_frame(void)
{
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++) {
            uint8_t v = (uint8_t)(y > 250 && y < 262 ? 200 : 70 + y / 8);
            uint8_t *p = argb + (y * W + x) * 4;
            p[0] = p[1] = p[2] = v;   /* B, G, R */
            p[3] = 255;
        }
}

static overlay *open_overlay(bool headless, int win_w, int win_h)
{
    overlay_opts o = { .headless = headless, .width = win_w, .height = win_h };
    ng_errbuf err = { 0 };
    overlay *ov = overlay_new(&o, W, H, &err);
    if (!ov)
        fprintf(stderr, "%s", err.text);
    return ov;
}

static void update_numbers(overlay_view *v)
{
    guidance_update(&v->guide.plan, v->mm_per_px, guide_phase_target(v->guide.phase), &v->track,
                    &v->guide.numbers);
}

static void set_tip(overlay_view *v, ng_vec2 tip)
{
    v->track.tip = tip;
    v->track.angle_deg = ng_angle_deg(v->track.shaft_start, v->track.tip);
    update_numbers(v);
}

static overlay_view base_view(void)
{
    overlay_view v = {
        .argb = argb, .width = W, .height = H, .stride = W * 4,
        .roi = { 30, 30, 420, 300 }, .mm_per_px = 0.2,
        .guide = { .phase = PHASE_L4_APPROACH, .anchored = true, .phase_ms = 12000, .total_ms = 75000,
                   .plan = { .entry = { 45, 45 }, .l4_target = { 300, 270 }, .l5_target = { 240, 285 },
                             .tolerance_mm = 2 } },
        .fps = 30, .latency_ms = 12,
    };
    /* A needle on the L4 path, three quarters of the way in, tracked confidently. */
    v.track = (ng_track){ .found = true, .shaft_start = { 70.5, 67.5 }, .confidence = 0.9 };
    set_tip(&v, ng_v2(236.25, 213.75));
    return v;
}

#endif
