/* `needleguide run`: the live daemon. The main thread owns SDL and the signals (signalfd);
 * the pipeline threads capture and process. */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <SDL.h>

#include "daemon/commands.h"
#include "daemon/pipeline.h"
#include "daemon/recording.h"
#include "daemon/run.h"
#include "daemon/control.h"
#include "daemon/main_wake.h"
#include "daemon/notify.h"
#include "daemon/run_control.h"
#include "guidance/planning.h"
#include "overlay/overlay.h"
#include "util/clock.h"
#include "util/log.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: needleguide run [--config F] [--source S] [--headless] [--frames N]\n"
            "                       [--telemetry F.jsonl] [--snapshot F.png] [--fast] [--plan-out F]\n"
            "                       [--record DIR]\n"
            "  --source S    sim:SEED | file:PATH.y4m | v4l2:/dev/videoN (overrides [capture] source)\n"
            "  --headless    no window (SDL dummy video driver)\n"
            "  --frames N    stop after N processed frames\n"
            "  --telemetry F one JSON line per processed frame\n"
            "  --snapshot F  PNG of the last screen, written on exit\n"
            "  --fast        do not pace sources at their frame rate\n"
            "  --plan-out F  where key S saves the config with the plan (default: the --config file)\n"
            "  --record DIR  record the session into DIR/YYYYmmdd-HHMMSS/ from the start\n"
            "                (key R starts and stops recording into [record] dir)\n");
}

int run_parse_frames(const char *cmd, const char *text, uint64_t *n)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end || errno || v == 0 || text[0] == '-') {
        fprintf(stderr, "needleguide: %s: --frames '%s': expected a whole number > 0\n", cmd, text);
        return -1;
    }
    *n = v;
    return 0;
}

/* Parses the command line over the config; returns 0, or 2 after printing the problem. */
static int parse_args(int argc, char **argv, ng_config *cfg, run_opts *o)
{
    static const struct option opts[] = {
        { "config", required_argument, 0, 'c' },    { "source", required_argument, 0, 's' },
        { "headless", no_argument, 0, 'H' },        { "frames", required_argument, 0, 'n' },
        { "telemetry", required_argument, 0, 't' }, { "snapshot", required_argument, 0, 'p' },
        { "fast", no_argument, 0, 'f' },            { "help", no_argument, 0, 'h' },
        { "plan-out", required_argument, 0, 'o' }, { "record", required_argument, 0, 'r' },
        { 0, 0, 0, 0 },
    };
    const char *source = NULL, *record = NULL;
    bool headless = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': o->config_path = optarg; break;
        case 's': source = optarg; break;
        case 'H': headless = true; break;
        case 'n':
            if (run_parse_frames("run", optarg, &o->max_frames) < 0)
                return 2;
            break;
        case 't': o->telemetry_path = optarg; break;
        case 'p': o->snapshot_path = optarg; break;
        case 'f': o->fast = true; break;
        case 'o': o->plan_out = optarg; break;
        case 'r': record = optarg; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "needleguide: run: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    ng_errbuf err = { 0 };
    if (o->config_path && config_load(o->config_path, cfg, &err) < 0) {
        fputs(err.text, stderr);
        return 2;
    }
    /* Command-line options override the file. */
    if (source && config_set(cfg, "command line: --source", 0, "capture", "source", source, &err) < 0) {
        fputs(err.text, stderr);
        return 2;
    }
    if (record) {
        if (config_set(cfg, "command line: --record", 0, "record", "dir", record, &err) < 0) {
            fputs(err.text, stderr);
            return 2;
        }
        cfg->record.start = true;
    }
    if (headless)
        cfg->headless = NG_HEADLESS_YES;
    return 0;
}

/* [display] headless = auto: a window wherever one can be shown — an X11 or Wayland session, or
 * a DRM display for SDL's kmsdrm driver (the service at boot, on the cart's monitor). */
static bool display_present(void)
{
    if (getenv("DISPLAY") || getenv("WAYLAND_DISPLAY"))
        return true;
    glob_t g;
    bool found = glob("/dev/dri/card*", 0, NULL, &g) == 0 && g.gl_pathc > 0;
    globfree(&g);
    return found;
}

static void wake_main(void *ctx) { main_wake_signal(ctx); }

/* Blocks SIGINT/SIGTERM/SIGHUP in every thread and returns a signalfd for them. */
static int signals_setup(void)
{
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    return signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* The signal waiting, or 0. */
static int signal_pending(int fd)
{
    struct signalfd_siginfo si;
    if (fd >= 0 && read(fd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo != SIGHUP)
            NG_INFO("run", "signal %u: shutting down", si.ssi_signo);
        return (int)si.ssi_signo;
    }
    return 0;
}

/* Key S: the running config, with the plan as it now is, saved over the file it came from. */
static void save_plan(const ng_config *cfg, const run_opts *o, char *msg, size_t n)
{
    const char *path = o->plan_out ? o->plan_out : o->config_path;
    ng_errbuf err = { 0 };
    if (!path)
        snprintf(msg, n, "No file to save the plan to: start with --config or --plan-out");
    else if (config_save(cfg, path, &err) < 0) {
        err.text[strcspn(err.text, "\n")] = '\0';
        snprintf(msg, n, "Plan NOT saved: %.300s", err.text);
    }
    else
        snprintf(msg, n, "Plan saved to %s", path);
    NG_INFO("run", "%s", msg);
}

/* What a planning step does; once the plan is made, the freeze planning began with ends. */
static void apply_planning(pipeline *p, ng_config *cfg, planning_result r, const ng_plan *plan,
                           bool *paused)
{
    if (r != PLANNING_MORE)
        *paused = false;
    switch (r) {
    case PLANNING_NEW_PLAN:
        cfg->plan = *plan;
        pipeline_set_plan(p, plan);
        NG_INFO("run", "new plan: entry %.1f,%.1f, L4 target %.1f,%.1f", plan->entry.x,
                plan->entry.y, plan->l4_target.x, plan->l4_target.y);
        break;
    case PLANNING_L5_SET:
        cfg->plan.l5_target = plan->l5_target;
        pipeline_confirm_l5(p, &plan->l5_target);
        break;
    case PLANNING_L5_ACCEPTED: pipeline_confirm_l5(p, NULL); break;
    case PLANNING_MORE: break;
    }
}

int cmd_run(int argc, char **argv)
{
    ng_config cfg;
    config_defaults(&cfg);
    run_opts o = { 0 };
    int rc = parse_args(argc, argv, &cfg, &o);
    if (rc)
        return rc;
    return run_main(cfg, &o);
}

/* The replay keys: play and pause, step, speed, seek, loop. */
static void replay_key(ng_playback *pb, SDL_Keycode k)
{
    int speed = atomic_load(&pb->speed_pct);
    switch (k) {
    case SDLK_SPACE: atomic_store(&pb->paused, !atomic_load(&pb->paused)); break;
    case SDLK_PERIOD:
    case SDLK_COMMA:
        atomic_store(&pb->paused, true);
        atomic_store(&pb->step, k == SDLK_PERIOD ? 1 : -1);
        break;
    case SDLK_PLUS: case SDLK_EQUALS: case SDLK_KP_PLUS:
        atomic_store(&pb->speed_pct, speed < 800 ? speed * 2 : 800);
        break;
    case SDLK_MINUS: case SDLK_KP_MINUS:
        atomic_store(&pb->speed_pct, speed > 25 ? speed / 2 : 25);
        break;
    case SDLK_RIGHT: atomic_store(&pb->seek_ms, 5000); break;
    case SDLK_LEFT: atomic_store(&pb->seek_ms, -5000); break;
    case SDLK_UP: atomic_store(&pb->seek_ms, 30000); break;
    case SDLK_DOWN: atomic_store(&pb->seek_ms, -30000); break;
    case SDLK_l: atomic_store(&pb->loop, !atomic_load(&pb->loop)); break;
    default: break;
    }
}

static void replay_line(const ng_playback *pb, char *buf, size_t n)
{
    long long pos = atomic_load(&pb->position_ms) / 1000, len = atomic_load(&pb->duration_ms) / 1000;
    snprintf(buf, n, "REPLAY %lld:%02lld / %lld:%02lld  x%.2g%s%s", pos / 60, pos % 60, len / 60,
             len % 60, atomic_load(&pb->speed_pct) / 100.0, atomic_load(&pb->loop) ? "  loop" : "",
             atomic_load(&pb->paused) ? "  paused" : "");
}

int run_main(ng_config cfg, run_opts *opts)
{
    run_opts o = *opts;

    ng_errbuf err = { 0 };
    ng_source_spec spec;
    char why[200];
    if (source_spec_parse(cfg.source, &spec, why, sizeof why) < 0) {
        fprintf(stderr, "needleguide: run: source '%s': %s\n", cfg.source, why);
        return 2;
    }
    int sfd = signals_setup();   /* before any thread starts, so all inherit the mask */
    int64_t t_start = ng_now_ns();
    ng_source_opts so;
    source_opts_default(&so);
    so.fps = cfg.fps;
    so.fast = o.fast;
    so.format = cfg.format;
    so.width = cfg.width;
    so.height = cfg.height;
    so.input = cfg.input;
    so.buffers = cfg.buffers;
    so.play = o.play;
    so.every_frame = o.every_frame;
    ng_source *src = o.source_ops ? source_open_ops(o.source_ops, &spec, &so, &err)
                                  : source_open(&spec, &so, &err);
    if (!src) {
        fprintf(stderr, "needleguide: run: %s", err.text);
        close(sfd);
        return 2;
    }
    FILE *tel = NULL;
    if (o.telemetry_path && !(tel = fopen(o.telemetry_path, "w"))) {
        fprintf(stderr, "needleguide: run: %s: cannot create: %s\n", o.telemetry_path,
                strerror(errno));
        source_close(src);
        close(sfd);
        return 2;
    }
    if (tel)
        setvbuf(tel, NULL, _IOLBF, 0);   /* whole lines on disk, even if we are killed */
    bool headless = cfg.headless == NG_HEADLESS_YES ||
                    (cfg.headless == NG_HEADLESS_AUTO && !display_present());
    overlay_opts oo = { .headless = headless, .fullscreen = cfg.fullscreen };
    overlay *ov = overlay_new(&oo, src->width, src->height, &err);
    if (!ov && cfg.headless == NG_HEADLESS_AUTO && !headless) {
        /* auto: a display that does not answer (or cannot be opened) is no display */
        NG_WARN("run", "%sno usable display: running headless", err.text);
        memset(&err, 0, sizeof err);
        oo.headless = headless = true;
        ov = overlay_new(&oo, src->width, src->height, &err);
    }
    if (!ov) {
        fprintf(stderr, "needleguide: run: %s", err.text);
        if (tel) fclose(tel);
        source_close(src);
        close(sfd);
        return 1;
    }
    NG_INFO("run", "source %s, %dx%d at %.3g fps, %s", cfg.source, src->width, src->height,
            src->fps, headless ? "headless" : "window");

    if (!strncmp(cfg.source, "v4l2:", 5) && cfg.record.dir[0] && cfg.record.nmasks == 0)
        NG_WARN("record", "recording from a capture card without any [record] mask: patient "
                "identifiers on the scanner's screen will be in the recording");
    recording rec;
    pipeline p;
    main_wake wake = { .fd = -1 };
    if (recording_init(&rec, &cfg, src) < 0 || main_wake_init(&wake, &err) < 0 ||
        pipeline_start(&p, &cfg, src,
                       &(pipeline_io){ .telemetry = tel, .rec = rec.rec, .plans = o.plans,
                                       .nplans = o.nplans },
                       o.max_frames, t_start, wake_main, &wake, &err) < 0) {
        fprintf(stderr, "needleguide: run: %s", err.text);
        recording_free(&rec);
        overlay_free(ov);
        if (tel) fclose(tel);
        source_close(src);
        close(sfd);
        main_wake_close(&wake);
        return 1;
    }

    processed_frame *cur = NULL;
    int64_t last_ns = ng_now_ns();
    double fps = 0, cur_latency_ms = 0;
    const char *quit_reason = "stopped: needleguide closed";
    bool quit = false, finished = false, paused = false, help = false;
    planning plan_mode = { .step = PLANNING_OFF };
    char message[512] = "";
    int64_t message_until = 0;
    /* asked for and impossible from the start: bad input; what started is stopped cleanly */
    int start_rc = 0;
    control *ctl = NULL;
    rec.p = &p;
    if (cfg.record.start && recording_start(&rec, &p, message, sizeof message) < 0) {
        fprintf(stderr, "needleguide: run: %s\n", message);
        start_rc = 2;
    } else if (cfg.control.socket[0] && !(ctl = control_open(&cfg.control, &err))) {
        fprintf(stderr, "needleguide: run: %s", err.text);
        quit_reason = "stopped: the control socket could not be opened";
        start_rc = 2;
    }
    quit = start_rc != 0;
    if (ctl)
        NG_INFO("run", "control socket %s", cfg.control.socket);
    int64_t watchdog_every = 0, watchdog_last = 0, status_last = 0;
    bool watchdog = notify_watchdog_every(&watchdog_every), ready_sent = false;
    run_live live = { .cfg = &cfg, .config_path = o.config_path, .p = &p, .rec = &rec, .ov = ov,
                      .paused = &paused, .message = message, .message_size = sizeof message,
                      .message_until = &message_until };
    while (!quit) {
        /* a frame, a signal, or 40 ms: the screen redrawn (a stale frame's age shown), the
         * window's input and the control socket seen */
        main_wake_wait(&wake, sfd, 40);
        SDL_Event ev;
        while (SDL_PollEvent(&ev)) {
            bool planning_now = plan_mode.step != PLANNING_OFF;
            ng_vec2 at;
            if (ev.type == SDL_QUIT)
                quit = true;
            else if (ev.type == SDL_MOUSEBUTTONDOWN && planning_now &&
                     ev.button.button == SDL_BUTTON_LEFT &&
                     overlay_frame_point(ov, ev.button.x, ev.button.y, &at)) {
                apply_planning(&p, &cfg, planning_click(&plan_mode, at), &plan_mode.plan,
                               &paused);
            } else if (ev.type == SDL_KEYDOWN)
                switch (ev.key.keysym.sym) {
                case SDLK_q: quit = true; break;
                case SDLK_ESCAPE:
                    if (planning_now) {   /* leaves planning, the plan as it was */
                        planning_cancel(&plan_mode);
                        paused = false;
                    } else {
                        quit = true;
                    }
                    break;
                case SDLK_n: pipeline_phase_step(&p, +1); break;
                case SDLK_b: pipeline_phase_step(&p, -1); break;
                case SDLK_RETURN:
                    if (planning_now) {
                        apply_planning(&p, &cfg, planning_accept(&plan_mode), &plan_mode.plan,
                                       &paused);
                    } else {
                        pipeline_confirm_l5(&p, NULL);
                    }
                    break;
                case SDLK_p:   /* plans on a frozen frame */
                    planning_start(&plan_mode, cur ? &cur->guide.plan : &cfg.plan,
                                   pipeline_phase(&p));
                    paused = true;
                    break;
                case SDLK_s:
                    save_plan(&cfg, &o, message, sizeof message);
                    message_until = ng_now_ns() + 4000000000LL;
                    break;
                case SDLK_r:
                    if (recorder_active(rec.rec))
                        recording_stop(&rec, "stopped by the user (R)", message, sizeof message);
                    else
                        recording_start(&rec, &p, message, sizeof message);
                    message_until = ng_now_ns() + 4000000000LL;
                    break;
                case SDLK_SPACE:
                    if (o.play)   /* replay: the file pauses, steps still show */
                        replay_key(o.play, SDLK_SPACE);
                    else
                        paused = !paused;
                    break;
                case SDLK_h: help = !help; break;
                case SDLK_f: overlay_toggle_fullscreen(ov); break;
                default:
                    if (o.play)
                        replay_key(o.play, ev.key.keysym.sym);
                    break;
                }
        }
        for (int sig; (sig = signal_pending(sfd));) {
            if (sig == SIGHUP) {
                run_reload(&live);
                continue;
            }
            quit = true;
            quit_reason = "stopped: signal";
        }
        if (recording_poll(&rec, message, sizeof message))
            message_until = ng_now_ns() + 10000000000LL;
        /* Whatever the processing thread closed the mailbox after is still in the slot. */
        finished = pipeline_finished(&p);
        processed_frame *pf = mailbox_try_take(&p.display);
        int64_t now = ng_now_ns();
        if (pf && paused && cur) {
            /* the screen holds its frame; the newer one is processed and logged, not shown */
            pipeline_frame_unshown(&p, pf);
            processed_frame_free(pf);
            pf = NULL;
            last_ns = now;
        }
        if (pf) {
            if (cur) {
                double inst = 1e9 / (double)(pf->t_capture_ns - cur->t_capture_ns + 1);
                fps = fps == 0 ? inst : 0.9 * fps + 0.1 * inst;
            }
            processed_frame_free(cur);
            cur = pf;
            last_ns = now;
            /* how late the frame reaches the screen (its age at later redraws is FROZEN's) */
            cur_latency_ms = ng_ns_to_ms(now - cur->t_capture_ns);
        }
        source_status st = atomic_load(&p.status);
        capture_state cs = pipeline_capture_state(&p);
        bool limit_reached = o.max_frames && atomic_load(&p.processed) >= o.max_frames;
        if (finished && (limit_reached || headless)) {
            quit = true;
            quit_reason = limit_reached ? "stopped: frame limit" : "stopped: the source ended";
        }

        overlay_view v = {
            .roi = cfg.roi, .mm_per_px = cfg.mm_per_px, .guide = { .plan = cfg.plan, .anchored = true },
            .fps = fps, .skipped = pipeline_skipped(&p), .paused = paused, .help = help,
            .prompt = planning_prompt(&plan_mode),
            .message = now < message_until ? message : NULL,
            .stale_ms = ng_ns_to_ms(now - last_ns),
            .source_problem = st == SOURCE_ENDED ? "SOURCE ENDED" : st == SOURCE_FAILED ? "SOURCE ERROR"
                                                                  : capture_state_banner(cs),
            .driver_drops = atomic_load(&p.driver_drops),
        };
        if (cur) {
            v.frame = cur->captured;
            v.argb = cur->argb;
            v.width = cur->width;
            v.height = cur->height;
            v.stride = cur->stride;
            v.track = cur->track;
            v.guide = cur->guide;
            v.still_ms = cur->still_ms;
            if (plan_mode.step != PLANNING_OFF)   /* the plan being made */
                v.guide.plan = plan_mode.plan;
            v.latency_ms = cur_latency_ms;
            if (limit_reached) {   /* a clean stop at the frame limit: the last frame is current */
                v.source_problem = NULL;
                v.stale_ms = 0;
            }
        }
        recording_view(&rec, &v);
        char replay_text[96];
        if (o.play) {
            replay_line(o.play, replay_text, sizeof replay_text);
            v.replay = replay_text;
            if (atomic_load(&o.play->paused)) {   /* no new frames: asked for, not a fault */
                v.paused = true;
                v.stale_ms = 0;
                last_ns = now;
            }
        }
        int64_t draw_ns = ng_now_ns();
        overlay_draw(ov, &v);
        int64_t drawn_ns = ng_now_ns();
        recording_screen(&rec, ov);
        if (ctl) {   /* after drawing: a snapshot asked for is of this screen */
            live.cur = cur;
            live.fps = fps;
            live.latency_ms = cur_latency_ms;
            control_poll(ctl, run_control_request, &live);
        }
        if (quit && o.snapshot_path) {
            if (overlay_snapshot(ov, o.snapshot_path, &err) == 0)
                NG_INFO("run", "snapshot: %s", o.snapshot_path);
            else
                fprintf(stderr, "needleguide: run: %s", err.text);
        }
        overlay_present(ov);
        if (cur) {
            int64_t presented_ns = ng_now_ns();
            if (pf && o.stats)   /* a new frame on the screen */
                stage_stats_add(o.stats, cur, draw_ns, drawn_ns, presented_ns);
            pipeline_frame_presented(&p, cur, presented_ns);
        }

        /* systemd, once the screen is drawn: ready once a frame is shown or the source's state
         * is known; the status once a second; the watchdog fed from READY on (the first draw,
         * slow on a software GL, counts against the start timeout, not the watchdog) while
         * processing is not stuck on one frame for half of WatchdogSec */
        bool can_ready = cur || cs != CAP_STREAMING || finished;
        if (now - status_last >= 1000000000LL || (can_ready && !ready_sent)) {
            record_status rs;
            recorder_status_get(rec.rec, &rs);
            char status[200];
            snprintf(status, sizeof status, "%s, %.1f fps, phase %s%s",
                     st == SOURCE_STREAMING ? capture_state_name(cs) : st == SOURCE_ENDED ? "ended" : "failed",
                     fps, phase_name(pipeline_phase(&p)), rs.active ? ", recording" : "");
            if (can_ready && !ready_sent) {
                notify_ready(status);
                ready_sent = true;
            } else {
                notify_status(status);
            }
            status_last = now;
        }
        int64_t fed_ns = ng_now_ns();
        if (watchdog && ready_sent && fed_ns - watchdog_last >= watchdog_every &&
            pipeline_alive(&p, fed_ns, watchdog_every)) {
            notify_watchdog();
            watchdog_last = fed_ns;
        }
    }

    notify_stopping();
    control_close(ctl);
    pipeline_stop(&p);
    recording_stop(&rec, quit_reason, message, sizeof message);
    recording_free(&rec);
    uint64_t processed = atomic_load(&p.processed);
    uint64_t skipped = pipeline_skipped(&p);
    source_status st = atomic_load(&p.status);
    processed_frame_free(cur);
    overlay_free(ov);
    source_close(src);
    close(sfd);
    main_wake_close(&wake);
    if (tel)
        fclose(tel);
    if (start_rc)
        return start_rc;
    if (tel)
        NG_INFO("run", "telemetry: %s (%llu frames)", o.telemetry_path, (unsigned long long)processed);
    NG_INFO("run", "%llu frames processed, %llu skipped, %llu dropped by the card, "
            "%llu error buffers, %llu undecodable, %llu copied out of the card's buffers",
            (unsigned long long)processed, (unsigned long long)skipped,
            (unsigned long long)atomic_load(&p.driver_drops),
            (unsigned long long)atomic_load(&p.error_buffers),
            (unsigned long long)atomic_load(&p.corrupt),
            (unsigned long long)atomic_load(&p.copied_out));
    if (st == SOURCE_FAILED) {
        fprintf(stderr, "needleguide: run: %s", p.source_err.text);
        return 2;
    }
    return 0;
}
