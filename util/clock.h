/* CLOCK_MONOTONIC helpers: every timestamp in needleguide is monotonic nanoseconds (and the
 * process's CPU clock, for make bench). */
#ifndef NG_CLOCK_H
#define NG_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t ng_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* CPU time of the whole process, every thread, in nanoseconds. */
static inline int64_t ng_process_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline double ng_ns_to_ms(int64_t ns) { return (double)ns / 1e6; }

/* Sleeps until the absolute monotonic time t_ns (returns at once if it has passed). */
void ng_sleep_until_ns(int64_t t_ns);

#endif
