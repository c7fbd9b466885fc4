/* Pixel conversion through libyuv: the luma plane for tracking and ARGB for display, from every
 * format a source delivers. The converter owns scratch buffers; one per thread. */
#ifndef NG_CONVERT_H
#define NG_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "capture/frame.h"

typedef struct {
    uint8_t *scratch;      /* planar YUV for compressed formats */
    size_t scratch_cap;
    uint8_t *luma;         /* luma for RGB and packed 4:2:2 formats */
    size_t luma_cap;
} ng_converter;

void convert_init(ng_converter *c);
void convert_free(ng_converter *c);

/* Converts f to ARGB8888 (bytes B,G,R,A) and points *luma at its luma plane (valid until the
 * next call; luma NULL: not wanted, and packed 4:2:2 spares extracting it). Returns 0, or -1 for
 * data that cannot be decoded (a corrupt JPEG). */
int convert_frame(ng_converter *c, const ng_frame *f, uint8_t *argb, int argb_stride,
                  const uint8_t **luma, int *luma_stride);
/* The frame to hand to the display, which converts it into its texture (convert_frame) in one
 * pass: f itself, referenced. And the luma plane for tracking: f's own when it is planar or
 * NV12 (valid as long as *shown), extracted into c's luma buffer when it is packed 4:2:2 (valid
 * until c's next use). Returns 0, -1 when out of memory, or 1 for the formats whose luma comes
 * only out of the whole conversion (a JPEG decoded, RGB converted): those the caller converts
 * with convert_frame. */
int convert_for_display(ng_converter *c, ng_frame *f, ng_frame **shown, const uint8_t **luma,
                        int *luma_stride);

#endif
