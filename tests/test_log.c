/* Logging: one line per message with its module, repeats folded and counted. */
#include "test_util.h"

#include <fcntl.h>

#include "util/log.h"

/* Runs fn with stderr going to a file; returns what was written (malloc'd). */
static char *captured(void (*fn)(void))
{
    char path[256];
    snprintf(path, sizeof path, "%s/log.txt", test_tmpdir());
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    close(fd);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    FILE *f = fopen(path, "r");
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strdup(buf);
}

static void storm(void)
{
    ng_log_set_target(NG_LOG_STDERR);
    ng_log_set_repeat_window(3600);
    NG_WARN("capture", "no signal on input %d", 3);
    for (int i = 0; i < 99; i++)
        NG_WARN("capture", "no signal on input %d", 3);
    NG_INFO("capture", "signal back");
    NG_INFO("capture", "signal back");
    ng_log_flush();
    NG_INFO("run", "done");
}

static void test_repeats_are_folded(void **s)
{
    (void)s;
    char *out = captured(storm);
    assert_string_equal(out,
                        "needleguide: capture: warning: no signal on input 3\n"
                        "needleguide: capture: warning: no signal on input 3 [repeated 99 more times]\n"
                        "needleguide: capture: signal back\n"
                        "needleguide: capture: signal back [repeated 1 more time]\n"
                        "needleguide: run: done\n");
    free(out);
}

/* With a window of 0 every repeat is said at once, with its count so far. */
static void windowed(void)
{
    ng_log_set_repeat_window(0);
    NG_ERROR("record", "disk full");
    NG_ERROR("record", "disk full");
    NG_ERROR("record", "disk full");
    ng_log_flush();
    ng_log_set_repeat_window(LOG_REPEAT_S);
}

static void test_repeats_said_once_per_window(void **s)
{
    (void)s;
    char *out = captured(windowed);
    assert_string_equal(out,
                        "needleguide: record: error: disk full\n"
                        "needleguide: record: error: disk full [repeated 1 more time]\n"
                        "needleguide: record: error: disk full [repeated 1 more time]\n");
    free(out);
}

/* Started by systemd (INVOCATION_ID) with stderr not a terminal: syslog, the journal; otherwise
 * stderr. */
static void test_target_follows_how_we_were_started(void **s)
{
    (void)s;
    char path[256];
    snprintf(path, sizeof path, "%s/not-a-tty", test_tmpdir());
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    close(fd);
    setenv("INVOCATION_ID", "0123456789abcdef", 1);
    ng_log_set_target(NG_LOG_AUTO);
    ng_log_target service = ng_log_current_target();
    unsetenv("INVOCATION_ID");
    ng_log_set_target(NG_LOG_AUTO);
    ng_log_target plain = ng_log_current_target();
    dup2(saved, 2);
    close(saved);
    assert_int_equal(service, NG_LOG_SYSLOG);
    assert_int_equal(plain, NG_LOG_STDERR);
    ng_log_set_target(NG_LOG_STDERR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeats_are_folded),
        cmocka_unit_test(test_repeats_said_once_per_window),
        cmocka_unit_test(test_target_follows_how_we_were_started),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, NULL, NULL));
}
