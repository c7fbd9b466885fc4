#include "bench/convert_floor.h"

#include <libyuv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/convert.h"
#include "capture/frame.h"
#include "util/clock.h"
#include "util/stats.h"

static inline uint8_t clamp8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* BT.601 limited range, 8-bit fixed point: what libyuv's I601 constants do, written plainly. */
static inline uint32_t yuv_pixel(int y, int u, int v)
{
    int c = 298 * (y - 16), d = u - 128, e = v - 128;
    uint8_t r = clamp8((c + 409 * e + 128) >> 8);
    uint8_t g = clamp8((c - 100 * d - 208 * e + 128) >> 8);
    uint8_t b = clamp8((c + 516 * d + 128) >> 8);
    return 0xff000000u | (uint32_t)r << 16 | (uint32_t)g << 8 | b;
}

static void plain_yuyv(const ng_frame *f, uint8_t *argb)
{
    for (int y = 0; y < f->height; y++) {
        const uint8_t *s = f->plane[0] + (size_t)y * f->stride[0];
        uint32_t *d = (uint32_t *)(argb + (size_t)y * f->width * 4);
        for (int x = 0; x < f->width; x += 2, s += 4) {
            d[x] = yuv_pixel(s[0], s[1], s[3]);
            d[x + 1] = yuv_pixel(s[2], s[1], s[3]);
        }
    }
}

static void plain_nv12(const ng_frame *f, uint8_t *argb)
{
    for (int y = 0; y < f->height; y++) {
        const uint8_t *ys = f->plane[0] + (size_t)y * f->stride[0];
        const uint8_t *uv = f->plane[1] + (size_t)(y / 2) * f->stride[1];
        uint32_t *d = (uint32_t *)(argb + (size_t)y * f->width * 4);
        for (int x = 0; x < f->width; x++)
            d[x] = yuv_pixel(ys[x], uv[x & ~1], uv[x | 1]);
    }
}

typedef enum { MEMCPY, LIBYUV_ONE_PASS, PIPELINE, PLAIN_C } way;

static double time_one(way w, const ng_frame *f, uint8_t *argb, uint8_t *copy, ng_converter *conv)
{
    int64_t t0 = ng_now_ns();
    const uint8_t *luma;
    int luma_stride;
    switch (w) {
    case MEMCPY: memcpy(copy, f->plane[0], f->size); break;
    case LIBYUV_ONE_PASS:
        if (f->fmt == NG_PIX_YUYV)
            YUY2ToARGB(f->plane[0], f->stride[0], argb, f->width * 4, f->width, f->height);
        else
            NV12ToARGB(f->plane[0], f->stride[0], f->plane[1], f->stride[1], argb, f->width * 4,
                       f->width, f->height);
        break;
    case PIPELINE: convert_frame(conv, f, argb, f->width * 4, &luma, &luma_stride); break;
    case PLAIN_C: f->fmt == NG_PIX_YUYV ? plain_yuyv(f, argb) : plain_nv12(f, argb); break;
    }
    return ng_ns_to_ms(ng_now_ns() - t0);
}

json_object *convert_floor_run(int width, int height, int reps, FILE *out)
{
    static const char *const way_names[] = { "memcpy (one pass: the floor)", "libyuv, one pass",
                                             "needleguide's path (capture/convert.c)", "plain C loop" };
    static const char *const way_keys[] = { "memcpy", "libyuv", "pipeline", "plain_c" };
    json_object *arr = json_object_new_array();
    uint8_t *argb = malloc((size_t)width * height * 4), *copy = malloc((size_t)width * height * 4);
    double *ms = malloc((size_t)reps * sizeof *ms);
    if (!arr || !argb || !copy || !ms) {
        json_object_put(arr);
        free(argb);
        free(copy);
        free(ms);
        return NULL;
    }
    fprintf(out, "\nConversion to ARGB at %dx%d, median of %d (ms):\n", width, height, reps);
    fprintf(out, "  %-42s %8s %8s\n", "", "YUYV", "NV12");
    const ng_pixfmt fmts[] = { NG_PIX_YUYV, NG_PIX_NV12 };
    ng_frame *frames[2];
    for (int i = 0; i < 2; i++) {
        frames[i] = frame_alloc(fmts[i], width, height);
        for (size_t b = 0; frames[i] && b < frames[i]->size; b++)   /* any content: timing only */
            frames[i]->data[b] = (uint8_t)(b * 2654435761u >> 24);
    }
    for (int w = MEMCPY; w <= PLAIN_C; w++) {
        fprintf(out, "  %-42s", way_names[w]);
        for (int i = 0; i < 2; i++) {
            if (!frames[i])
                continue;
            ng_converter conv;
            convert_init(&conv);
            for (int r = 0; r < reps; r++)
                ms[r] = time_one((way)w, frames[i], argb, copy, &conv);
            convert_free(&conv);
            ng_sort_doubles(ms, (size_t)reps);
            double med = ng_percentile(ms, (size_t)reps, 50);
            fprintf(out, " %8.3f", med);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "way", json_object_new_string(way_keys[w]));
            json_object_object_add(o, "format", json_object_new_string(i ? "nv12" : "yuyv"));
            json_object_object_add(o, "width", json_object_new_int(width));
            json_object_object_add(o, "height", json_object_new_int(height));
            json_object_object_add(o, "median_ms", json_object_new_double(med));
            json_object_array_add(arr, o);
        }
        fprintf(out, "\n");
    }
    for (int i = 0; i < 2; i++)
        frame_free(frames[i]);
    free(argb);
    free(copy);
    free(ms);
    return arr;
}
