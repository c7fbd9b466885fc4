/* The overlay: the video scaled into the window, the plan, the detected needle, a HUD panel
 * beside the video and banners that say plainly when the picture cannot be trusted.
 * Everything scales with the window (fonts, strokes, panel), from a small window to 4K. */
#ifndef NG_OVERLAY_H
#define NG_OVERLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/frame.h"
#include "guidance/guide.h"
#include "tracking/tracker.h"
#include "util/errbuf.h"

#define OVERLAY_FROZEN_MS 200.0   /* no new frame, or an unchanged picture, this long: FROZEN */
#define OVERLAY_STALE_MS 100.0    /* a frame this old when drawn: STALE */
/* A picture that is not live is drawn under black at this alpha (dimmed, still readable). */
#define OVERLAY_DIM_ALPHA 130
#define OVERLAY_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define OVERLAY_FONT_BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

typedef struct {
    bool headless;
    bool fullscreen;
    int width, height;       /* window (headless: screen) size; 0: the frame's plus the panel */
    const char *font_path;   /* NULL: DejaVu Sans */
} overlay_opts;

/* Everything one screen shows. */
typedef struct {
    /* the newest frame: as captured (converted into the video texture here) or as ARGB8888
     * (stride bytes a row); both NULL before the first */
    const ng_frame *frame;
    const uint8_t *argb;
    int width, height, stride;
    ng_rect roi;
    double mm_per_px;
    ng_track track;
    guide_state guide;        /* phase, targets where the anatomy is now, numbers, times */
    double fps;
    double latency_ms;        /* capture to the frame's first time on screen */
    uint64_t skipped;
    uint64_t driver_drops;    /* frames the capture driver lost */
    double stale_ms;          /* since the newest frame arrived */
    double still_ms;          /* the picture has not changed for this long (a frozen scanner) */
    bool paused;              /* the display frozen by the user (Space) */
    bool help;                /* the key card (H) */
    const char *prompt;       /* planning mode's request (click the entry...); NULL otherwise */
    const char *message;      /* a passing notice (plan saved to ...); NULL for none */
    const char *source_problem;   /* e.g. "NO SIGNAL"; NULL while frames flow */
    /* recording */
    bool recording;
    double rec_seconds;
    uint64_t rec_dropped;         /* frames the recorder could not keep up with */
    const char *rec_problem;      /* why the last recording stopped on its own; NULL if it did not */
    const char *replay;           /* replay: position, speed, loop; NULL when live */
} overlay_view;

typedef struct overlay overlay;

overlay *overlay_new(const overlay_opts *o, int frame_w, int frame_h, ng_errbuf *err);
void overlay_free(overlay *ov);
/* Draws one screen into the back buffer; overlay_present shows it. */
void overlay_draw(overlay *ov, const overlay_view *v);
void overlay_present(overlay *ov);
void overlay_toggle_fullscreen(overlay *ov);
/* Saves what was last drawn (before presenting) as a PNG. */
int overlay_snapshot(overlay *ov, const char *path, ng_errbuf *err);
/* Reads what was last drawn (before presenting) as ARGB8888 into argb (stride bytes a row,
 * room for overlay_output_size). 0 or -1. */
int overlay_read(overlay *ov, uint8_t *argb, int stride);
void overlay_output_size(overlay *ov, int *w, int *h);
/* Where a rect of frame pixels lies on the screen as last drawn (rounded outwards). */
ng_rect overlay_frame_rect(const overlay *ov, ng_rect r);
/* The frame pixel under a window point (a click); false outside the video. */
bool overlay_frame_point(const overlay *ov, int win_x, int win_y, ng_vec2 *out);
/* The window's position on its screen (the real-window test crops a screenshot with it). */
void overlay_window_position(overlay *ov, int *x, int *y);

/* The instruction the HUD gives for a phase. */
const char *overlay_instruction(ng_phase p);

/* Colours, exposed for the tests' pixel checks. */
#define OVL_PATH_L4 0x00, 0xDC, 0xFF
#define OVL_PATH_L5 0xC8, 0x78, 0xFF
#define OVL_TARGET 0xFF, 0xDC, 0x00
#define OVL_TARGET_HIT 0x00, 0xFF, 0x64
#define OVL_NEEDLE_OK 0x00, 0xFF, 0x64
#define OVL_NEEDLE_WARN 0xFF, 0xAA, 0x00
#define OVL_NEEDLE_BAD 0xFF, 0x3C, 0x3C
#define OVL_UNCERTAIN 0x96, 0x96, 0x96
#define OVL_NEEDLE_UNJUDGED 0xF0, 0xF0, 0xF0   /* a sure needle, no anchored target to judge by */

/* The shaft's colour bands: within plan (green), amber, red beyond. */
#define OVL_OK_DEG 5.0
#define OVL_OK_MM 2.0
#define OVL_WARN_DEG 10.0
#define OVL_WARN_MM 4.0

#endif
