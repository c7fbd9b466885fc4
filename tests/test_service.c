/* needleguide as a service: make install / uninstall lay out and remove the expected files, the
 * installed unit passes systemd-analyze verify, the example configuration is valid, and the
 * daemon tells systemd it is ready, how it is, and feeds the watchdog. */
#include "test_bin.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "util/clock.h"

static int setup(void **s)
{
    (void)s;
    bin_setup();
    return 0;
}

static void expect_file(const char *root, const char *path, mode_t mode)
{
    char full[600];
    snprintf(full, sizeof full, "%s%s", root, path);
    struct stat st;
    if (stat(full, &st) < 0)
        fail_msg("%s: not installed", full);
    if ((st.st_mode & 0777) != mode)
        fail_msg("%s: mode %o, expected %o", full, st.st_mode & 0777, mode);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void test_install_and_uninstall(void **s)
{
    (void)s;
    char root[256], err[4096], path[600];
    snprintf(root, sizeof root, "%s/destdir", out_dir);
    const char *make = "make --no-print-directory -s BUILD=" NG_BUILD_DIR " PREFIX=/usr";
    assert_int_equal(sh(err, sizeof err, "%s DESTDIR=%s install >/dev/null", make, root), 0);
    expect_file(root, "/usr/bin/needleguide", 0755);
    expect_file(root, "/usr/lib/systemd/system/needleguide.service", 0644);
    expect_file(root, "/usr/lib/sysusers.d/needleguide.conf", 0644);
    expect_file(root, "/usr/share/man/man8/needleguide.8", 0644);
    expect_file(root, "/usr/share/doc/needleguide/README.md", 0644);
    expect_file(root, "/etc/needleguide/needleguide.conf", 0644);
    snprintf(path, sizeof path, "%s/usr/lib/systemd/system/needleguide.service", root);
    const char *unit = slurp(path);
    assert_non_null(strstr(unit, "ExecStart=/usr/bin/needleguide run --config /etc/needleguide/needleguide.conf\n"));
    assert_non_null(strstr(unit, "Type=notify\n"));
    assert_null(strstr(unit, "DIR@"));   /* every placeholder filled */
    /* the site's configuration survives a reinstall and an uninstall */
    snprintf(path, sizeof path, "%s/etc/needleguide/needleguide.conf", root);
    test_write_file(path, "[capture]\nsource = v4l2:/dev/video3\n");
    assert_int_equal(sh(err, sizeof err, "%s DESTDIR=%s install >/dev/null", make, root), 0);
    assert_string_equal(slurp(path), "[capture]\nsource = v4l2:/dev/video3\n");
    assert_int_equal(sh(err, sizeof err, "%s DESTDIR=%s uninstall >/dev/null", make, root), 0);
    assert_int_equal(sh(err, sizeof err, "test \"$(find %s -type f)\" = %s", root, path), 0);
}

static void test_unit_verifies(void **s)
{
    (void)s;
    if (system("command -v systemd-analyze >/dev/null") != 0) {
        fprintf(stderr, "test_service: SKIPPED test_unit_verifies: systemd-analyze is missing "
                        "(scripts/deps.sh installs systemd)\n");
        skip();
    }
    /* installed where the unit's ExecStart can find the binary, so verify checks it all */
    char prefix[256], err[4096];
    snprintf(prefix, sizeof prefix, "%s/prefix", out_dir);
    assert_int_equal(sh(err, sizeof err, "make --no-print-directory -s BUILD=%s PREFIX=%s "
                        "SYSCONFDIR=%s/etc install >/dev/null", NG_BUILD_DIR, prefix, prefix), 0);
    int rc = sh(err, sizeof err, "MANPATH=%s/share/man systemd-analyze verify "
                "%s/lib/systemd/system/needleguide.service", prefix, prefix);
    if (rc != 0)
        fail_msg("systemd-analyze verify: %s", err);
    /* the service's own start check passes on the example configuration (with its warning) */
    assert_int_equal(sh(err, sizeof err, "%s/bin/needleguide check-config %s/etc/needleguide/"
                        "needleguide.conf >/dev/null", prefix, prefix), 0);
    assert_non_null(strstr(err, "without any mask"));
}

/* systemd's side of the notification socket: what the daemon says while it runs. */
static void test_tells_systemd(void **s)
{
    (void)s;
#ifndef NG_HAVE_SYSTEMD
    fprintf(stderr, "test_service: SKIPPED test_tells_systemd: built without libsystemd\n");
    skip();
#endif
    char path[100];
    snprintf(path, sizeof path, "%.80s/notify.sock", out_dir);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    pid_t pid = fork();
    if (pid == 0) {
        setenv("NOTIFY_SOCKET", path, 1);
        setenv("WATCHDOG_USEC", "400000", 1);
        if (!freopen("/dev/null", "w", stderr))
            _exit(126);
        execl(BIN, BIN, "run", "--headless", "--frames", "75", (char *)NULL);
        _exit(127);
    }
    int ready = 0, statuses = 0, pings = 0, stopping = 0, order_ok = 1;
    char streaming_status[256] = "";
    int st;
    for (;;) {
        char msg[512];
        ssize_t n = recv(fd, msg, sizeof msg - 1, 0);
        if (n > 0) {
            msg[n] = '\0';
            ready += strstr(msg, "READY=1") != NULL;
            stopping += strstr(msg, "STOPPING=1") != NULL;
            pings += strstr(msg, "WATCHDOG=1") != NULL;
            char *status = strstr(msg, "STATUS=");
            if (status) {
                statuses++;
                if (strstr(status, "streaming") && strstr(status, "fps"))
                    snprintf(streaming_status, sizeof streaming_status, "%s", status);
            }
            if (stopping && !ready)
                order_ok = 0;
            continue;
        }
        if (waitpid(pid, &st, WNOHANG) == pid)
            break;
        ng_sleep_until_ns(ng_now_ns() + 10000000);
    }
    close(fd);
    print_message("READY %d, STATUS %d (\"%s\"), WATCHDOG %d, STOPPING %d\n", ready, statuses,
                  streaming_status, pings, stopping);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    assert_int_equal(ready, 1);
    assert_true(statuses >= 2);   /* with READY, then about once a second over 2.5 s */
    assert_true(streaming_status[0]);
    assert_true(pings >= 5);      /* every 200 ms over 2.5 s while processing is alive */
    assert_int_equal(stopping, 1);
    assert_true(order_ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_install_and_uninstall),
        cmocka_unit_test(test_unit_verifies),
        cmocka_unit_test(test_tells_systemd),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, setup, NULL));
}
