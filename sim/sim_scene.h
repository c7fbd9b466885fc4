/* The simulated lumbar scan: screen layout, anatomy of the L4 and L5 views, and the scripted
 * one-puncture-two-point procedure with its ground truth.
 *
 * Scene coordinates are millimetres with the origin at the centre of the probe face, x lateral
 * (negative = the patient's lateral side, on the left of the image) and z depth (down). */
#ifndef NG_SIM_SCENE_H
#define NG_SIM_SCENE_H

#include <stdbool.h>
#include <stdint.h>

#include "guidance/phase.h"
#include "guidance/plan.h"
#include "util/geom.h"

typedef struct {
    int width, height;       /* captured frame: the scanner's screen */
    double mm_per_px;
    ng_vec2 face_px;         /* pixel of the probe face centre */
    double radius_mm;        /* curvilinear probe radius */
    double half_angle_deg;   /* sector half-angle */
    double depth_mm;         /* imaging depth */
    ng_rect roi;             /* where the sector is drawn on the screen */
    ng_vec2 entry_mm;        /* skin puncture, beyond the lateral end of the probe */
    double breath_mm;        /* probe drift with breathing (0.25 Hz), lateral; half that axial */
    double tremor_mm;        /* hand tremor (8-12 Hz) */
    ng_plan plan;            /* entry and targets of the scripted procedure, in pixels */
} sim_scene_layout;

void sim_scene_default_layout(sim_scene_layout *l);
/* The same scene on a screen of another size (the benchmark's 720p and 1080p cards): the sector
 * as tall on the screen, centred; finer mm per pixel. */
void sim_scene_layout_for_screen(sim_scene_layout *l, int width, int height);
/* Moves the entry along the skin so the path to the L4 target descends at deg (10..80) below
 * the horizontal; the L5 path follows from the same entry. */
void sim_scene_set_angle(sim_scene_layout *l, double deg);
ng_vec2 sim_mm_to_px(const sim_scene_layout *l, ng_vec2 mm);
ng_vec2 sim_px_to_mm(const sim_scene_layout *l, ng_vec2 px);
/* True when the scene point (mm) lies inside the imaged sector. */
bool sim_in_sector(const sim_scene_layout *l, ng_vec2 mm);

/* Anatomy: the targets in scene mm. */
extern const ng_vec2 sim_l4_target_mm, sim_l5_target_mm;

#define SIM_BONE_POINTS 11
/* The bone surface seen at view v (0 = L4 view, 1 = L5 view after the probe rotation,
 * in between = during the rotation), as a polyline from lateral to medial. */
void sim_scene_bone(double view, ng_vec2 pts[SIM_BONE_POINTS]);

typedef enum {
    SIM_IDLE, SIM_ADVANCE_L4, SIM_AT_L4, SIM_WITHDRAW, SIM_ROTATE,
    SIM_ADVANCE_L5, SIM_AT_L5, SIM_EXIT, SIM_DONE
} sim_step;

const char *sim_step_name(sim_step s);

typedef struct {
    sim_step step;
    double view;       /* 0 = L4 view, 1 = L5 view */
    bool needle_in;    /* the needle is in the body */
    bool in_plane;     /* ... and in the imaging plane */
    ng_vec2 tip_mm;    /* needle tip; the shaft runs from the layout's entry_mm */
    double t_s;        /* time in the sequence */
    ng_vec2 motion_mm; /* where the anatomy (and the needle in it) is displaced in the image */
    double injectate_mm;   /* radius of the anechoic pool injected at a target (0: none) */
    ng_vec2 injectate_at;  /* its centre, tissue mm */
    bool phantom;      /* a uniform speckle phantom instead of the anatomy (calibration) */
} sim_state;

/* Where a tissue point (mm, anatomy frame) appears in the image at this state, and back. */
ng_vec2 sim_tissue_to_image(const sim_state *st, ng_vec2 tissue_mm);
ng_vec2 sim_image_to_tissue(const sim_state *st, ng_vec2 image_mm);

/* Length of one pass of the script; it repeats after that. */
double sim_script_period_s(void);
/* State of the procedure at t seconds from the start. */
void sim_script_state(const sim_scene_layout *l, double t_s, sim_state *st);

typedef struct {
    bool visible;          /* needle in plane with at least 3 mm of shaft inside the sector */
    ng_vec2 tip;           /* pixels */
    ng_vec2 shaft_start;   /* where the shaft enters the imaged sector, pixels */
    double angle_deg;      /* atan2 of tip - shaft_start, y down */
} sim_truth;

void sim_truth_of(const sim_scene_layout *l, const sim_state *st, sim_truth *t);
/* The procedure's phase the script is in (what the guidance should say): the needle's way out
 * after the L5 injection still belongs to l5_at_target, done starts when it is out of the body. */
ng_phase sim_true_phase(const sim_state *st);

#endif
