/* Describes V4L2 devices: driver, card, bus, inputs (with DV timings or not), formats with
 * frame sizes and rates. */
#ifndef NG_V4L2_LIST_H
#define NG_V4L2_LIST_H

#include <json-c/json.h>

#include "capture/v4l2_ops.h"

/* A JSON object for the device at path, or one with an "error" member if it cannot be read. */
json_object *v4l2_describe(const v4l2_ops *ops, const char *path);

#endif
