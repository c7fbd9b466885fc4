/* Order statistics of samples. */
#ifndef NG_STATS_H
#define NG_STATS_H

#include <stddef.h>

void ng_sort_doubles(double *v, size_t n);
/* Nearest-rank percentile p (0..100) of sorted v; NAN when n is 0. */
double ng_percentile(const double *v, size_t n, double p);

#endif
