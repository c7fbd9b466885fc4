/* util/memory_use: the heap in use follows what is allocated and freed, the resident set what
 * is touched — in the plain build (glibc's count) and under the sanitizers (theirs). */
#include "test_util.h"

#include <string.h>

#include "util/memory_use.h"

enum { MB = 1024 * 1024 };

static ng_memory_use now(void)
{
    ng_memory_use m;
    assert_true(ng_memory_use_get(&m));
    return m;
}

static void test_heap_follows_allocations(void **s)
{
    (void)s;
    ng_memory_use before = now();
    assert_true(before.heap_kb > 0);
    /* small blocks (the arenas, the sanitizers' size classes) and one large (mmapped) */
    enum { N = 256, SMALL = 8000 };
    char *small[N];
    for (int i = 0; i < N; i++) {
        small[i] = malloc(SMALL);
        assert_non_null(small[i]);
    }
    char *large = malloc(16 * MB);
    assert_non_null(large);
    ng_memory_use held = now();
    int64_t grew = held.heap_kb - before.heap_kb, asked = (N * SMALL + 16 * MB) / 1024;
    printf("heap %lld kB -> %lld kB (+%lld kB for %lld kB asked)\n", (long long)before.heap_kb,
           (long long)held.heap_kb, (long long)grew, (long long)asked);
    assert_true(grew >= asked);
    assert_true(grew < asked + 1024);   /* the allocators' rounding, not more */
    for (int i = 0; i < N; i++)
        free(small[i]);
    free(large);
    ng_memory_use after = now();
    assert_true(after.heap_kb < before.heap_kb + 256);
}

static void test_resident_follows_touched_pages(void **s)
{
    (void)s;
    /* mmapped by every allocator at this size: untouched it is not resident, touched it is */
    char *p = malloc(32 * MB);
    assert_non_null(p);
    ng_memory_use before = now();
    memset(p, 1, 32 * MB);
    ng_memory_use touched = now();
    printf("resident %lld kB -> %lld kB after touching 32 MB\n", (long long)before.rss_kb,
           (long long)touched.rss_kb);
    assert_true(before.rss_kb > 0);
    assert_true(touched.rss_kb - before.rss_kb >= 30 * 1024);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_heap_follows_allocations),
        cmocka_unit_test(test_resident_follows_touched_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
