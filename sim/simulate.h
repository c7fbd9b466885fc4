/* `needleguide simulate`: writes a simulated sequence, its ground truth and its config. */
#ifndef NG_SIMULATE_H
#define NG_SIMULATE_H

#include <stdio.h>

#include "sim/sim_scene.h"

int cmd_simulate(int argc, char **argv);

/* One ground-truth JSON line (no newline) for frame n: the needle, the true phase (the
 * guidance's names) and where the targets are in the image. */
void sim_truth_write(FILE *f, const sim_scene_layout *l, uint64_t n, const sim_state *st,
                     const sim_truth *t, double contrast_db);

#endif
