/* `needleguide list-devices [--json]`: every /dev/video* and what it can capture. */
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "capture/v4l2_list.h"
#include "daemon/commands.h"

static const char *str(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : "";
}

static void print_text(json_object *dev)
{
    printf("%s", str(dev, "path"));
    json_object *v;
    if (json_object_object_get_ex(dev, "error", &v)) {
        printf(": %s\n", json_object_get_string(v));
        return;
    }
    printf(": %s (%s) at %s\n", str(dev, "card"), str(dev, "driver"), str(dev, "bus"));
    if (!json_object_get_boolean(json_object_object_get(dev, "capture"))) {
        printf("  not a capture device\n");
        return;
    }
    json_object *inputs = json_object_object_get(dev, "inputs");
    for (size_t i = 0; i < json_object_array_length(inputs); i++) {
        json_object *in = json_object_array_get_idx(inputs, i);
        printf("  input %d: %s%s\n", json_object_get_int(json_object_object_get(in, "index")),
               str(in, "name"),
               json_object_get_boolean(json_object_object_get(in, "dv_timings")) ? " (DV timings)" : "");
    }
    json_object *formats = json_object_object_get(dev, "formats");
    for (size_t i = 0; i < json_object_array_length(formats); i++) {
        json_object *f = json_object_array_get_idx(formats, i);
        bool ok = json_object_get_boolean(json_object_object_get(f, "supported"));
        printf("  format %s: %s%s\n", str(f, "fourcc"), str(f, "description"), ok ? "" : " (not used)");
        json_object *sizes = json_object_object_get(f, "sizes");
        for (size_t k = 0; k < json_object_array_length(sizes); k++) {
            json_object *s = json_object_array_get_idx(sizes, k);
            if (json_object_object_get_ex(s, "min", &v)) {
                printf("    %s .. %s\n", str(s, "min"), str(s, "max"));
                continue;
            }
            printf("    %dx%d", json_object_get_int(json_object_object_get(s, "width")),
                   json_object_get_int(json_object_object_get(s, "height")));
            json_object *fps = json_object_object_get(s, "fps");
            for (size_t r = 0; r < json_object_array_length(fps); r++)
                printf("%s%g", r ? ", " : " @ ", json_object_get_double(json_object_array_get_idx(fps, r)));
            printf("%s\n", json_object_array_length(fps) ? " fps" : "");
        }
    }
}

int cmd_list_devices(int argc, char **argv)
{
    bool json = argc == 2 && !strcmp(argv[1], "--json");
    if (argc > 2 || (argc == 2 && !json)) {
        fprintf(stderr, "usage: needleguide list-devices [--json]\n");
        return 2;
    }
    glob_t g;
    json_object *all = json_object_new_array();
    if (glob("/dev/video*", 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc; i++)
            json_object_array_add(all, v4l2_describe(&v4l2_system_ops, g.gl_pathv[i]));
        globfree(&g);
    }
    if (json) {
        printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    } else if (json_object_array_length(all) == 0) {
        printf("no video devices (/dev/video*)\n");
    } else {
        for (size_t i = 0; i < json_object_array_length(all); i++)
            print_text(json_object_array_get_idx(all, i));
    }
    json_object_put(all);
    return 0;
}
