/* make bench: the daemon's own live loop (run_main: capture thread, processing thread, the main
 * thread drawing as the headless daemon does, SDL's software renderer on a surface of its own)
 * fed by a paced capture card at 640x480, 1280x720 and 1920x1080 in YUYV and NV12, and at 1080p
 * NV12 once more with the card sending one picture over and over (frozen: shown dimmed). Each
 * configuration runs in a process of its own (its CPU time and peak memory are its own). Prints
 * a table, writes JSON.
 *   bench_pipeline [--seconds S] [--fps F] [--out results.json] [--only WxH/FMT[/frozen]]
 * --only runs one configuration (the format in either case) and writes JSON only to --out. */
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/convert_floor.h"
#include "bench/paced_card.h"
#include "config/config.h"
#include "daemon/run.h"
#include "daemon/stage_stats.h"
#include "sim/sim_render.h"
#include "sim/sim_scene.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/memory_use.h"

#define BENCH_FRAMES 24     /* distinct frames the card plays in a loop (memory: 75-100 MB at 1080p) */
#define SCRIPT_START_S 6.0  /* from the needle's way to the L4 target: something to track */

typedef struct {
    int width, height;
    ng_pixfmt fmt;
    const char *fmt_name;
    /* the card sends one picture over and over (the scanner's freeze): frames arrive, the
     * picture is not live, and the display dims it — what that costs a frame */
    bool frozen;
} bench_config;

static const bench_config configs[] = {
    { 640, 480, NG_PIX_YUYV, "yuyv", false },   { 640, 480, NG_PIX_NV12, "nv12", false },
    { 1280, 720, NG_PIX_YUYV, "yuyv", false },  { 1280, 720, NG_PIX_NV12, "nv12", false },
    { 1920, 1080, NG_PIX_YUYV, "yuyv", false }, { 1920, 1080, NG_PIX_NV12, "nv12", false },
    { 1920, 1080, NG_PIX_NV12, "nv12", true },
};

static json_object *summary_json(const stage_stats *st, stage_id id)
{
    stage_summary s = stage_stats_summary(st, id);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "p50_ms", json_object_new_double(round(s.p50 * 1000) / 1000));
    json_object_object_add(o, "p99_ms", json_object_new_double(round(s.p99 * 1000) / 1000));
    json_object_object_add(o, "max_ms", json_object_new_double(round(s.max * 1000) / 1000));
    return o;
}

/* One configuration, in this (child) process: its figures as JSON on fd. */
static int run_config(const bench_config *bc, double seconds, double fps, int fd)
{
    sim_scene_layout layout;
    sim_scene_layout_for_screen(&layout, bc->width, bc->height);
    sim_params sp;
    sim_params_default(&sp);
    sim_renderer *r = sim_renderer_new(&layout, &sp, 7);
    ng_frame *frames[BENCH_FRAMES];
    ng_frame *rendered = frame_alloc(NG_PIX_I420, bc->width, bc->height);
    if (!r || !rendered)
        return 1;
    for (int i = 0; i < BENCH_FRAMES; i++) {
        sim_state s;
        sim_script_state(&layout, SCRIPT_START_S + i / fps, &s);
        sim_render(r, &s, (uint64_t)i, rendered);
        if (!(frames[i] = paced_card_format(rendered, bc->fmt)))
            return 1;
    }
    frame_free(rendered);
    sim_renderer_free(r);
    paced_card card = { .fmt = bc->fmt, .width = bc->width, .height = bc->height,
                        .frames = frames, .nframes = bc->frozen ? 1 : BENCH_FRAMES };
    paced_card_use(&card);

    ng_config cfg;
    config_defaults(&cfg);
    cfg.roi = layout.roi;
    cfg.mm_per_px = layout.mm_per_px;
    cfg.plan = layout.plan;
    cfg.fps = fps;
    cfg.headless = NG_HEADLESS_YES;
    stage_stats stats = { .warmup = (size_t)fps };   /* the first second: caches, allocations */
    run_opts o = { .max_frames = (uint64_t)(fps * (seconds + 1)), .source_ops = &paced_card_ops,
                   .stats = &stats };
    long rss_before_kb = (long)ng_proc_status_kb("VmRSS");
    int64_t cpu0 = ng_process_cpu_ns();
    int64_t t0 = ng_now_ns();
    int rc = run_main(cfg, &o);
    double wall = ng_ns_to_ms(ng_now_ns() - t0) / 1000;
    double cpu = ng_ns_to_ms(ng_process_cpu_ns() - cpu0) / 1000;
    if (rc != 0)
        return rc;

    json_object *j = json_object_new_object();
    json_object_object_add(j, "width", json_object_new_int(bc->width));
    json_object_object_add(j, "height", json_object_new_int(bc->height));
    json_object_object_add(j, "format", json_object_new_string(bc->fmt_name));
    json_object_object_add(j, "frozen", json_object_new_boolean(bc->frozen));
    json_object_object_add(j, "fps", json_object_new_double(fps));
    json_object_object_add(j, "frames_presented", json_object_new_int64((int64_t)stats.n));
    json_object_object_add(j, "frames_dropped_by_us", json_object_new_int64((int64_t)stage_stats_dropped(&stats)));
    /* the card's frames that could not be lent (too few buffers left with it) */
    json_object_object_add(j, "card_frames_copied", json_object_new_int64((int64_t)card.copied));
    json_object_object_add(j, "card_frames_delivered", json_object_new_int64((int64_t)card.delivered));
    /* after the warm-up, over the frames whose stages are timed; the whole run (the screen, the
     * fonts and the tracker set up, the warm-up) beside it */
    json_object_object_add(j, "cpu_percent_of_one_core",
                           json_object_new_double(round(10 * stage_stats_cpu_percent(&stats)) / 10));
    json_object_object_add(j, "cpu_percent_whole_run", json_object_new_double(round(1000 * cpu / wall) / 10));
    json_object_object_add(j, "peak_rss_mb",
                           json_object_new_double(round(ng_proc_status_kb("VmHWM") / 102.4) / 10));
    json_object_object_add(j, "rss_before_run_mb", json_object_new_double(round(rss_before_kb / 102.4) / 10));
    json_object *stages = json_object_new_object();
    for (int s = 0; s < STAGE_COUNT; s++)
        json_object_object_add(stages, stage_name((stage_id)s), summary_json(&stats, (stage_id)s));
    json_object_object_add(j, "stages", stages);
    const char *text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
    ssize_t n = write(fd, text, strlen(text));
    json_object_put(j);
    stage_stats_free(&stats);
    for (int i = 0; i < BENCH_FRAMES; i++)
        frame_free(frames[i]);
    return n > 0 ? 0 : 1;
}

static json_object *run_in_child(const bench_config *bc, double seconds, double fps)
{
    int fds[2];
    if (pipe(fds) < 0)
        return NULL;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        _exit(run_config(bc, seconds, fps, fds[1]));
    }
    close(fds[1]);
    char buf[16384];
    size_t len = 0;
    ssize_t n;
    while (len + 1 < sizeof buf && (n = read(fds[0], buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return NULL;
    return json_tokener_parse(buf);
}

static double stage_ms(json_object *cfg, const char *stage, const char *key)
{
    json_object *stages, *s, *v;
    if (json_object_object_get_ex(cfg, "stages", &stages) && json_object_object_get_ex(stages, stage, &s) &&
        json_object_object_get_ex(s, key, &v))
        return json_object_get_double(v);
    return NAN;
}

static double num(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : NAN;
}

/* WxH/FMT[/frozen], as --only names a configuration */
typedef struct { char s[32]; } config_name;
static config_name name_of(const bench_config *bc)
{
    config_name n;
    snprintf(n.s, sizeof n.s, "%dx%d/%s%s", bc->width, bc->height, bc->fmt_name,
             bc->frozen ? "/frozen" : "");
    return n;
}

static void print_row(json_object *c, const bench_config *bc)
{
    char label[32];
    snprintf(label, sizeof label, "%dx%d %s%s", bc->width, bc->height, bc->fmt_name,
             bc->frozen ? " frozen" : "");
    printf("%-21s", label);
    static const char *const shown[] = { "dequeue", "convert", "track", "guide", "render", "present" };
    for (size_t i = 0; i < sizeof shown / sizeof *shown; i++)
        printf(" %5.2f/%5.2f", stage_ms(c, shown[i], "p50_ms"), stage_ms(c, shown[i], "p99_ms"));
    printf(" | %5.2f %5.2f %6.2f | %4.0f %5.1f %5.1f %6.1f\n", stage_ms(c, "total", "p50_ms"),
           stage_ms(c, "total", "p99_ms"), stage_ms(c, "total", "max_ms"), num(c, "frames_dropped_by_us"),
           num(c, "cpu_percent_of_one_core"), num(c, "cpu_percent_whole_run"), num(c, "peak_rss_mb"));
}

/* the format in either case */
static bool config_is(const bench_config *bc, const char *name)
{
    return strcasecmp(name_of(bc).s, name) == 0;
}

static bool config_named(const char *name)
{
    for (size_t i = 0; i < sizeof configs / sizeof *configs; i++)
        if (config_is(&configs[i], name))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    double seconds = 10, fps = 60;
    const char *out_path = NULL, *only = NULL;
    static const struct option opts[] = {
        { "seconds", required_argument, 0, 's' }, { "fps", required_argument, 0, 'f' },
        { "out", required_argument, 0, 'o' },     { "only", required_argument, 0, 'O' },
        { 0, 0, 0, 0 },
    };
    for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) != -1;) {
        switch (c) {
        case 's': seconds = atof(optarg); break;
        case 'f': fps = atof(optarg); break;
        case 'o': out_path = optarg; break;
        case 'O': only = optarg; break;
        default:
            fprintf(stderr, "usage: bench_pipeline [--seconds S] [--fps F] [--out F.json] [--only WxH/FMT[/frozen]]\n"
                            "  (--only writes no JSON unless --out names a file)\n");
            return 2;
        }
    }
    if (!(seconds > 0) || !(fps > 0) || fps > 240) {
        fprintf(stderr, "bench_pipeline: --seconds must be > 0 and --fps in (0, 240]\n");
        return 2;
    }
    /* one configuration's run does not replace the whole table's figures unless asked to */
    if (!out_path && !only)
        out_path = "bench/results.json";
    if (only && !config_named(only)) {   /* not a silent run of nothing */
        fprintf(stderr, "bench_pipeline: --only %s: no such configuration; one of", only);
        for (size_t i = 0; i < sizeof configs / sizeof *configs; i++)
            fprintf(stderr, " %s", name_of(&configs[i]).s);
        fputc('\n', stderr);
        return 2;
    }
    setenv("SDL_VIDEODRIVER", "dummy", 1);
    ng_log_set_level(NG_LOG_WARN);   /* the table, not the daemon's start-up lines */

    printf("needleguide pipeline at %.0f fps, %.0f s per configuration after 1 s warm-up; "
           "stage times p50/p99 ms\n", fps, seconds);
    printf("%-21s %11s %11s %11s %11s %11s %11s | %-18s | %4s %5s %5s %6s\n", "", "dequeue", "convert",
           "track", "guide", "render", "present", "added latency ms", "drop", "CPU%", "run%", "RSS MB");
    printf("%-21s %71s | %5s %5s %6s |\n", "", "", "p50", "p99", "max");
    json_object *root = json_object_new_object(), *arr = json_object_new_array();
    int failed = 0;
    for (size_t i = 0; i < sizeof configs / sizeof *configs; i++) {
        const bench_config *bc = &configs[i];
        if (only && !config_is(bc, only))
            continue;
        fflush(stdout);
        json_object *c = run_in_child(bc, seconds, fps);
        if (!c) {
            printf("%-21s failed\n", name_of(bc).s);
            failed++;
            continue;
        }
        print_row(c, bc);
        json_object_array_add(arr, c);
    }
    json_object_object_add(root, "fps", json_object_new_double(fps));
    json_object_object_add(root, "seconds", json_object_new_double(seconds));
    json_object_object_add(root, "cores", json_object_new_int((int)sysconf(_SC_NPROCESSORS_ONLN)));
    json_object_object_add(root, "renderer", json_object_new_string("SDL software renderer on the headless daemon's own surface (nothing shown)"));
    json_object_object_add(root, "pipeline", arr);
    json_object *floor = convert_floor_run(1920, 1080, 50, stdout);
    if (floor)
        json_object_object_add(root, "conversion_1080p", floor);
    if (!out_path) {
        /* --only without --out: the table above is all */
    } else if (json_object_to_file_ext(out_path, root, JSON_C_TO_STRING_PRETTY) < 0) {
        fprintf(stderr, "bench_pipeline: %s: cannot write\n", out_path);
        failed++;
    } else {
        printf("\nwritten: %s\n", out_path);
    }
    json_object_put(root);
    return failed ? 1 : 0;
}
