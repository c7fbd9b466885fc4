/* Y4M reader and writer: good files in each layout, and every kind of broken file. */
#include "test_util.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "capture/source.h"
#include "capture/y4m.h"

static char path[256];

static void write_bytes(const char *header, size_t payload, int frames, const char *frame_hdr)
{
    snprintf(path, sizeof path, "%s/v.y4m", test_tmpdir());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(header, f);
    for (int i = 0; i < frames; i++) {
        fputs(frame_hdr, f);
        for (size_t k = 0; k < payload; k++)
            fputc((int)((k + (size_t)i) & 0xFF), f);
    }
    fclose(f);
}

static void expect_open_error(const char *header, const char *frag)
{
    write_bytes(header, 0, 0, "");
    y4m_reader r;
    ng_errbuf err = { 0 };
    assert_int_equal(y4m_open(&r, path, &err), -1);
    if (!strstr(err.text, frag) || !strstr(err.text, path)) {
        fprintf(stderr, "message '%s' lacks '%s'\n", err.text, frag);
        fail();
    }
}

static void read_all(ng_pixfmt want, int w, int h, int frames, size_t frame_size, const char *hdr)
{
    write_bytes(hdr, frame_size, frames, "FRAME\n");
    y4m_reader r;
    ng_errbuf err = { 0 };
    assert_int_equal(y4m_open(&r, path, &err), 0);
    assert_int_equal(r.fmt, want);
    assert_int_equal(r.width, w);
    assert_int_equal(r.height, h);
    assert_int_equal(r.frame_size, frame_size);
    ng_frame *f;
    for (int i = 0; i < frames; i++) {
        assert_int_equal(y4m_read(&r, &f, &err), 1);
        assert_int_equal(f->seq, i);
        assert_int_equal(f->data[0], i & 0xFF);
        assert_int_equal(f->data[frame_size - 1], (frame_size - 1 + (size_t)i) & 0xFF);
        frame_free(f);
    }
    assert_int_equal(y4m_read(&r, &f, &err), 0);   /* clean end */
    y4m_close(&r);
}

static void test_good_files(void **s)
{
    (void)s;
    read_all(NG_PIX_I420, 64, 48, 3, 64 * 48 * 3 / 2, "YUV4MPEG2 W64 H48 F30:1 Ip A1:1 C420jpeg\n");
    read_all(NG_PIX_I420, 65, 49, 2, 65 * 49 + 2 * 33 * 25, "YUV4MPEG2 W65 H49 F25:1\n");
    read_all(NG_PIX_I422, 64, 48, 2, 64 * 48 * 2, "YUV4MPEG2 W64 H48 F30000:1001 C422\n");
    read_all(NG_PIX_GREY, 64, 48, 2, 64 * 48, "YUV4MPEG2 W64 H48 F60:1 Cmono XYSCSS=MONO\n");
    read_all(NG_PIX_I444, 16, 16, 1, 16 * 16 * 3, "YUV4MPEG2 W16 H16 F1:1 C444\n");
}

static void test_frame_params_and_full_range(void **s)
{
    (void)s;
    write_bytes("YUV4MPEG2 W16 H16 F30:1 Cmono XCOLORRANGE=FULL\n", 256, 1, "FRAME Ixyz\n");
    y4m_reader r;
    ng_errbuf err = { 0 };
    assert_int_equal(y4m_open(&r, path, &err), 0);
    assert_true(r.full_range);
    ng_frame *f;
    assert_int_equal(y4m_read(&r, &f, &err), 1);
    assert_true(f->full_range);
    frame_free(f);
    y4m_close(&r);
}

static void test_garbage_headers(void **s)
{
    (void)s;
    expect_open_error("", "empty");
    expect_open_error("RIFF....WAVEfmt \n", "not a Y4M file");
    expect_open_error("YUV4MPEG2 W64 H48\n", "missing frame rate");
    expect_open_error("YUV4MPEG2 H48 F30:1\n", "missing width");
    expect_open_error("YUV4MPEG2 W64 F30:1\n", "missing height");
    expect_open_error("YUV4MPEG2 W0 H48 F30:1\n", "'W0'");
    expect_open_error("YUV4MPEG2 W99999 H48 F30:1\n", "'W99999'");
    expect_open_error("YUV4MPEG2 W64 H-4 F30:1\n", "'H-4'");
    expect_open_error("YUV4MPEG2 W64 H48 F30:0\n", "'F30:0'");
    expect_open_error("YUV4MPEG2 W64 H48 F30:1 C420p10\n", "C420p10");
    expect_open_error("YUV4MPEG2 W64 H48 F30:1 It\n", "progressive");
    expect_open_error("YUV4MPEG2 W64 H48 F30:1 Q9\n", "unknown field 'Q9'");
    expect_open_error("YUV4MPEG2 W64 H48 F30:1", "cut short");
    char big[2000];
    memset(big, 'X', sizeof big);
    memcpy(big, "YUV4MPEG2 ", 10);
    big[sizeof big - 2] = '\n';
    big[sizeof big - 1] = '\0';
    expect_open_error(big, "too long");
}

static void test_truncated_and_bad_frames(void **s)
{
    (void)s;
    y4m_reader r;
    ng_errbuf err = { 0 };
    ng_frame *f;
    /* second frame shorter than W*H*1.5 */
    write_bytes("YUV4MPEG2 W16 H16 F30:1\n", 384, 1, "FRAME\n");
    FILE *a = fopen(path, "ab");
    fputs("FRAME\n", a);
    fwrite("abc", 1, 3, a);
    fclose(a);
    assert_int_equal(y4m_open(&r, path, &err), 0);
    assert_int_equal(y4m_read(&r, &f, &err), 1);
    frame_free(f);
    assert_int_equal(y4m_read(&r, &f, &err), -1);
    assert_non_null(strstr(err.text, "frame 1 truncated: 3 of 384 bytes"));
    y4m_close(&r);

    /* a frame marker that is not FRAME */
    write_bytes("YUV4MPEG2 W16 H16 F30:1\n", 384, 1, "FRAMS\n");
    memset(&err, 0, sizeof err);
    assert_int_equal(y4m_open(&r, path, &err), 0);
    assert_int_equal(y4m_read(&r, &f, &err), -1);
    assert_non_null(strstr(err.text, "expected a FRAME header"));
    y4m_close(&r);
}

static void test_writer_round_trip(void **s)
{
    (void)s;
    snprintf(path, sizeof path, "%s/w.y4m", test_tmpdir());
    y4m_writer w;
    ng_errbuf err = { 0 };
    assert_int_equal(y4m_writer_open(&w, path, NG_PIX_I420, 32, 18, 30, 1, &err), 0);
    ng_frame *f = frame_alloc(NG_PIX_I420, 32, 18);
    for (size_t i = 0; i < f->size; i++)
        f->data[i] = (uint8_t)(i * 7);
    assert_int_equal(y4m_write(&w, f), 0);
    assert_int_equal(y4m_write(&w, f), 0);
    assert_int_equal(y4m_writer_close(&w), 0);
    y4m_reader r;
    assert_int_equal(y4m_open(&r, path, &err), 0);
    ng_frame *g;
    assert_int_equal(y4m_read(&r, &g, &err), 1);
    assert_memory_equal(f->data, g->data, f->size);
    frame_free(g);
    assert_int_equal(y4m_read(&r, &g, &err), 1);
    frame_free(g);
    assert_int_equal(y4m_read(&r, &g, &err), 0);
    y4m_close(&r);
    frame_free(f);
}

static void test_file_source_paces_and_ends(void **s)
{
    (void)s;
    write_bytes("YUV4MPEG2 W16 H16 F50:1 Cmono\n", 256, 5, "FRAME\n");
    char spec_text[300];
    snprintf(spec_text, sizeof spec_text, "file:%s", path);
    ng_source_spec spec;
    char why[200];
    assert_int_equal(source_spec_parse(spec_text, &spec, why, sizeof why), 0);
    ng_source_opts o = { .fps = 30, .fast = false };
    ng_errbuf err = { 0 };
    ng_source *src = source_open(&spec, &o, &err);
    assert_non_null(src);
    assert_true(src->fps == 50);
    assert_int_equal(src->width, 16);
    ng_frame *f;
    int64_t first = 0, last = 0;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(source_next(src, &f, &err), NG_SRC_FRAME);
        assert_int_equal(f->seq, i);
        if (i == 0) first = f->t_capture_ns;
        last = f->t_capture_ns;
        frame_free(f);
    }
    /* five frames at 50 fps: four intervals of 20 ms, not as fast as possible */
    assert_true(last - first >= 75 * 1000000LL);
    assert_int_equal(source_next(src, &f, &err), NG_SRC_EOF);
    source_close(src);
}

/* A Y4M through a named pipe of another name (a recorder writing into a FIFO): a pipe cannot be
 * read twice, so it is not sniffed for Y4M (which would eat its first bytes) but read once, by
 * FFmpeg, which probes it from its own buffer. Every frame arrives, then the end. */
static void test_file_source_on_a_pipe(void **s)
{
    (void)s;
    write_bytes("YUV4MPEG2 W16 H16 F50:1 C420jpeg\n", 16 * 16 * 3 / 2, 5, "FRAME\n");
    char fifo[300], spec_text[310];
    snprintf(fifo, sizeof fifo, "%s/frames.pipe", test_tmpdir());
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t writer = fork();
    if (writer == 0) {
        alarm(60);   /* not left waiting for a reader if the test failed first */
        FILE *in = fopen(path, "rb"), *out = fopen(fifo, "wb");
        char buf[4096];
        size_t n;
        if (!in || !out)
            _exit(1);
        while ((n = fread(buf, 1, sizeof buf, in)) > 0)
            if (fwrite(buf, 1, n, out) != n)
                _exit(1);
        _exit(fclose(out) == 0 ? 0 : 1);
    }
    snprintf(spec_text, sizeof spec_text, "file:%s", fifo);
    alarm(30);   /* a pipe sniffed first is emptied, and the reader's open then waits for ever */
    ng_source_spec spec;
    char why[200];
    assert_int_equal(source_spec_parse(spec_text, &spec, why, sizeof why), 0);
    ng_source_opts o = { .fps = 30, .fast = true };
    ng_errbuf err = { 0 };
    ng_source *src = source_open(&spec, &o, &err);
    if (!src)
        fail_msg("%s", err.text);
    assert_int_equal(src->width, 16);
    assert_int_equal(src->height, 16);
    ng_frame *f;
    int frames = 0;
    ng_source_status st;
    while ((st = source_next(src, &f, &err)) == NG_SRC_FRAME) {
        frames++;
        frame_free(f);
    }
    assert_int_equal(st, NG_SRC_EOF);
    assert_int_equal(frames, 5);
    source_close(src);
    alarm(0);
    int ws;
    assert_int_equal(waitpid(writer, &ws, 0), writer);
    assert_true(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
}

static void test_source_spec(void **s)
{
    (void)s;
    ng_source_spec sp;
    char why[200];
    assert_int_equal(source_spec_parse("sim:42", &sp, why, sizeof why), 0);
    assert_int_equal(sp.kind, NG_SRC_SIM);
    assert_int_equal(sp.seed, 42);
    assert_int_equal(source_spec_parse("v4l2:/dev/video0", &sp, why, sizeof why), 0);
    assert_int_equal(sp.kind, NG_SRC_V4L2);
    assert_int_equal(source_spec_parse("sim:-1", &sp, why, sizeof why), -1);
    assert_int_equal(source_spec_parse("sim:99999999999", &sp, why, sizeof why), -1);
    assert_int_equal(source_spec_parse("http://x", &sp, why, sizeof why), -1);
    ng_errbuf err = { 0 };
    ng_source_opts o = { .fps = 30 };
    assert_int_equal(source_spec_parse("file:/nonexistent.y4m", &sp, why, sizeof why), 0);
    assert_null(source_open(&sp, &o, &err));
    assert_non_null(strstr(err.text, "/nonexistent.y4m: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_files),
        cmocka_unit_test(test_frame_params_and_full_range),
        cmocka_unit_test(test_garbage_headers),
        cmocka_unit_test(test_file_source_on_a_pipe),
        cmocka_unit_test(test_truncated_and_bad_frames),
        cmocka_unit_test(test_writer_round_trip),
        cmocka_unit_test(test_file_source_paces_and_ends),
        cmocka_unit_test(test_source_spec),
    };
    return test_cleanup_tmpdir(cmocka_run_group_tests(tests, NULL, NULL));
}
