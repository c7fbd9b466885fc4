#include "util/box_average.h"

#include <libyuv.h>

void box_average(const uint8_t *plane, int stride, int width, int height, ng_rect r, int f,
                 float *out, uint8_t *scratch)
{
    const int ow = r.w / f, oh = r.h / f;
    if (ow <= 0 || oh <= 0)
        return;
    if (r.x >= 0 && r.y >= 0 && r.x + ow * f <= width && r.y + oh * f <= height) {
        /* the usual case: libyuv's box filter (vectorised; the mean to 8 bits, within one level) */
        ScalePlane(plane + (size_t)r.y * (size_t)stride + (size_t)r.x, stride, ow * f, oh * f,
                   scratch, ow, ow, oh, kFilterBox);
        for (int i = 0; i < ow * oh; i++)
            out[i] = scratch[i];
        return;
    }
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++) {
            int sum = 0;
            for (int dy = 0; dy < f; dy++) {
                int py = r.y + y * f + dy;
                if (py < 0 || py >= height)
                    continue;
                const uint8_t *row = plane + (size_t)py * (size_t)stride;
                for (int dx = 0; dx < f; dx++) {
                    int px = r.x + x * f + dx;
                    if (px >= 0 && px < width)
                        sum += row[px];
                }
            }
            out[y * ow + x] = (float)sum / (float)(f * f);
        }
}
