/* A captured frame as a picture for the video writer: its planes as they are, in the matching
 * FFmpeg format; a JPEG (MJPEG cards) decoded first, with FFmpeg's decoder. */
#ifndef NG_FRAME_IMAGE_H
#define NG_FRAME_IMAGE_H

#include "capture/frame.h"
#include "record/video_writer.h"

typedef struct {
    struct AVCodecContext *jpeg;
    struct AVPacket *pkt;
    struct AVFrame *decoded;
} frame_imager;

/* 0, or -1 for a JPEG that does not decode. out points into f (or the imager) until the next
 * call. */
int frame_image(frame_imager *fi, const ng_frame *f, video_image *out);
void frame_imager_free(frame_imager *fi);

#endif
