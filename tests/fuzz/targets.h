/* The fuzz targets' bodies: each takes any bytes and must neither crash, leak nor trip a
 * sanitizer. Built twice: into the libFuzzer programs (tests/fuzz/fuzz_*.c, make fuzz, clang)
 * and into test_fuzz_corpus, which replays the seed corpus and every crash ever found
 * (tests/fuzz/corpus/TARGET/) in make check. */
#ifndef NG_TESTS_FUZZ_TARGETS_H
#define NG_TESTS_FUZZ_TARGETS_H

#include <libyuv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture/convert.h"
#include "capture/frame.h"
#include "capture/y4m.h"
#include "config/config.h"
#include "daemon/control_proto.h"
#include "util/errbuf.h"

/* A NUL-terminated copy (the parsers take text). */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
    char *t = malloc(size + 1);
    if (t) {
        memcpy(t, data, size);
        t[size] = '\0';
    }
    return t;
}

/* A configuration file, as check-config and SIGHUP read it. */
static inline int fuzz_config(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (!text)
        return 0;
    ng_config cfg;
    config_defaults(&cfg);
    ng_errbuf err = { 0 };
    config_load_text(text, "fuzz.conf", &cfg, &err);
    free(text);
    return 0;
}

/* One control-socket line, as the daemon parses it. */
static inline int fuzz_control(const uint8_t *data, size_t size)
{
    char *line = fuzz_text(data, size);
    if (!line)
        return 0;
    control_request req;
    char why[256];
    control_parse(line, &req, why, sizeof why);
    free(line);
    return 0;
}

/* A Y4M file: its header and as many frames as it holds. */
static inline int fuzz_y4m(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *f = fmemopen((void *)data, size, "rb");
    if (!f)
        return 0;
    y4m_reader r;
    ng_errbuf err = { 0 };
    if (y4m_open_stream(&r, f, "fuzz.y4m", &err) < 0)
        return 0;
    /* frames no bigger than the fuzzer's memory allows; the header's limits are the reader's */
    if (r.frame_size <= 64u << 20) {
        ng_frame *fr;
        for (int i = 0; i < 16 && y4m_read(&r, &fr, &err) == 1; i++)
            frame_free(fr);
    }
    y4m_close(&r);
    return 0;
}

/* A capture card's MJPEG buffer: the size the card declared (the JPEG's own when it has a
 * plausible one, else another) and the decode to ARGB and luma the pipeline does. */
static inline int fuzz_mjpeg(const uint8_t *data, size_t size)
{
    int w = 64, h = 48, jw, jh;
    if (size == 0)
        return 0;
    if (MJPGSize(data, size, &jw, &jh) == 0 && jw > 0 && jh > 0 && jw <= 1024 && jh <= 1024) {
        w = jw;
        h = jh;
    }
    ng_frame *f = frame_alloc_compressed(NG_PIX_MJPEG, w, h, size);
    uint8_t *argb = malloc((size_t)w * h * 4);
    if (f && argb) {
        memcpy(f->data, data, size);
        ng_converter conv;
        convert_init(&conv);
        const uint8_t *luma;
        int luma_stride;
        convert_frame(&conv, f, argb, w * 4, &luma, &luma_stride);
        convert_free(&conv);
    }
    free(argb);
    frame_free(f);
    return 0;
}

#endif
