/* Pixel conversion through libyuv: the luma plane for tracking and ARGB for display, from every
 * format a source delivers. The converter owns scratch buffers; one per thread. */
#ifndef NG_CONVERT_H
#define NG_CONVERT_H

#include <stddef.h>
#include <stdint.h>

#include "capture/frame.h"

typedef struct {
    uint8_t *scratch;      /* planar YUV for packed and compressed formats */
    size_t scratch_cap;
    uint8_t *luma;         /* luma for RGB formats */
    size_t luma_cap;
} ng_converter;

void convert_init(ng_converter *c);
void convert_free(ng_converter *c);

/* Converts f to ARGB8888 (bytes B,G,R,A) and points *luma at its luma plane (valid until the
 * next call). Returns 0, or -1 for data that cannot be decoded (a corrupt JPEG). */
int convert_frame(ng_converter *c, const ng_frame *f, uint8_t *argb, int argb_stride,
                  const uint8_t **luma, int *luma_stride);

#endif
