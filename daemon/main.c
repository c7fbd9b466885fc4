/* needleguide: one binary, several subcommands. */
#include <stdio.h>
#include <string.h>

#include "daemon/commands.h"
#include "sim/simulate.h"
#include "tracking/eval.h"
#include "tracking/track_cmd.h"
#include "util/log.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: needleguide COMMAND [OPTIONS]\n"
            "  run           capture, track, guide and show the overlay (default: simulated scan)\n"
            "  simulate      write a simulated scan, its ground truth and its config\n"
            "  track         track the needle in every frame of a video file (JSON lines)\n"
            "  eval          score a track against ground truth\n"
            "  check-config  validate a config file (exit 0 or 2)\n"
            "  list-devices  capture devices, their inputs, formats, sizes and rates [--json]\n"
            "  replay        play a recorded session through the tracker and guidance\n"
            "  report        score a recorded session: report.json and report.html\n"
            "  ctl           send a command to the running daemon's control socket\n"
            "Research and training software, not a cleared medical device.\n");
}

static const struct {
    const char *name;
    int (*fn)(int, char **);
} commands[] = {
    { "run", cmd_run },         { "simulate", cmd_simulate },         { "check-config", cmd_check_config },
    { "track", cmd_track },     { "eval", cmd_eval },                 { "replay", cmd_replay },
    { "ctl", cmd_ctl },         { "report", cmd_report },             { "list-devices", cmd_list_devices },
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(cmd, commands[i].name)) {
            int rc = commands[i].fn(argc - 1, argv + 1);
            ng_log_flush();   /* a message still being repeated is said */
            return rc;
        }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "needleguide: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
