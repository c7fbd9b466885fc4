/* The fuzz targets (tests/fuzz/targets.h) over their seed corpus and every input a fuzzer ever
 * crashed on (kept in the same folders as crash-*): in make check, plain and under ASan+UBSan,
 * so what was once found stays fixed. make fuzz runs the targets under libFuzzer. */
#include <dirent.h>
#include <sys/stat.h>

#include "test_util.h"

#include "fuzz/targets.h"

#define CORPUS "tests/fuzz/corpus"

/* Runs fn over every file of CORPUS/name; the number of files. */
static int replay(const char *name, int (*fn)(const uint8_t *, size_t))
{
    char dir[256];
    snprintf(dir, sizeof dir, CORPUS "/%s", name);
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        struct stat st;
        assert_int_equal(fstat(fileno(f), &st), 0);
        uint8_t *buf = malloc((size_t)st.st_size + 1);
        assert_non_null(buf);
        assert_int_equal(fread(buf, 1, (size_t)st.st_size, f), (size_t)st.st_size);
        fclose(f);
        fn(buf, (size_t)st.st_size);
        /* every prefix too: inputs cut short are what a fuzzer tries first */
        for (size_t k = 0; k < (size_t)st.st_size; k += 1 + (size_t)st.st_size / 16)
            fn(buf, k);
        free(buf);
        n++;
    }
    closedir(d);
    printf("%s: %d inputs\n", name, n);
    return n;
}

static void test_config_corpus(void **s)
{
    (void)s;
    assert_true(replay("config", fuzz_config) >= 4);
}

static void test_control_corpus(void **s)
{
    (void)s;
    assert_true(replay("control", fuzz_control) >= 6);
}

static void test_y4m_corpus(void **s)
{
    (void)s;
    assert_true(replay("y4m", fuzz_y4m) >= 5);
}

static void test_mjpeg_corpus(void **s)
{
    (void)s;
    assert_true(replay("mjpeg", fuzz_mjpeg) >= 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_corpus),
        cmocka_unit_test(test_control_corpus),
        cmocka_unit_test(test_y4m_corpus),
        cmocka_unit_test(test_mjpeg_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
