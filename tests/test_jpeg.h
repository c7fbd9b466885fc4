/* Encodes test images as JPEG with libjpeg (for the MJPEG paths). */
#ifndef NG_TEST_JPEG_H
#define NG_TEST_JPEG_H

#include <stdint.h>
#include <stdio.h>   /* jpeglib.h needs it first */

#include <jpeglib.h>

/* JPEG of a w x h ARGB8888 image (bytes B,G,R,A); *out is malloc'd, returns its size. */
static inline size_t test_encode_jpeg(const uint8_t *argb, int w, int h, uint8_t **out)
{
    struct jpeg_compress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    unsigned long size = 0;
    *out = NULL;
    jpeg_mem_dest(&cinfo, out, &size);
    cinfo.image_width = (JDIMENSION)w;
    cinfo.image_height = (JDIMENSION)h;
    cinfo.input_components = 3;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 95, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    uint8_t row[3 * 4096];
    while (cinfo.next_scanline < (JDIMENSION)h) {
        int y = (int)cinfo.next_scanline;
        for (int x = 0; x < w; x++)
            for (int k = 0; k < 3; k++)
                row[x * 3 + k] = argb[(y * w + x) * 4 + 2 - k];
        JSAMPROW r = row;
        jpeg_write_scanlines(&cinfo, &r, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return size;
}

#endif
