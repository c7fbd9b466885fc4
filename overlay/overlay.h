/* The overlay: the video scaled into the window, the plan, the detected needle, a HUD panel
 * beside the video and banners that say plainly when the picture cannot be trusted. */
#ifndef NG_OVERLAY_H
#define NG_OVERLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "guidance/guidance.h"
#include "guidance/plan.h"
#include "tracking/tracker.h"
#include "util/errbuf.h"

#define OVERLAY_PANEL_W 240
#define OVERLAY_STALE_MS 200.0
#define OVERLAY_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

typedef struct {
    bool headless;
    bool fullscreen;
    const char *font_path;
} overlay_opts;

/* Everything one screen shows. */
typedef struct {
    const uint8_t *argb;      /* the newest frame, ARGB8888; NULL before the first */
    int width, height, stride;
    ng_rect roi;
    double mm_per_px;
    ng_plan plan;             /* targets where the anatomy is now */
    ng_track track;
    ng_guidance guidance;     /* against the phase's target */
    double fps;
    double latency_ms;
    uint64_t skipped;
    uint64_t driver_drops;    /* frames the capture driver lost */
    double stale_ms;          /* since the newest frame arrived */
    const char *source_problem;   /* e.g. "SOURCE ENDED"; NULL while frames flow */
} overlay_view;

typedef struct overlay overlay;

overlay *overlay_new(const overlay_opts *o, int frame_w, int frame_h, ng_errbuf *err);
void overlay_free(overlay *ov);
/* Draws one screen into the back buffer; overlay_present shows it. */
void overlay_draw(overlay *ov, const overlay_view *v);
void overlay_present(overlay *ov);
/* Saves what was last drawn (before presenting) as a PNG. */
int overlay_snapshot(overlay *ov, const char *path, ng_errbuf *err);

/* Colours, exposed for the tests' pixel checks. */
#define OVL_PATH_L4 0x00, 0xDC, 0xFF
#define OVL_PATH_L5 0xC8, 0x78, 0xFF
#define OVL_TARGET 0xFF, 0xDC, 0x00
#define OVL_TARGET_HIT 0x00, 0xFF, 0x64
#define OVL_NEEDLE_OK 0x00, 0xFF, 0x64
#define OVL_NEEDLE_WARN 0xFF, 0xAA, 0x00
#define OVL_NEEDLE_BAD 0xFF, 0x3C, 0x3C
#define OVL_UNCERTAIN 0x96, 0x96, 0x96

#endif
