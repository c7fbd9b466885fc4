/* Convolution-model B-mode rendering of a sim_scene: tissue-fixed complex scatterers on a polar
 * grid of beams, a complex axial PSF and Gaussian lateral PSF, envelope detection, log
 * compression and scan conversion into the scanner's screen. */
#ifndef NG_SIM_RENDER_H
#define NG_SIM_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "capture/frame.h"
#include "sim/sim_scene.h"

/* Every knob of the image model, in mm, degrees and dB. */
typedef struct {
    int beams, samples;            /* polar grid */
    double axial_sigma_mm;         /* axial PSF (Gaussian envelope) */
    double wavelength_mm;          /* centre wavelength of the pulse */
    double lateral_sigma_beams;    /* lateral PSF in beam spacings */
    double dynamic_range_db;
    double tissue_level;           /* where unit-echogenicity tissue sits in 0..1 grey */
    double noise;                  /* electronic noise amplitude, relative to unit tissue */
    double needle_echo;            /* needle echogenicity at normal incidence */
    double needle_floor;           /* fraction left at grazing incidence */
    double needle_spec_deg;        /* width of the specular lobe */
    double reverb_decay;           /* amplitude ratio between reverberation copies */
    double gain_swing_db;          /* the operator turning the gain: +-dB ... */
    double gain_period_s;          /* ... over this period */
    bool chrome;                   /* the scanner's screen: text, scale bar, labels */
    double persistence;            /* the scanner's frame averaging: weight of the previous frame */
    double speckle_m;              /* Nakagami m of the tissue envelope: 1 = Rayleigh (fully
                                    * developed), below 1 = sparse, heterogeneous scatterers */
    double speckle_decorrelation;  /* fraction of the speckle renewed every frame (0 = frozen) */
    double elevation_wobble_mm;    /* the shaft weaving out of the imaging plane (drop-outs) ... */
    double slice_mm;               /* ... across a slice this thick (elevational FWHM) */
    bool speckle_slides;           /* speckle slides with the tissue when it moves by less than a
                                    * beam (interpolated scatterer cells); off, it is drawn anew
                                    * (one scatterer per sample, the model before 2026-11) */
} sim_params;

/* Sets the needle's echogenicity so it stands db over soft tissue at normal incidence. */
void sim_params_set_needle_db(sim_params *p, double db);

void sim_params_default(sim_params *p);
/* The same model with every realism knob beyond the basic image off: no persistence, no
 * screen text, Rayleigh speckle frozen in the tissue (the earlier, per-sample speckle, which the
 * regression guards' bars were set on), the whole shaft in plane. */
void sim_params_plain(sim_params *p);

/* The needle's echo over the mean soft-tissue echo, in dB, where the beam meets the middle of
 * the shaft (how visible the needle is in this state). */
double sim_needle_contrast_db(const sim_scene_layout *l, const sim_params *p, const sim_state *st);

typedef struct sim_renderer sim_renderer;

sim_renderer *sim_renderer_new(const sim_scene_layout *l, const sim_params *p, unsigned seed);
void sim_renderer_free(sim_renderer *r);
/* Renders the scene state into out (I420, the layout's size); frame_index seeds the
 * electronic noise so every frame of a sequence is reproducible. */
void sim_render(sim_renderer *r, const sim_state *st, uint64_t frame_index, ng_frame *out);

#endif
