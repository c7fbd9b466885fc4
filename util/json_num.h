/* A number for JSON as people read it: a fixed count of decimals (json-c writes 17 digits). */
#ifndef NG_JSON_NUM_H
#define NG_JSON_NUM_H

#include <json-c/json.h>

/* NULL (JSON null) for NaN or infinity, which JSON cannot hold. */
json_object *ng_json_fixed(double v, int decimals);

#endif
