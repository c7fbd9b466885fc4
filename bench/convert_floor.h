/* make bench: how close the conversion is to the floor — one pass over the frame (memcpy) —
 * beside libyuv's one-pass conversion, the path the pipeline takes (capture/convert.c) and a
 * plain C loop doing the same arithmetic. */
#ifndef NG_BENCH_CONVERT_FLOOR_H
#define NG_BENCH_CONVERT_FLOOR_H

#include <json-c/json.h>
#include <stdio.h>

/* Times each way at width x height (median of reps), prints a table to out and returns the
 * figures as a JSON array (NULL when out of memory). */
json_object *convert_floor_run(int width, int height, int reps, FILE *out);

#endif
