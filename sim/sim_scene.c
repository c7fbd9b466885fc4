#include "sim/sim_scene.h"

#include <math.h>
#include <stddef.h>

#define DEG (M_PI / 180.0)

void sim_scene_default_layout(sim_scene_layout *l)
{
    sim_scene_layout_for_screen(l, 640, 480);
}

void sim_scene_layout_for_screen(sim_scene_layout *l, int width, int height)
{
    double k = height / 480.0;   /* the 640x480 scene, its sector as tall on the screen */
    l->width = width;
    l->height = height;
    l->mm_per_px = 0.15 / k;
    l->radius_mm = 50;
    l->half_angle_deg = 22;
    l->depth_mm = 60;
    l->face_px = ng_v2(width / 2.0, 62 * k);
    /* Bounding box of the sector: top corners rise above the face centre, bottom corners
     * spread widest. */
    double a = l->half_angle_deg * DEG, r0 = l->radius_mm, r1 = r0 + l->depth_mm;
    ng_vec2 top = sim_mm_to_px(l, ng_v2(-r0 * sin(a), r0 * cos(a) - r0));
    ng_vec2 bottom_left = sim_mm_to_px(l, ng_v2(-r1 * sin(a), r1 * cos(a) - r0));
    ng_vec2 bottom = sim_mm_to_px(l, ng_v2(0, l->depth_mm));
    int x0 = (int)floor(bottom_left.x) - 2, y0 = (int)floor(top.y) - 2;
    l->roi = (ng_rect){ x0, y0, 2 * ((int)l->face_px.x - x0), (int)ceil(bottom.y) + 3 - y0 };
    l->entry_mm = ng_v2(-24.0, -4.0);
    l->breath_mm = 1.5;
    l->tremor_mm = 0.1;
    l->plan.entry = sim_mm_to_px(l, l->entry_mm);
    l->plan.l4_target = sim_mm_to_px(l, sim_l4_target_mm);
    l->plan.l5_target = sim_mm_to_px(l, sim_l5_target_mm);
    l->plan.tolerance_mm = 2.0;
}

ng_vec2 sim_mm_to_px(const sim_scene_layout *l, ng_vec2 mm)
{
    return ng_v2(l->face_px.x + mm.x / l->mm_per_px, l->face_px.y + mm.y / l->mm_per_px);
}

ng_vec2 sim_px_to_mm(const sim_scene_layout *l, ng_vec2 px)
{
    return ng_v2((px.x - l->face_px.x) * l->mm_per_px, (px.y - l->face_px.y) * l->mm_per_px);
}

bool sim_in_sector(const sim_scene_layout *l, ng_vec2 mm)
{
    double zr = mm.y + l->radius_mm;
    double r = hypot(mm.x, zr), th = atan2(mm.x, zr);
    return r >= l->radius_mm && r <= l->radius_mm + l->depth_mm &&
           fabs(th) <= l->half_angle_deg * DEG;
}

/* The in-plane needle enters the skin just beyond the lateral end of the probe. Because the
 * probe is rotated about its lateral end, the entry stays at the same place in both views. */
const ng_vec2 sim_l4_target_mm = { 11.0, 41.0 };
const ng_vec2 sim_l5_target_mm = { 5.0, 43.0 };

/* L4 view (transverse at the L5 transverse process): the transverse process runs laterally at
 * ~41-46 mm and meets the superior articular process, which rises medially; the target is the
 * corner between them. L5 view (after the rotation): the sacral ala laterally and the tall
 * L5-S1 facet medially; the target is the notch between the S1 articular process and the ala. */
static const ng_vec2 bone_l4[SIM_BONE_POINTS] = {
    { -45, 47 }, { -30, 46 }, { -15, 44 }, { 0, 42.2 }, { 11, 41 }, { 13, 35.5 },
    { 16, 30.5 }, { 19, 29.5 }, { 23, 32 }, { 28, 38 }, { 45, 37 },
};
static const ng_vec2 bone_l5[SIM_BONE_POINTS] = {
    { -45, 48.5 }, { -30, 47.5 }, { -15, 45.8 }, { -2, 44 }, { 5, 43 }, { 7, 35 },
    { 10, 26.5 }, { 13, 25 }, { 17, 28 }, { 22, 36 }, { 45, 39 },
};

void sim_scene_bone(double view, ng_vec2 pts[SIM_BONE_POINTS])
{
    double v = view < 0 ? 0 : view > 1 ? 1 : view;
    for (int i = 0; i < SIM_BONE_POINTS; i++)
        pts[i] = ng_v2_lerp(bone_l4[i], bone_l5[i], v);
}

const char *sim_step_name(sim_step s)
{
    static const char *const names[] = { "idle", "advance_l4", "at_l4", "withdraw", "rotate",
                                          "advance_l5", "at_l5", "exit", "done" };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

/* The script, in seconds. Compressed against the clinical 306 s so a demo shows every step. */
static const struct {
    sim_step step;
    double seconds;
} script[] = {
    { SIM_IDLE, 1.0 },     { SIM_ADVANCE_L4, 3.5 }, { SIM_AT_L4, 1.5 },
    { SIM_WITHDRAW, 1.5 }, { SIM_ROTATE, 2.5 },     { SIM_ADVANCE_L5, 3.0 },
    { SIM_AT_L5, 1.5 },    { SIM_EXIT, 1.0 },       { SIM_DONE, 1.5 },
};
#define NSTEPS (sizeof script / sizeof script[0])

/* An advance: through the skin and fat briskly, into the image, then slowly to the target. */
#define BRISK_S 0.5
#define BRISK_FRAC 0.4   /* of the way */
/* Insertion depth (mm along the shaft) left in the subcutaneous layer after the withdrawal. */
#define SUBCUT_MM 8.0
#define INJECTATE_MM 5.0   /* radius of the pool of local anaesthetic at a target */

double sim_script_period_s(void)
{
    double total = 0;
    for (size_t i = 0; i < NSTEPS; i++)
        total += script[i].seconds;
    return total;
}

static double smooth(double u) { return u * u * (3 - 2 * u); }

/* Depth t s into an advance of T s from depth `from` to `to`. */
static double advance_depth(double t, double T, double from, double to)
{
    double f = t < BRISK_S ? BRISK_FRAC * t / BRISK_S
                           : BRISK_FRAC + (1 - BRISK_FRAC) * smooth((t - BRISK_S) / (T - BRISK_S));
    return from + (to - from) * f;
}

void sim_scene_set_angle(sim_scene_layout *l, double deg)
{
    double a = (deg < 10 ? 10 : deg > 80 ? 80 : deg) * DEG;
    double skin_z = l->entry_mm.y, drop = sim_l4_target_mm.y - skin_z;
    l->entry_mm = ng_v2(sim_l4_target_mm.x - drop / tan(a), skin_z);
    l->plan.entry = sim_mm_to_px(l, l->entry_mm);
}

ng_vec2 sim_tissue_to_image(const sim_state *st, ng_vec2 tissue_mm)
{
    return ng_v2_add(tissue_mm, st->motion_mm);
}

ng_vec2 sim_image_to_tissue(const sim_state *st, ng_vec2 image_mm)
{
    return ng_v2_sub(image_mm, st->motion_mm);
}

/* Breathing moves the probe a little over the back; the hand trembles. Smooth and
 * deterministic in t, so every frame of a sequence can be rendered on its own. */
static ng_vec2 probe_motion(const sim_scene_layout *l, double t)
{
    double b = sin(2 * M_PI * 0.25 * t);
    double tx = sin(2 * M_PI * 8.3 * t) + 0.6 * sin(2 * M_PI * 11.7 * t + 1.3);
    double tz = sin(2 * M_PI * 9.1 * t + 0.7) + 0.5 * sin(2 * M_PI * 12.3 * t + 2.1);
    return ng_v2(l->breath_mm * b + l->tremor_mm * tx / 1.6,
                 0.5 * l->breath_mm * b + l->tremor_mm * tz / 1.5);
}

void sim_script_state(const sim_scene_layout *l, double t_s, sim_state *st)
{
    double t = fmod(t_s, sim_script_period_s());
    if (t < 0)
        t += sim_script_period_s();
    size_t i = 0;
    while (i + 1 < NSTEPS && t >= script[i].seconds) {
        t -= script[i].seconds;
        i++;
    }
    double u = script[i].seconds > 0 ? t / script[i].seconds : 1;
    if (u > 1)
        u = 1;

    ng_vec2 d4 = ng_v2_sub(sim_l4_target_mm, l->entry_mm);
    ng_vec2 d5 = ng_v2_sub(sim_l5_target_mm, l->entry_mm);
    double len4 = ng_v2_len(d4), len5 = ng_v2_len(d5);
    ng_vec2 u4 = ng_v2_unit(d4), u5 = ng_v2_unit(d5);
    double depth = 0;   /* insertion along the current direction */
    ng_vec2 dir = u4;

    st->t_s = t_s;
    st->motion_mm = probe_motion(l, t_s);
    st->injectate_mm = 0;
    st->step = script[i].step;
    st->view = 0;
    st->needle_in = true;
    st->in_plane = true;
    st->phantom = false;
    switch (st->step) {
    case SIM_IDLE: st->needle_in = false; break;
    case SIM_ADVANCE_L4: depth = advance_depth(t, script[i].seconds, 0, len4); break;
    case SIM_AT_L4: depth = len4; st->injectate_mm = INJECTATE_MM * u; break;
    case SIM_WITHDRAW:   /* the pool stays where it was injected */
        depth = len4 + (SUBCUT_MM - len4) * smooth(u);
        st->injectate_mm = INJECTATE_MM;
        break;
    case SIM_ROTATE:
        depth = SUBCUT_MM;
        st->view = smooth(u);
        st->in_plane = false;
        break;
    case SIM_ADVANCE_L5:
        st->view = 1;
        dir = u5;
        depth = advance_depth(t, script[i].seconds, SUBCUT_MM, len5);
        break;
    case SIM_AT_L5: st->view = 1; dir = u5; depth = len5; st->injectate_mm = INJECTATE_MM * u; break;
    case SIM_EXIT:
        st->injectate_mm = INJECTATE_MM;
        st->view = 1;
        dir = u5;
        depth = len5 * (1 - smooth(u));
        st->needle_in = depth > 0.5;
        break;
    case SIM_DONE: st->view = 1; st->needle_in = false; break;
    }
    st->tip_mm = ng_v2_add(l->entry_mm, ng_v2_scale(dir, depth));
    st->injectate_at = st->view < 0.5 ? sim_l4_target_mm : sim_l5_target_mm;
}

void sim_truth_of(const sim_scene_layout *l, const sim_state *st, sim_truth *t)
{
    t->visible = false;
    ng_vec2 tip_img = sim_tissue_to_image(st, st->tip_mm), entry_img = sim_tissue_to_image(st, l->entry_mm);
    t->tip = sim_mm_to_px(l, tip_img);
    t->shaft_start = sim_mm_to_px(l, entry_img);
    t->angle_deg = ng_angle_deg(t->shaft_start, t->tip);
    if (!st->needle_in || !st->in_plane || !sim_in_sector(l, tip_img))
        return;
    /* Walk from the entry towards the tip to where the shaft enters the sector. */
    double len = ng_v2_dist(entry_img, tip_img);
    ng_vec2 dir = ng_v2_unit(ng_v2_sub(tip_img, entry_img));
    double s = 0;
    while (s < len && !sim_in_sector(l, ng_v2_add(entry_img, ng_v2_scale(dir, s))))
        s += 0.05;
    ng_vec2 start_mm = ng_v2_add(entry_img, ng_v2_scale(dir, s));
    t->shaft_start = sim_mm_to_px(l, start_mm);
    t->angle_deg = ng_angle_deg(t->shaft_start, t->tip);
    t->visible = len - s >= 3.0;
}

ng_phase sim_true_phase(const sim_state *st)
{
    switch (st->step) {
    case SIM_IDLE: return PHASE_IDLE;
    case SIM_ADVANCE_L4: return PHASE_L4_APPROACH;
    case SIM_AT_L4: return PHASE_L4_AT_TARGET;
    case SIM_WITHDRAW: return PHASE_WITHDRAW;
    case SIM_ROTATE: return PHASE_REPOSITION;
    case SIM_ADVANCE_L5: return PHASE_L5_APPROACH;
    case SIM_AT_L5: return PHASE_L5_AT_TARGET;
    case SIM_EXIT: return st->needle_in ? PHASE_L5_AT_TARGET : PHASE_DONE;
    case SIM_DONE: return PHASE_DONE;
    }
    return PHASE_DONE;
}
