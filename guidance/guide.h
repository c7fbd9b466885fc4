/* The guidance stage: one frame's image and tracked needle in, the procedure's phase, the
 * targets where the anatomy now is, and the guidance numbers out.
 *
 * Targets follow the anatomy: each frame is registered against the frame the targets were placed
 * on (guidance/register.h), over a window around the targets; while the images still match
 * (the probe drifted a few mm) the targets move with them. When the view changes (the probe
 * rotated to the L5 level) the match fails, which the phase machine reads as the rotation; once
 * the new view holds still, it becomes the new reference, the L5 target is put back where the
 * plan has it on that view, and it waits for the clinician's confirmation. */
#ifndef NG_GUIDE_H
#define NG_GUIDE_H

#include <stdbool.h>
#include <stdint.h>

#include "guidance/guidance.h"
#include "guidance/phase.h"
#include "guidance/register.h"

typedef struct {
    phase_opts phase;
    double window_mm;        /* registration window: the targets' box grown by this much */
    double same_view;        /* similarity at or above which it is still the reference's view */
    double max_follow_mm;    /* the targets follow drifts up to this far */
    double settled;          /* similarity over settle_ms at which a new view holds still */
    double settle_ms;
} guide_opts;

void guide_opts_default(guide_opts *o);

/* What the guidance shows for one frame. */
typedef struct {
    ng_phase phase;
    ng_plan plan;            /* the plan with its targets where the anatomy is now */
    ng_vec2 shift;           /* pixels the targets moved with the anatomy */
    bool anchored;           /* the targets are following the anatomy on this frame */
    double view_change;      /* 0 same view .. 1 nothing alike; < 0 not measured */
    bool l5_to_confirm;      /* the L5 target was re-anchored on the new view: confirm it */
    ng_guidance numbers;     /* against the current phase's target */
    double phase_ms;         /* time in the phase */
    double total_ms;         /* the procedure's time: leaving idle to done (or to now) */
} guide_state;

typedef struct guide guide;

/* roi: the image area of the captured frame; plan in its pixels. NULL when out of memory or
 * the ROI is too small to register on. */
guide *guide_new(const guide_opts *o, ng_rect roi, double mm_per_px, const ng_plan *plan);
void guide_free(guide *g);

/* The target a phase guides to. */
ng_target guide_phase_target(ng_phase p);

/* Feeds one frame (its luma and tracked needle, at t_ms); fills *out. Returns 1 with *ev set
 * when the phase changed automatically, else 0. */
int guide_update(guide *g, const uint8_t *luma, int stride, int width, int height,
                 const ng_track *track, double t_ms, guide_state *out, phase_event *ev);
/* Forced transitions (keys N/B, the control socket): as phase_step / phase_set. */
bool guide_step(guide *g, int dir, double t_ms, phase_event *ev);
bool guide_set_phase(guide *g, ng_phase to, double t_ms, phase_event *ev);
/* The phase now, forced changes included (a frame's guide_state has it as of that frame). */
ng_phase guide_phase(const guide *g);
/* The clinician confirms the re-anchored L5 target, where it is (at == NULL) or at a point of
 * the current frame. */
void guide_confirm_l5(guide *g, const ng_vec2 *at);
/* A new plan (planning mode, the control socket): the next frame becomes its reference. */
void guide_set_plan(guide *g, const ng_plan *plan);
/* The plan as configured or last set (not re-anchored). */
const ng_plan *guide_plan(const guide *g);

#endif
