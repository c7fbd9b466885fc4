/* needleguide as a service: make install / uninstall lay out and remove the expected files, the
 * installed unit passes systemd-analyze verify, the example configuration is valid, and the
 * daemon tells systemd it is ready, how it is, and feeds the watchdog. */
#include "test_bin.h"

#include <stdbool.h>
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

/* What the daemon told systemd's side of the notification socket while it ran. */
typedef struct {
    int ready, statuses, pings, stopping;
    int pings_before_ready;   /* the watchdog is fed from READY on, not during the start */
    bool stopping_before_ready;
    char streaming_status[256];
} told;

/* Runs the daemon headless on SOURCE for FRAMES with WATCHDOG_USEC=400000 (a ping every 200 ms),
 * listening to what it says. */
static void run_listening(const char *source, const char *frames, told *t)
{
    char path[100];
    snprintf(path, sizeof path, "%.80s/notify.sock", out_dir);
    unlink(path);
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
        execl(BIN, BIN, "run", "--headless", "--source", source, "--frames", frames, (char *)NULL);
        _exit(127);
    }
    *t = (told){ 0 };
    int st;
    for (;;) {
        char msg[512];
        ssize_t n = recv(fd, msg, sizeof msg - 1, 0);
        if (n > 0) {
            msg[n] = '\0';
            t->ready += strstr(msg, "READY=1") != NULL;
            t->stopping += strstr(msg, "STOPPING=1") != NULL;
            if (strstr(msg, "WATCHDOG=1")) {
                t->pings++;
                t->pings_before_ready += !t->ready;
            }
            char *status = strstr(msg, "STATUS=");
            if (status) {
                t->statuses++;
                if (strstr(status, "streaming") && strstr(status, "fps"))
                    snprintf(t->streaming_status, sizeof t->streaming_status, "%s", status);
            }
            if (t->stopping && !t->ready)
                t->stopping_before_ready = true;
            continue;
        }
        if (waitpid(pid, &st, WNOHANG) == pid)
            break;
        ng_sleep_until_ns(ng_now_ns() + 10000000);
    }
    close(fd);
    print_message("READY %d, STATUS %d (\"%s\"), WATCHDOG %d (%d before READY), STOPPING %d\n",
                  t->ready, t->statuses, t->streaming_status, t->pings, t->pings_before_ready,
                  t->stopping);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

/* systemd's side of the notification socket: what the daemon says while it runs. */
static void test_tells_systemd(void **s)
{
    (void)s;
#ifndef NG_HAVE_SYSTEMD
    fprintf(stderr, "test_service: SKIPPED test_tells_systemd: built without libsystemd\n");
    skip();
#endif
    told t;
    run_listening("sim:1", "75", &t);
    assert_int_equal(t.ready, 1);
    assert_true(t.statuses >= 2);   /* with READY, then about once a second over 2.5 s */
    assert_true(t.streaming_status[0]);
    assert_true(t.pings >= 5);      /* every 200 ms over 2.5 s while processing is alive */
    assert_int_equal(t.pings_before_ready, 0);
    assert_int_equal(t.stopping, 1);
    assert_false(t.stopping_before_ready);
}

/* A source that streams but whose first frame is late (a slow first draw is the same for the
 * main loop): not READY before a frame is shown, and no WATCHDOG=1 before READY, so systemd's
 * start timeout, not the watchdog, covers the start. A named pipe holds the frames back. */
static void test_watchdog_waits_for_ready(void **s)
{
    (void)s;
#ifndef NG_HAVE_SYSTEMD
    fprintf(stderr, "test_service: SKIPPED test_watchdog_waits_for_ready: "
                    "built without libsystemd\n");
    skip();
#endif
    char y4m[200], fifo[200], source[210];
    snprintf(y4m, sizeof y4m, "%.150s/late.y4m", out_dir);
    /* named .y4m: a file of another name is sniffed for Y4M first, which reads a pipe's start */
    snprintf(fifo, sizeof fifo, "%.150s/late-pipe.y4m", out_dir);
    snprintf(source, sizeof source, "file:%s", fifo);
    assert_int_equal(sh(NULL, 0, "%s simulate --seed 2 --frames 20 --out %s --truth %s/late.jsonl "
                        ">/dev/null", BIN, y4m, out_dir), 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t writer = fork();
    if (writer == 0) {   /* the header at once, the frames 1.5 s later */
        alarm(60);       /* not left waiting for a reader if the daemon failed to start */
        FILE *in = fopen(y4m, "rb"), *out = fopen(fifo, "wb");
        if (!in || !out)
            _exit(1);
        int c;
        while ((c = getc(in)) != EOF && putc(c, out) != EOF && c != '\n') {}
        fflush(out);
        ng_sleep_until_ns(ng_now_ns() + 1500000000LL);
        char buf[65536];
        for (size_t n; (n = fread(buf, 1, sizeof buf, in)) > 0;)
            if (fwrite(buf, 1, n, out) != n)
                _exit(1);
        _exit(fclose(out) == 0 ? 0 : 1);
    }
    told t;
    run_listening(source, "20", &t);
    int ws;
    assert_int_equal(waitpid(writer, &ws, 0), writer);
    assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
    assert_int_equal(t.ready, 1);
    assert_true(t.statuses >= 2);   /* the wait is told about, once a second */
    assert_int_equal(t.pings_before_ready, 0);
    assert_true(t.pings >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_install_and_uninstall),
        cmocka_unit_test(test_unit_verifies),
        cmocka_unit_test(test_tells_systemd),
        cmocka_unit_test(test_watchdog_waits_for_ready),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, setup, NULL));
}
