#include "record/line_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LINE_BUFFER (64 * 1024)

int line_file_open(line_file *lf, const char *path)
{
    memset(lf, 0, sizeof *lf);
    lf->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
    if (lf->fd < 0)
        return -errno;
    lf->buf = malloc(LINE_BUFFER);
    if (!lf->buf) {
        close(lf->fd);
        lf->fd = -1;
        return -ENOMEM;
    }
    lf->cap = LINE_BUFFER;
    return 0;
}

int line_file_flush(line_file *lf, int sync)
{
    size_t done = 0;
    while (done < lf->len) {
        ssize_t n = write(lf->fd, lf->buf + done, lf->len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : ENOSPC;
            /* part of a line may be on disk: cut back to the last whole one */
            if (ftruncate(lf->fd, lf->good) < 0) {
                /* nothing more to do; the caller stops writing this file */
            }
            lf->len = 0;
            lf->pending = 0;
            return -e;
        }
        done += (size_t)n;
    }
    lf->good += (off_t)lf->len;
    lf->lines += lf->pending;
    lf->len = 0;
    lf->pending = 0;
    if (sync && fsync(lf->fd) < 0)
        return -errno;
    return 0;
}

int line_file_add(line_file *lf, const char *line)
{
    size_t n = strlen(line);
    int newline = n == 0 || line[n - 1] != '\n';
    if (lf->len + n + 1 > lf->cap) {
        int rc = line_file_flush(lf, 0);
        if (rc < 0)
            return rc;
        if (n + 1 > lf->cap) {   /* a line longer than the buffer: grow it */
            char *b = realloc(lf->buf, n + 1);
            if (!b)
                return -ENOMEM;
            lf->buf = b;
            lf->cap = n + 1;
        }
    }
    memcpy(lf->buf + lf->len, line, n);
    lf->len += n;
    if (newline)
        lf->buf[lf->len++] = '\n';
    lf->pending++;
    return 0;
}

void line_file_close(line_file *lf)
{
    if (lf->fd >= 0)
        close(lf->fd);
    lf->fd = -1;
    free(lf->buf);
    lf->buf = NULL;
}
