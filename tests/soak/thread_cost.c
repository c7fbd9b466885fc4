/* soak_thread_cost: the resident memory a thread leaves behind once it has been joined, in kB,
 * as built (make soak builds it with LeakSanitizer, like the daemon it judges).
 *
 * Why: LeakSanitizer's thread registry keeps an entry, a page of its own, for every thread the
 * process ever started and never reuses it (google/sanitizers#232). The daemon starts a writer
 * thread and its encoders' threads for each recording, so under LeakSanitizer its RSS climbs by
 * that page per thread while the memory it holds does not. The soak subtracts what this measures,
 * rather than a constant: another runtime may keep more, or nothing. */
#include <pthread.h>
#include <stdio.h>

#include "util/memory_use.h"

static void *nothing(void *arg) { return arg; }

static int start_and_join(int n)
{
    for (int i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, nothing, NULL) != 0 || pthread_join(t, NULL) != 0)
            return -1;
    }
    return 0;
}

int main(void)
{
    enum { WARM = 100, MEASURED = 2000 };
    /* the first threads pay one-off costs (stack cache, the allocator's first pages) */
    if (start_and_join(WARM) < 0)
        return 1;
    int64_t before = ng_proc_status_kb("VmRSS");
    if (start_and_join(MEASURED) < 0 || before < 0)
        return 1;
    double per = (double)(ng_proc_status_kb("VmRSS") - before) / MEASURED;
    printf("%.2f\n", per < 0 ? 0.0 : per);
    return 0;
}
