#include "capture/still.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void still_init(still_detector *s, ng_rect roi)
{
    memset(s, 0, sizeof *s);
    s->roi = roi;
}

double still_update(still_detector *s, const uint8_t *luma, int stride, int width, int height,
                    double t_ms)
{
    ng_rect r = s->roi;
    if (r.w <= 0 || r.h <= 0 || r.x + r.w > width || r.y + r.h > height)
        r = (ng_rect){ 0, 0, width, height };   /* a ROI outside this frame: the whole frame */
    uint8_t cur[STILL_GRID_W * STILL_GRID_H];
    long diff = 0;
    for (int j = 0; j < STILL_GRID_H; j++) {
        const uint8_t *row = luma + (size_t)(r.y + (2 * j + 1) * r.h / (2 * STILL_GRID_H)) * stride;
        for (int i = 0; i < STILL_GRID_W; i++) {
            int k = j * STILL_GRID_W + i;
            cur[k] = row[r.x + (2 * i + 1) * r.w / (2 * STILL_GRID_W)];
            diff += abs(cur[k] - s->prev[k]);
        }
    }
    bool same = s->have_prev && (double)diff / (STILL_GRID_W * STILL_GRID_H) < STILL_MAX_DIFF;
    if (!same)
        s->changed_ms = t_ms;
    memcpy(s->prev, cur, sizeof cur);
    s->have_prev = true;
    return t_ms - s->changed_ms;
}
