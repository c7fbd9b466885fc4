/* Registration of the live image against a reference view: phase correlation (FFT from
 * FFmpeg's libavutil) of the region of interest, averaged down to a coarse grid so speckle
 * washes out and what stays is the anatomy's large bright structures (bone echoes, fascia).
 *
 * It answers two questions the guidance needs: where the anatomy has moved to since the
 * reference (the targets follow it while the probe drifts a few mm), and whether it is still the
 * same view at all (a probe rotation to the next level changes the whole picture). */
#ifndef NG_REGISTER_H
#define NG_REGISTER_H

#include <stdbool.h>
#include <stdint.h>

#include "util/geom.h"

typedef struct ng_register ng_register;

typedef struct {
    ng_vec2 shift;       /* captured-frame pixels: the reference's content is now at p + shift */
    double similarity;   /* normalised correlation of the two images once aligned, -1..1 */
} reg_result;

/* Registration over roi (captured-frame pixels) of frames at least that large. */
ng_register *register_new(ng_rect roi);
void register_free(ng_register *r);
/* This frame is the view the targets were placed on. */
void register_set_reference(ng_register *r, const uint8_t *luma, int stride, int width, int height);
bool register_has_reference(const ng_register *r);
/* Registers a frame against the reference; false (and *out untouched) without a reference or
 * when the reference shows too little of the image to register on. */
bool register_match(ng_register *r, const uint8_t *luma, int stride, int width, int height,
                    reg_result *out);

#endif
