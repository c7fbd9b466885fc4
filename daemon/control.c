#include "daemon/control.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon/control_proto.h"
#include "util/log.h"

typedef struct {
    int fd;                        /* -1: free */
    char in[CONTROL_LINE_MAX];
    size_t in_len;
    bool overlong;                 /* the line now coming is too long: skipped to its end */
    char *out;
    size_t out_len, out_cap;
} client;

struct control {
    int fd;
    char path[sizeof ((struct sockaddr_un *)0)->sun_path];
    ng_control_config cfg;
    client cl[CONTROL_MAX_CLIENTS];
    uint64_t refused;
};

control *control_open(const ng_control_config *cc, ng_errbuf *err)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(cc->socket) >= sizeof sa.sun_path) {
        ng_err_add(err, "control: %s: path too long for a socket", cc->socket);
        return NULL;
    }
    control *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cfg = *cc;
    for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
        c->cl[i].fd = -1;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", cc->socket);
    snprintf(c->path, sizeof c->path, "%s", cc->socket);
    /* a socket left by a daemon that died is replaced; any other file is not touched */
    struct stat st;
    if (lstat(c->path, &st) == 0 && S_ISSOCK(st.st_mode))
        unlink(c->path);
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    mode_t old = umask(0117);   /* born 0660: no window in which others may connect */
    int rc = c->fd < 0 ? -1 : bind(c->fd, (struct sockaddr *)&sa, sizeof sa);
    umask(old);
    /* the socket's group is allow_group's, so its members can open it at all (0660); the
     * credential check comes on top of the file's mode */
    if (rc == 0 && cc->has_group && chown(c->path, (uid_t)-1, (gid_t)cc->allow_gid) < 0)
        NG_WARN("control", "%s: cannot give the socket to group %s: %s (is the daemon's user in "
                "it?)", c->path, cc->allow_group, strerror(errno));
    if (rc < 0 || chmod(c->path, 0660) < 0 || listen(c->fd, CONTROL_MAX_CLIENTS) < 0) {
        ng_err_add(err, "control: %s: %s", c->path, strerror(errno));
        if (c->fd >= 0)
            close(c->fd);
        free(c);
        return NULL;
    }
    return c;
}

/* The peer's user is root (who could stop or trace us anyway), ours, listed in allow_uid, or a
 * member of allow_group. */
static bool allowed(const control *c, const struct ucred *cr)
{
    if (cr->uid == 0 || cr->uid == getuid())
        return true;
    for (int i = 0; i < c->cfg.nallow_uid; i++)
        if (cr->uid == c->cfg.allow_uid[i])
            return true;
    if (!c->cfg.has_group)
        return false;
    if (cr->gid == c->cfg.allow_gid)
        return true;
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (getpwuid_r(cr->uid, &pw, buf, sizeof buf, &res) != 0 || !res)
        return false;
    gid_t groups[64];
    int n = 64;
    if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) < 0)
        return false;
    for (int i = 0; i < n; i++)
        if (groups[i] == c->cfg.allow_gid)
            return true;
    return false;
}

static void drop(client *k)
{
    close(k->fd);
    free(k->out);
    memset(k, 0, sizeof *k);
    k->fd = -1;
}

/* Refuses a connection with a reason (best effort: never waits). */
static void refuse(int fd, const char *why)
{
    char reply[256];
    control_error_reply(reply, sizeof reply - 1, why);
    strcat(reply, "\n");
    if (send(fd, reply, strlen(reply), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
        /* the peer is gone or not reading: it learns nothing more */
    }
    close(fd);
}

static void accept_new(control *c)
{
    for (;;) {
        int fd = accept4(c->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        struct ucred cr;
        socklen_t len = sizeof cr;
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0 || !allowed(c, &cr)) {
            c->refused++;
            NG_WARN("control", "refused a client: uid %u, gid %u, pid %d not allowed",
                    (unsigned)cr.uid, (unsigned)cr.gid, (int)cr.pid);
            refuse(fd, "permission denied");
            continue;
        }
        client *k = NULL;
        for (int i = 0; i < CONTROL_MAX_CLIENTS && !k; i++)
            if (c->cl[i].fd < 0)
                k = &c->cl[i];
        if (!k) {
            c->refused++;
            refuse(fd, "too many clients");
            continue;
        }
        k->fd = fd;
    }
}

/* Queues a reply line; false when the client has let too much pile up (it is dropped). */
static bool queue(client *k, const char *reply)
{
    size_t n = strlen(reply);
    if (k->out_len + n + 1 > CONTROL_OUT_MAX)
        return false;
    if (k->out_len + n + 1 > k->out_cap) {
        size_t cap = k->out_cap ? k->out_cap * 2 : 1024;
        while (cap < k->out_len + n + 1)
            cap *= 2;
        char *b = realloc(k->out, cap);
        if (!b)
            return false;
        k->out = b;
        k->out_cap = cap;
    }
    memcpy(k->out + k->out_len, reply, n);
    k->out[k->out_len + n] = '\n';
    k->out_len += n + 1;
    return true;
}

/* Sends what the socket takes now. False when the client is gone. */
static bool flush(client *k)
{
    while (k->out_len) {
        ssize_t n = send(k->fd, k->out, k->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        memmove(k->out, k->out + n, k->out_len - (size_t)n);
        k->out_len -= (size_t)n;
    }
    return true;
}

/* Reads what has come and answers each whole line. False when the client is to be dropped. */
static bool serve(client *k, control_handler h, void *ctx)
{
    char reply[8192];
    for (int reads = 0; reads < 16; reads++) {   /* a busy client cannot starve the others */
        ssize_t n = recv(k->fd, k->in + k->in_len, sizeof k->in - k->in_len, MSG_DONTWAIT);
        if (n == 0)
            return false;
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        k->in_len += (size_t)n;
        char *start = k->in, *nl;
        while ((nl = memchr(start, '\n', k->in_len - (size_t)(start - k->in)))) {
            *nl = '\0';
            if (k->overlong) {
                k->overlong = false;
                control_error_reply(reply, sizeof reply, "line too long");
            } else if (memchr(start, '\0', (size_t)(nl - start))) {
                control_error_reply(reply, sizeof reply, "not text");
            } else {
                h(ctx, start, reply, sizeof reply);
            }
            if (!queue(k, reply))
                return false;
            start = nl + 1;
        }
        size_t left = k->in_len - (size_t)(start - k->in);
        memmove(k->in, start, left);
        k->in_len = left;
        if (k->in_len == sizeof k->in) {   /* no newline in a whole buffer: skip to the end */
            k->overlong = true;
            k->in_len = 0;
        }
    }
    return true;
}

void control_poll(control *c, control_handler h, void *ctx)
{
    accept_new(c);
    for (int i = 0; i < CONTROL_MAX_CLIENTS; i++) {
        client *k = &c->cl[i];
        if (k->fd >= 0 && !(serve(k, h, ctx) && flush(k)))
            drop(k);
    }
}

int control_clients(const control *c)
{
    int n = 0;
    for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
        n += c->cl[i].fd >= 0;
    return n;
}

uint64_t control_refused(const control *c) { return c->refused; }

void control_close(control *c)
{
    if (!c)
        return;
    for (int i = 0; i < CONTROL_MAX_CLIENTS; i++)
        if (c->cl[i].fd >= 0)
            drop(&c->cl[i]);
    close(c->fd);
    unlink(c->path);
    free(c);
}
