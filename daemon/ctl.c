/* `needleguide ctl [--socket S] [--timeout SEC] CMD...`: one request to the running daemon's
 * control socket, its reply printed. Exit 0 when the daemon did it, 2 when it refused (bad
 * request, not allowed) or the command line is wrong, 1 when the daemon cannot be reached or
 * does not reply within the timeout. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <json-c/json.h>

#include "config/config.h"
#include "daemon/commands.h"
#include "daemon/control_proto.h"
#include "util/clock.h"

#define DEFAULT_SOCKET "/run/needleguide/control.sock"
#define REPLY_TIMEOUT_S 5.0

static void usage(FILE *f)
{
    fprintf(f, "usage: needleguide ctl [--socket PATH | --config F] [--timeout SEC] COMMAND [ARGS]\n"
               "  status | phase next|prev|set NAME | record start|stop\n"
               "  plan set '{\"entry\":[x,y],\"l4_target\":[x,y],\"l5_target\":[x,y]}'\n"
               "  freeze on|off | snapshot PATH.png\n"
               "  the socket: --socket, else [control] socket of --config, else %s\n"
               "  --timeout: how long to wait for the reply, 0.1 to 3600 s (default %.0f)\n",
            DEFAULT_SOCKET, REPLY_TIMEOUT_S);
}

/* Sends line and reads one reply line into reply, waiting up to timeout_s. 0, or -1 with the
 * reason printed. */
static int exchange(const char *path, const char *line, double timeout_s, char *reply, size_t n)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "needleguide: ctl: %s: path too long for a socket\n", path);
        return -1;
    }
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        fprintf(stderr, "needleguide: ctl: %s: %s (is the daemon running with [control] socket?)\n",
                path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    size_t len = strlen(line);
    char *msg = malloc(len + 2);
    memcpy(msg, line, len);
    msg[len] = '\n';
    ssize_t w = send(fd, msg, len + 1, MSG_NOSIGNAL);
    free(msg);
    size_t got = 0;
    int64_t until = ng_now_ns() + (int64_t)(timeout_s * 1e9);
    /* the reply, even when the send failed: a refusal is written before the daemon hangs up */
    bool timed_out = false;
    while (got < n - 1 && !memchr(reply, '\n', got)) {
        int left = (int)((until - ng_now_ns()) / 1000000);
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        int ready = left > 0 ? poll(&pfd, 1, left) : 0;
        timed_out = ready == 0;
        if (ready <= 0)
            break;
        ssize_t r = recv(fd, reply + got, n - 1 - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    reply[got] = '\0';
    char *nl = memchr(reply, '\n', got);
    if (nl)
        *nl = '\0';
    if (!nl) {
        fprintf(stderr, "needleguide: ctl: %s: no reply%s\n", path,
                w < 0       ? " (the daemon hung up)"
                : timed_out ? " within the timeout (--timeout)"
                            : "");
        return -1;
    }
    return 0;
}

int cmd_ctl(int argc, char **argv)
{
    static const struct option opts[] = {
        { "socket", required_argument, 0, 's' }, { "config", required_argument, 0, 'c' },
        { "timeout", required_argument, 0, 't' }, { "help", no_argument, 0, 'h' },
        { 0, 0, 0, 0 },
    };
    const char *sock = NULL, *conf = NULL;
    double timeout_s = REPLY_TIMEOUT_S;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case 's': sock = optarg; break;
        case 'c': conf = optarg; break;
        case 't': {
            char *end;
            errno = 0;
            timeout_s = strtod(optarg, &end);
            if (errno || end == optarg || *end || !(timeout_s >= 0.1 && timeout_s <= 3600)) {
                fprintf(stderr, "needleguide: ctl: --timeout '%s': expected seconds, 0.1 to 3600\n",
                        optarg);
                return 2;
            }
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    ng_config cfg;
    config_defaults(&cfg);
    if (!sock && conf) {
        ng_errbuf err = { 0 };
        if (config_load(conf, &cfg, &err) < 0) {
            fputs(err.text, stderr);
            return 2;
        }
        if (!cfg.control.socket[0]) {
            fprintf(stderr, "needleguide: ctl: %s: no [control] socket\n", conf);
            return 2;
        }
        sock = cfg.control.socket;
    }
    char why[256];
    char *line = control_request_from_words(argc - optind, argv + optind, why, sizeof why);
    if (!line) {
        fprintf(stderr, "needleguide: ctl: %s\n", why);
        return 2;
    }
    static char reply[65536];
    int rc = exchange(sock ? sock : DEFAULT_SOCKET, line, timeout_s, reply, sizeof reply);
    free(line);
    if (rc < 0)
        return 1;
    puts(reply);
    json_object *o = json_tokener_parse(reply), *ok;
    bool done = o && json_object_object_get_ex(o, "ok", &ok) && json_object_get_boolean(ok);
    json_object_put(o);
    return done ? 0 : 2;
}
