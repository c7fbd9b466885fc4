#include "util/json_num.h"

#include <math.h>
#include <stdio.h>

json_object *ng_json_fixed(double v, int decimals)
{
    if (!isfinite(v))
        return NULL;
    char s[48];
    snprintf(s, sizeof s, "%.*f", decimals, v);
    return json_object_new_double_s(v, s);
}
