/* One video stream encoded into a Matroska file through FFmpeg: lossless FFV1 for the captured
 * frames, H.264 for the screen. The file is written through our own descriptor, so that
 * video_writer_sync can close the current cluster, push it out and fsync (after a kill -9 the
 * file plays up to the last sync), and a failing write reports its errno (ENOSPC, EIO, EFBIG). */
#ifndef NG_VIDEO_WRITER_H
#define NG_VIDEO_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include <libavutil/pixfmt.h>

#include "util/errbuf.h"
#include "util/geom.h"

typedef enum { VIDEO_LOSSLESS, VIDEO_H264 } video_kind;

/* One picture handed to the writer: up to four planes in any FFmpeg pixel format. */
typedef struct {
    const uint8_t *data[4];
    int linesize[4];
    enum AVPixelFormat fmt;
    int width, height;
    bool full_range;
    bool bt709;
} video_image;

typedef struct video_writer video_writer;

/* Creates path and opens the encoder for pictures like first (the stream keeps its size and
 * format; later pictures of another size are scaled to it). masks (frame pixels) are blacked out
 * in every picture. NULL with the reason in err; *err_no then holds the errno when a system
 * call failed (0 otherwise). */
video_writer *video_writer_open(const char *path, video_kind kind, const video_image *first,
                                double fps, const ng_rect *masks, int nmasks, ng_errbuf *err,
                                int *err_no);
/* Encodes one picture at pts_ms (must increase). 0, or a negative errno (the file is then
 * unusable: close it without finishing). */
int video_writer_put(video_writer *w, const video_image *img, int64_t pts_ms);
/* Ends the current cluster, writes it out and fsyncs. 0 or a negative errno. */
int video_writer_sync(video_writer *w);
/* finish: drains the encoder and writes the index (a clean stop); otherwise only closes.
 * Returns 0 or a negative errno. Frees w. */
int video_writer_close(video_writer *w, bool finish);

int64_t video_writer_frames(const video_writer *w);
const char *video_writer_codec(const video_writer *w);
/* The stream's size (even for H.264) and pixel format name. */
void video_writer_geometry(const video_writer *w, int *width, int *height, const char **pix);

/* Blacks out rects in a picture of format fmt (planar YUV, grey or 32-bit RGB), clipped to it;
 * chroma rows and columns are widened to cover the rect. */
void video_mask(uint8_t *const data[4], const int linesize[4], enum AVPixelFormat fmt,
                int width, int height, bool full_range, const ng_rect *rects, int n);

#endif
