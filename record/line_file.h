/* An append-only file of JSON lines that is never left with half a line: lines are gathered
 * in memory and written whole; a write that fails part-way (a full disk) is cut back to the
 * last whole line. */
#ifndef NG_LINE_FILE_H
#define NG_LINE_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
    int fd;
    off_t good;        /* bytes on disk, all whole lines */
    char *buf;
    size_t len, cap;
    uint64_t lines;    /* lines written to disk */
    uint64_t pending;  /* lines in buf */
} line_file;

/* 0, or a negative errno. */
int line_file_open(line_file *lf, const char *path);
/* Adds one line (a newline is added when missing); written out when the buffer fills.
 * 0, or a negative errno from that write. */
int line_file_add(line_file *lf, const char *line);
/* Writes what is gathered; with sync, fsyncs too. 0, or a negative errno. */
int line_file_flush(line_file *lf, int sync);
void line_file_close(line_file *lf);

#endif
