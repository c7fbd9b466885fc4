/* Opening a video file through the file: source, as replay does, in tests. */
#ifndef NG_TEST_VIDEO_H
#define NG_TEST_VIDEO_H

#include "test_util.h"

#include "capture/source.h"

/* path as fast as it decodes; play (may be NULL) gives replay's controls. Fails the test if it
 * does not open. */
static inline ng_source *open_video(const char *path, ng_playback *play)
{
    char text[1024];
    snprintf(text, sizeof text, "file:%.1000s", path);
    ng_source_spec spec;
    char why[200];
    assert_int_equal(source_spec_parse(text, &spec, why, sizeof why), 0);
    ng_source_opts so;
    source_opts_default(&so);
    so.fast = true;
    so.play = play;
    ng_errbuf err = { 0 };
    ng_source *src = source_open(&spec, &so, &err);
    if (!src)
        fail_msg("%s", err.text);
    return src;
}

#endif
