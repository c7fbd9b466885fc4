/* JSON Lines files in tests (telemetry, truth, events), read with json-c. */
#ifndef NG_TEST_JSON_H
#define NG_TEST_JSON_H

#include <stdbool.h>

#include <json-c/json.h>

#include "test_util.h"

/* Every line of path parsed; fails the test on a line that is not JSON or not whole. With
 * frames_only, only the lines with a "frame" key are kept. */
static inline json_object **read_jsonl_lines(const char *path, int *count, bool frames_only)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    json_object **v = NULL;
    int n = 0, line_no = 0;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        line_no++;
        size_t len = strlen(line);
        if (!len || line[len - 1] != '\n')
            fail_msg("%s: line %d is not whole: %s", path, line_no, line);
        json_object *o = json_tokener_parse(line);
        if (!o)
            fail_msg("%s: line %d is not JSON: %s", path, line_no, line);
        if (frames_only && !json_object_object_get(o, "frame")) {
            json_object_put(o);
            continue;
        }
        v = realloc(v, sizeof *v * (size_t)(n + 1));
        v[n++] = o;
    }
    fclose(f);
    *count = n;
    return v;
}

static inline void free_jsonl(json_object **v, int n)
{
    for (int i = 0; i < n; i++)
        json_object_put(v[i]);
    free(v);
}

#endif
