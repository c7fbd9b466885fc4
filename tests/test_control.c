/* The control socket: the protocol's parser, the server's bounds (garbage, over-long lines, too
 * many clients, a client that never reads) and its peer-credential check, in process; then the
 * daemon itself driven through `needleguide ctl`: every command, SIGHUP with a good and a bad
 * configuration, SIGTERM while recording. */
#include "test_bin.h"
#include "test_json.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "daemon/control.h"
#include "daemon/control_proto.h"
#include "util/clock.h"

static int setup(void **s)
{
    (void)s;
    bin_setup();
    return 0;
}

static void test_parse_requests(void **s)
{
    (void)s;
    control_request r;
    char why[256];
    assert_int_equal(control_parse("{\"cmd\":\"status\"}", &r, why, sizeof why), 0);
    assert_int_equal(r.cmd, CTL_STATUS);
    assert_int_equal(control_parse("{\"cmd\":\"phase\",\"args\":[\"prev\"]}", &r, why, sizeof why), 0);
    assert_int_equal(r.step, -1);
    assert_int_equal(control_parse("{\"cmd\":\"phase\",\"args\":[\"set\",\"withdraw\"]}", &r, why, sizeof why), 0);
    assert_int_equal(r.step, 0);
    assert_int_equal(r.phase, PHASE_WITHDRAW);
    assert_int_equal(control_parse("{\"cmd\":\"record\",\"args\":[\"stop\"]}", &r, why, sizeof why), 0);
    assert_false(r.on);
    assert_int_equal(control_parse("{\"cmd\":\"freeze\",\"args\":[\"on\"]}", &r, why, sizeof why), 0);
    assert_true(r.on);
    assert_int_equal(control_parse("{\"cmd\":\"snapshot\",\"args\":[\"/tmp/a.png\"]}", &r, why, sizeof why), 0);
    assert_string_equal(r.path, "/tmp/a.png");
    assert_int_equal(control_parse("{\"cmd\":\"plan\",\"args\":[\"set\"],\"plan\":{\"entry\":[1,2],"
                                   "\"l4_target\":[300,301.5],\"l5_target\":[250,260]}}", &r, why, sizeof why), 0);
    assert_true(r.plan.l4_target.y == 301.5 && r.plan.tolerance_mm == 0);
    static const char *const bad[][2] = {
        { "garbage", "not a JSON object" },
        { "[1,2]", "not a JSON object" },
        { "{\"args\":[]}", "expected {\"cmd\"" },
        { "{\"cmd\":\"reboot\"}", "unknown command 'reboot'" },
        { "{\"cmd\":\"status\",\"args\":[\"x\"]}", "unknown command 'status'" },
        { "{\"cmd\":\"phase\",\"args\":[\"set\",\"nowhere\"]}", "phase: expected" },
        { "{\"cmd\":\"record\",\"args\":[\"on\"]}", "record: expected start or stop" },
        { "{\"cmd\":\"freeze\",\"args\":\"on\"}", "\"args\": expected an array" },
        { "{\"cmd\":\"plan\",\"args\":[\"set\"],\"plan\":{\"entry\":[1]}}", "\"entry\": expected [x,y]" },
        { "{\"cmd\":\"plan\",\"args\":[\"set\"],\"plan\":{\"entry\":[1,2],\"l4_target\":[3,4],"
          "\"l5_target\":[5,\"x\"]}}", "\"l5_target\": expected" },
        { "{\"cmd\":\"snapshot\"}", "snapshot: expected a PNG path" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        why[0] = '\0';
        assert_int_equal(control_parse(bad[i][0], &r, why, sizeof why), -1);
        if (!strstr(why, bad[i][1]))
            fail_msg("'%s': '%s' does not say '%s'", bad[i][0], why, bad[i][1]);
    }
    char *argv[] = { "plan", "set", "{\"entry\":[1,2]}" };
    char *line = control_request_from_words(3, argv, why, sizeof why);
    assert_string_equal(line, "{\"cmd\":\"plan\",\"plan\":{\"entry\":[1,2]},\"args\":[\"set\"]}");
    free(line);
    char *bad_argv[] = { "plan", "set", "{oops" };
    assert_null(control_request_from_words(3, bad_argv, why, sizeof why));
}

/* ---- the server in process ---- */

static int handled;
static void echo_handler(void *ctx, const char *line, char *reply, size_t n)
{
    (void)ctx;
    handled++;
    snprintf(reply, n, "{\"ok\":true,\"len\":%zu}", strlen(line));
}

static int connect_to(const char *path)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Polls the server until fd has a whole reply line (or 2 s pass); the line in buf. */
static bool reply_of(control *c, int fd, char *buf, size_t n)
{
    size_t got = 0;
    int64_t until = ng_now_ns() + 2000000000LL;
    while (ng_now_ns() < until) {
        control_poll(c, echo_handler, NULL);
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 10) > 0) {
            ssize_t r = recv(fd, buf + got, n - 1 - got, MSG_DONTWAIT);
            if (r <= 0)
                break;
            got += (size_t)r;
            buf[got] = '\0';
            char *nl = strchr(buf, '\n');
            if (nl) {
                *nl = '\0';
                return true;
            }
        }
    }
    buf[got] = '\0';
    return false;
}

static control *open_server(const char *name, ng_control_config *cc)
{
    snprintf(cc->socket, sizeof cc->socket, "%.60s/%.40s", out_dir, name);
    ng_errbuf err = { 0 };
    control *c = control_open(cc, &err);
    if (!c)
        fail_msg("%s", err.text);
    return c;
}

static void test_server_bounds(void **s)
{
    (void)s;
    ng_control_config cc = { 0 };
    control *c = open_server("bounds.sock", &cc);
    struct stat st;
    assert_int_equal(stat(cc.socket, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0660);
    int fd = connect_to(cc.socket);
    char buf[8192];
    /* garbage, then a line longer than the bound, then a good line: the connection stays */
    assert_true(send(fd, "\x01\x02 garbage\n", 11, 0) == 11);
    assert_true(reply_of(c, fd, buf, sizeof buf));
    assert_string_equal(buf, "{\"ok\":true,\"len\":10}");   /* the handler judges garbage */
    static char longline[3 * CONTROL_LINE_MAX];
    memset(longline, 'x', sizeof longline - 1);
    longline[sizeof longline - 1] = '\n';
    for (size_t off = 0; off < sizeof longline;) {   /* the server reads while we write */
        ssize_t w = send(fd, longline + off, sizeof longline - off, MSG_DONTWAIT);
        if (w > 0)
            off += (size_t)w;
        control_poll(c, echo_handler, NULL);
    }
    assert_true(reply_of(c, fd, buf, sizeof buf));
    assert_string_equal(buf, "{\"ok\":false,\"error\":\"line too long\"}");
    assert_true(send(fd, "{\"cmd\":\"status\"}\n", 17, 0) == 17);
    assert_true(reply_of(c, fd, buf, sizeof buf));
    assert_string_equal(buf, "{\"ok\":true,\"len\":16}");
    assert_true(send(fd, "a\0b\n", 4, 0) == 4);
    assert_true(reply_of(c, fd, buf, sizeof buf));
    assert_string_equal(buf, "{\"ok\":false,\"error\":\"not text\"}");

    /* clients beyond the bound are told and closed; the others stay */
    int more[CONTROL_MAX_CLIENTS];
    for (int i = 0; i < CONTROL_MAX_CLIENTS - 1; i++)
        more[i] = connect_to(cc.socket);
    control_poll(c, echo_handler, NULL);
    assert_int_equal(control_clients(c), CONTROL_MAX_CLIENTS);
    int extra = connect_to(cc.socket);
    assert_true(reply_of(c, extra, buf, sizeof buf));
    assert_string_equal(buf, "{\"ok\":false,\"error\":\"too many clients\"}");
    close(extra);
    for (int i = 0; i < CONTROL_MAX_CLIENTS - 1; i++)
        close(more[i]);

    /* a client that sends and never reads: dropped once its replies pile up, while the poll
     * itself never waits */
    int lazy = connect_to(cc.socket);
    int rcv = 4096;
    setsockopt(lazy, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv);
    const char req[] = "{\"cmd\":\"status\"}\n";
    int64_t worst = 0;
    bool dropped = false;
    for (int i = 0; i < 100000 && !dropped; i++) {
        if (send(lazy, req, sizeof req - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN)
            dropped = true;   /* the server hung up */
        int64_t t0 = ng_now_ns();
        control_poll(c, echo_handler, NULL);
        int64_t dt = ng_now_ns() - t0;
        if (dt > worst)
            worst = dt;
        if (control_clients(c) == 1)   /* only the first client is left */
            dropped = true;
    }
    print_message("a client that never reads: dropped %s; longest poll %.2f ms\n",
                  dropped ? "yes" : "no", worst / 1e6);
    assert_true(dropped);
    close(lazy);
    close(fd);
    control_close(c);
    assert_int_equal(stat(cc.socket, &st), -1);   /* removed */
}

/* One request as another user (uid, gid) from a child; the reply it got, or "" (could not
 * connect: the file's mode). Polls the server meanwhile. */
static void ask_as(control *c, const char *sock_path, unsigned uid, unsigned gid, char *got, size_t n)
{
    int sv[2];
    assert_int_equal(pipe(sv), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(uid) < 0)
            _exit(3);
        int fd = connect_to(sock_path);
        if (fd < 0)
            _exit(0);   /* nothing written: refused by the file's mode */
        if (send(fd, "{\"cmd\":\"status\"}\n", 17, MSG_NOSIGNAL) < 0) {
            /* refused ones may be closed already: the reply is still there */
        }
        char buf[256];
        ssize_t k = 0, r;
        while ((r = recv(fd, buf + k, sizeof buf - 1 - (size_t)k, 0)) > 0 &&
               !memchr(buf, '\n', (size_t)(k + r)))
            k += r;
        k += r > 0 ? r : 0;
        if (write(sv[1], buf, (size_t)k) < 0)
            _exit(5);
        _exit(0);
    }
    close(sv[1]);
    size_t k = 0;
    got[0] = '\0';
    int64_t until = ng_now_ns() + 3000000000LL;
    while (ng_now_ns() < until && !strchr(got, '\n')) {
        control_poll(c, echo_handler, NULL);
        struct pollfd p = { .fd = sv[0], .events = POLLIN };
        if (poll(&p, 1, 10) > 0) {
            ssize_t r = read(sv[0], got + k, n - 1 - k);
            if (r <= 0)
                break;
            k += (size_t)r;
            got[k] = '\0';
        }
    }
    int st;
    waitpid(pid, &st, 0);
    close(sv[0]);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    *strchrnul(got, '\n') = '\0';
}

/* SO_PEERCRED: uid 4242 is let in, 4243 is not (the socket opened to everyone so that only the
 * credential check stands in the way); with allow_group, the socket is the group's and its
 * members are let in through the file's own mode. Needs root to take other uids. */
static void test_peer_credentials(void **s)
{
    (void)s;
    if (getuid() != 0) {
        fprintf(stderr, "test_control: SKIPPED test_peer_credentials: needs root to setuid\n");
        skip();
    }
    const char *ok = "{\"ok\":true,\"len\":16}", *denied = "{\"ok\":false,\"error\":\"permission denied\"}";
    char got[256];
    chmod(out_dir, 0755);
    ng_control_config cc = { .allow_uid = { 4242 }, .nallow_uid = 1 };
    control *c = open_server("creds.sock", &cc);
    chmod(cc.socket, 0666);
    ask_as(c, cc.socket, 4242, 4242, got, sizeof got);
    assert_string_equal(got, ok);
    ask_as(c, cc.socket, 4243, 4243, got, sizeof got);
    assert_string_equal(got, denied);
    assert_int_equal(control_refused(c), 1);
    control_close(c);

    ng_control_config grp = { .has_group = true, .allow_gid = 4300, .allow_group = "4300" };
    c = open_server("group.sock", &grp);
    struct stat st;
    assert_int_equal(stat(grp.socket, &st), 0);
    assert_int_equal(st.st_gid, 4300);
    assert_int_equal(st.st_mode & 0777, 0660);
    ask_as(c, grp.socket, 4244, 4300, got, sizeof got);   /* a member */
    assert_string_equal(got, ok);
    ask_as(c, grp.socket, 4245, 4245, got, sizeof got);   /* not: the file's mode stops it */
    assert_string_equal(got, "");
    control_close(c);
}

/* `ctl --socket SOCKET WORDS`: its exit status, its stdout (the reply) in out. */
static int ctl_at(const char *socket, char *out, size_t n, const char *words)
{
    char cmd[1024], file[256];
    snprintf(file, sizeof file, "%s/reply.txt", out_dir);
    snprintf(cmd, sizeof cmd, "%s ctl --socket %s %s >%s", BIN, socket, words, file);
    int rc = sh(NULL, 0, "%s", cmd);
    FILE *f = fopen(file, "r");
    size_t k = f ? fread(out, 1, n - 1, f) : 0;
    out[k] = '\0';
    if (f)
        fclose(f);
    return rc;
}

/* `ctl --timeout`: a server that answers half a second late is waited for with --timeout 3 and
 * given up on with --timeout 0.2 (exit 1, saying so); a timeout that is not 0.1-3600 s is wrong
 * (exit 2, the value named). */
static void test_ctl_timeout(void **s)
{
    (void)s;
    char path[100], errs[4096];
    snprintf(path, sizeof path, "%.80s/slow.sock", out_dir);
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(lfd, 4), 0);
    pid_t server = fork();
    if (server == 0) {   /* two clients, each answered 0.5 s after its request */
        alarm(60);       /* not left waiting if the test failed first */
        for (int i = 0; i < 2; i++) {
            int c = accept(lfd, NULL, NULL);
            char line[256];
            if (c < 0 || recv(c, line, sizeof line, 0) <= 0)
                _exit(1);
            ng_sleep_until_ns(ng_now_ns() + 500000000LL);
            const char *reply = "{\"ok\":true,\"slow\":true}\n";
            send(c, reply, strlen(reply), MSG_NOSIGNAL);
            close(c);
        }
        _exit(0);
    }
    close(lfd);
    assert_int_equal(sh(errs, sizeof errs, "%s ctl --socket %s --timeout 0.2 status >/dev/null",
                        BIN, path), 1);
    assert_non_null(strstr(errs, "no reply within the timeout (--timeout)"));
    char out[256];
    assert_int_equal(ctl_at(path, out, sizeof out, "--timeout 3 status"), 0);
    assert_non_null(strstr(out, "\"slow\":true"));
    int st;
    assert_int_equal(waitpid(server, &st, 0), server);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    for (const char *const *bad = (const char *const[]){ "0", "0.05", "3601", "soon", "5s", NULL };
         *bad; bad++) {
        assert_int_equal(sh(errs, sizeof errs, "%s ctl --socket %s --timeout %s status", BIN, path,
                            *bad), 2);
        char want[80];
        snprintf(want, sizeof want, "--timeout '%s': expected seconds, 0.1 to 3600", *bad);
        assert_non_null(strstr(errs, want));
    }
}

/* ---- the daemon ---- */

static char sock[200], conf[200], rec_dir[200];
static pid_t daemon_pid;   /* running, not yet waited for */

/* A failed assertion leaves the test midway: the daemon must not outlive it. */
static int stop_daemon(void **s)
{
    (void)s;
    if (daemon_pid > 0) {
        kill(daemon_pid, SIGKILL);
        waitpid(daemon_pid, NULL, 0);
        daemon_pid = 0;
    }
    return 0;
}

static pid_t start_daemon(const char *tel)
{
    pid_t pid = fork();
    if (pid == 0) {
        char errf[256];
        snprintf(errf, sizeof errf, "%s/daemon.err", out_dir);
        int fd = open(errf, O_WRONLY | O_CREAT | O_APPEND, 0644);
        dup2(fd, 2);
        execl(BIN, BIN, "run", "--headless", "--config", conf, "--telemetry", tel, (char *)NULL);
        _exit(127);
    }
    daemon_pid = pid;
    /* up once the socket answers */
    for (int i = 0; i < 200; i++) {
        char out[4096];
        if (sh(out, sizeof out, "%s ctl --socket %s status >/dev/null", BIN, sock) == 0)
            return pid;
        ng_sleep_until_ns(ng_now_ns() + 50000000);
    }
    fail_msg("the daemon's control socket did not answer");
    return pid;
}

/* `ctl WORDS` against the daemon: its exit status, its stdout (the reply) in out. */
static int ctl(char *out, size_t n, const char *words)
{
    return ctl_at(sock, out, n, words);
}

static json_object *status(void)
{
    char out[8192];
    assert_int_equal(ctl(out, sizeof out, "status"), 0);
    json_object *o = json_tokener_parse(out);
    assert_non_null(o);
    return o;
}

static const char *phase_now(json_object *st)
{
    return json_object_get_string(json_object_object_get(st, "phase"));
}

static void test_daemon_commands(void **s)
{
    (void)s;
    snprintf(sock, sizeof sock, "%s/control.sock", out_dir);
    snprintf(conf, sizeof conf, "%s/daemon.conf", out_dir);
    snprintf(rec_dir, sizeof rec_dir, "%s/sessions", out_dir);
    char text[1024], out[8192], tel[256];
    snprintf(text, sizeof text, "[control]\nsocket = %s\n[record]\ndir = %s\n", sock, rec_dir);
    test_write_file(conf, text);
    snprintf(tel, sizeof tel, "%s/daemon.jsonl", out_dir);
    pid_t pid = start_daemon(tel);

    json_object *st = status();
    assert_string_equal(json_object_get_string(json_object_object_get(st, "state")), "streaming");
    assert_false(json_object_get_boolean(json_object_object_get(st, "frozen")));
    /* its memory: the resident set the kernel counts for it, a heap holding at least its
     * frames (the simulator's 640x480 in several mailboxes and the screen) */
    json_object *mem = json_object_object_get(st, "memory");
    int64_t rss = json_object_get_int64(json_object_object_get(mem, "rss_kb"));
    int64_t heap = json_object_get_int64(json_object_object_get(mem, "heap_kb"));
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *proc = fopen(path, "r");
    assert_non_null(proc);
    long long vm_rss = -1;
    while (fgets(line, sizeof line, proc))
        sscanf(line, "VmRSS: %lld", &vm_rss);
    fclose(proc);
    printf("daemon: rss %lld kB (VmRSS %lld kB), heap %lld kB\n", (long long)rss, vm_rss,
           (long long)heap);
    assert_true(rss > 0.8 * vm_rss && rss < 1.25 * vm_rss);
    assert_true(heap >= 1024);
    json_object_put(st);

    /* Frozen, the screen holds a frame processed before the change: the status still tells
     * the phase the procedure is in now (it read the held frame's once, and said idle). */
    assert_int_equal(ctl(out, sizeof out, "freeze on"), 0);
    st = status();
    assert_true(json_object_get_boolean(json_object_object_get(st, "frozen")));
    json_object_put(st);
    assert_int_equal(ctl(out, sizeof out, "phase set withdraw"), 0);
    st = status();
    assert_string_equal(phase_now(st), "withdraw");
    json_object_put(st);
    assert_int_equal(ctl(out, sizeof out, "phase prev"), 0);
    st = status();
    assert_string_equal(phase_now(st), "l4_at_target");
    json_object_put(st);
    assert_int_equal(ctl(out, sizeof out, "phase next"), 0);
    assert_int_equal(ctl(out, sizeof out, "phase set withdraw"), 2);   /* already there */
    assert_non_null(strstr(out, "already in that phase"));
    assert_int_equal(ctl(out, sizeof out, "phase sideways"), 2);
    assert_non_null(strstr(out, "\"ok\":false"));
    assert_int_equal(ctl(out, sizeof out, "freeze off"), 0);

    char png[256], words[400];
    snprintf(png, sizeof png, "%s/ctl-snapshot.png", out_dir);
    snprintf(words, sizeof words, "snapshot %s", png);
    assert_int_equal(ctl(out, sizeof out, words), 0);
    assert_int_equal(access(png, R_OK), 0);
    assert_int_equal(ctl(out, sizeof out, "snapshot /proc/nope/x.png"), 2);

    assert_int_equal(ctl(out, sizeof out, "plan set '{\"entry\":[160,36],\"l4_target\":[400,330],"
                                          "\"l5_target\":[350,350]}'"), 0);
    assert_int_equal(ctl(out, sizeof out, "plan set '{\"entry\":[160,36],\"l4_target\":[0,0],"
                                          "\"l5_target\":[350,350]}'"), 2);
    assert_non_null(strstr(out, "outside [image] roi"));

    assert_int_equal(ctl(out, sizeof out, "record start"), 0);
    st = status();
    json_object *r = json_object_object_get(st, "recording");
    assert_true(json_object_get_boolean(json_object_object_get(r, "active")));
    char session[512];
    snprintf(session, sizeof session, "%s", json_object_get_string(json_object_object_get(r, "dir")));
    json_object_put(st);
    assert_int_equal(ctl(out, sizeof out, "record start"), 2);
    assert_non_null(strstr(out, "already recording"));
    ng_sleep_until_ns(ng_now_ns() + 1000000000LL);
    assert_int_equal(ctl(out, sizeof out, "record stop"), 0);
    char file[700];
    snprintf(file, sizeof file, "%s/session.json", session);
    json_object *js = json_object_from_file(file);
    assert_non_null(js);
    assert_string_equal(json_object_get_string(json_object_object_get(js, "end_reason")),
                        "stopped by the control socket");
    json_object_put(js);

    /* SIGHUP: a bad file changes nothing (file:line in the log), a good one moves the plan */
    char errs[8192];
    test_write_file(conf, "[control]\nsocket = /tmp/x.sock\n[plan]\nl4_target = 9999,1\n");
    kill(pid, SIGHUP);
    ng_sleep_until_ns(ng_now_ns() + 400000000LL);
    snprintf(file, sizeof file, "%s/daemon.err", out_dir);
    FILE *f = fopen(file, "r");
    size_t k = fread(errs, 1, sizeof errs - 1, f);
    errs[k] = '\0';
    fclose(f);
    assert_non_null(strstr(errs, "daemon.conf:4: [plan] l4_target"));
    assert_non_null(strstr(errs, "the running configuration stays"));
    assert_int_equal(ctl(out, sizeof out, "status"), 0);   /* still there, same socket */
    snprintf(text, sizeof text, "[control]\nsocket = %s\n[record]\ndir = %s\n[plan]\n"
             "l4_target = 420,330\n", sock, rec_dir);
    test_write_file(conf, text);
    kill(pid, SIGHUP);
    ng_sleep_until_ns(ng_now_ns() + 400000000LL);
    assert_int_equal(ctl(out, sizeof out, "status"), 0);
    int n;
    json_object **ev = read_jsonl_lines(tel, &n, false);
    bool reloaded = false;
    for (int i = 0; i < n; i++) {
        json_object *e = json_object_object_get(ev[i], "event");
        json_object *l4 = json_object_object_get(ev[i], "l4_target");
        if (e && !strcmp(json_object_get_string(e), "plan") && l4 &&
            json_object_get_double(json_object_array_get_idx(l4, 0)) == 420)
            reloaded = true;
    }
    free_jsonl(ev, n);
    assert_true(reloaded);

    /* SIGTERM while recording: the recording is finished, not cut */
    assert_int_equal(ctl(out, sizeof out, "record start"), 0);
    st = status();
    snprintf(session, sizeof session, "%s",
             json_object_get_string(json_object_object_get(json_object_object_get(st, "recording"), "dir")));
    json_object_put(st);
    ng_sleep_until_ns(ng_now_ns() + 1500000000LL);
    kill(pid, SIGTERM);
    int ws;
    waitpid(pid, &ws, 0);
    daemon_pid = 0;
    assert_true(WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), 0);
    snprintf(file, sizeof file, "%s/session.json", session);
    js = json_object_from_file(file);
    assert_string_equal(json_object_get_string(json_object_object_get(js, "end_reason")),
                        "stopped: signal");
    json_object_put(js);
    snprintf(file, sizeof file, "%s/raw.mkv", session);
    /* finished: the index and the duration are written (a cut file has none) */
    assert_int_equal(sh(out, sizeof out, "ffprobe -v error -show_entries format=duration -of csv=p=0 "
                        "%s | grep -qv N/A", file), 0);
    assert_int_equal(access(sock, F_OK), -1);   /* the socket is removed */

    /* a socket that cannot be made: bad input, exit 2 with the path and why */
    char bad[256];
    snprintf(bad, sizeof bad, "%s/bad.conf", out_dir);
    test_write_file(bad, "[control]\nsocket = /proc/no/such/control.sock\n");
    assert_int_equal(sh(errs, sizeof errs, "%s run --headless --frames 5 --config %s", BIN, bad), 2);
    assert_non_null(strstr(errs, "control: /proc/no/such/control.sock: No such file or directory"));
    test_write_file(bad, "[control]\nsocket = relative.sock\n");
    assert_int_equal(sh(errs, sizeof errs, "%s check-config %s", BIN, bad), 2);
    assert_non_null(strstr(errs, "bad.conf:2: [control] socket: expected an absolute path"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_requests),
        cmocka_unit_test(test_server_bounds),
        cmocka_unit_test(test_peer_credentials),
        cmocka_unit_test(test_ctl_timeout),
        cmocka_unit_test_teardown(test_daemon_commands, stop_daemon),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, setup, NULL));
}
