#ifndef NG_TRACK_CMD_H
#define NG_TRACK_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tracking/tracker.h"

int cmd_track(int argc, char **argv);
/* {"frame":N,"needle":bool,"tip":[x,y],"shaft_start":[x,y],"angle_deg":A,"confidence":C}, with
 * "features":[...] (the calibrated confidence's inputs) on found needles when asked. */
void track_write_line(FILE *f, uint64_t n, const ng_track *k, bool features);

#endif
