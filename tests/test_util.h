/* Shared helpers for the cmocka tests. */
#ifndef NG_TEST_UTIL_H
#define NG_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <math.h>
#include <sys/wait.h>

#include <cmocka.h>

/* A fresh temporary directory for one test program, removed by the caller via rm -rf. */
static inline const char *test_tmpdir(void)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/ng-test-XXXXXX");
        if (!mkdtemp(dir))
            abort();
    }
    return dir;
}

/* Removes the temporary directory; returns what a cmocka main should return. */
static inline int test_cleanup_tmpdir(int rc)
{
    if (getenv("NG_KEEP_TMP"))   /* kept for inspection after a failure */
        return rc;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", test_tmpdir());
    return system(cmd) != 0 ? 1 : rc;
}

static inline void test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

#endif
