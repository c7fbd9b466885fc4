/* YUV4MPEG2 (Y4M) files: 4:2:0, 4:2:2, 4:4:4 and mono, 8 bit. */
#ifndef NG_Y4M_H
#define NG_Y4M_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture/frame.h"
#include "util/errbuf.h"

typedef struct {
    FILE *f;
    const char *path;
    int width, height;
    int fps_num, fps_den;
    ng_pixfmt fmt;
    bool full_range;
    size_t frame_size;
    uint64_t frames;      /* frames read so far */
} y4m_reader;

/* Opens and parses the stream header; -1 with a message naming the file and value. */
int y4m_open(y4m_reader *r, const char *path, ng_errbuf *err);
/* The same on a stream already open (taken over: closed on error and by y4m_close); path names
 * it in messages. */
int y4m_open_stream(y4m_reader *r, FILE *f, const char *path, ng_errbuf *err);
/* Reads the next frame into a new frame: 1 on a frame, 0 at a clean end, -1 on error. */
int y4m_read(y4m_reader *r, ng_frame **out, ng_errbuf *err);
void y4m_close(y4m_reader *r);

typedef struct {
    FILE *f;
    size_t frame_size;
} y4m_writer;

int y4m_writer_open(y4m_writer *w, const char *path, ng_pixfmt fmt, int width, int height,
                    int fps_num, int fps_den, ng_errbuf *err);
int y4m_write(y4m_writer *w, const ng_frame *f);
int y4m_writer_close(y4m_writer *w);

#endif
