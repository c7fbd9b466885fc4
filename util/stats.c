#include "util/stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void ng_sort_doubles(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
}

double ng_percentile(const double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    long k = (long)ceil(p / 100.0 * (double)n) - 1;
    return v[k < 0 ? 0 : (size_t)k >= n ? n - 1 : (size_t)k];
}
