/* The needle plan: skin entry and the two targets of the one-puncture-two-point technique. */
#ifndef NG_PLAN_H
#define NG_PLAN_H

#include "util/geom.h"

typedef struct {
    ng_vec2 entry;      /* skin puncture point, captured-frame pixels; may lie outside the ROI */
    ng_vec2 l4_target;  /* junction of the L5 superior articular process and transverse process */
    ng_vec2 l5_target;  /* junction of the S1 superior articular process and the sacral ala */
    double tolerance_mm;
} ng_plan;

#endif
