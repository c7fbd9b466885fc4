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

/* Runs a shell command, its stderr kept in dir/stderr.txt and copied to err (if not NULL);
 * returns its exit status (-1 if it did not exit). */
static inline int test_vsh(const char *dir, char *err, size_t errlen, const char *fmt, va_list ap)
{
    char cmd[2048], errfile[256], full[2400];
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    snprintf(errfile, sizeof errfile, "%s/stderr.txt", dir);
    snprintf(full, sizeof full, "{ %s; } 2>%s", cmd, errfile);
    int st = system(full);
    if (err) {
        FILE *f = fopen(errfile, "r");
        size_t n = f ? fread(err, 1, errlen - 1, f) : 0;
        err[n] = '\0';
        if (f)
            fclose(f);
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static inline int test_sh(const char *dir, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static inline int test_sh(const char *dir, char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = test_vsh(dir, err, errlen, fmt, ap);
    va_end(ap);
    return rc;
}

#endif
