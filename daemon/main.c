/* needleguide: one binary, several subcommands. */
#include <stdio.h>
#include <string.h>

#include "daemon/commands.h"
#include "sim/simulate.h"
#include "tracking/eval.h"
#include "tracking/track_cmd.h"

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
            "Research and training software, not a cleared medical device.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "simulate"))
        return cmd_simulate(argc - 1, argv + 1);
    if (!strcmp(cmd, "check-config"))
        return cmd_check_config(argc - 1, argv + 1);
    if (!strcmp(cmd, "track"))
        return cmd_track(argc - 1, argv + 1);
    if (!strcmp(cmd, "eval"))
        return cmd_eval(argc - 1, argv + 1);
    if (!strcmp(cmd, "replay"))
        return cmd_replay(argc - 1, argv + 1);
    if (!strcmp(cmd, "report"))
        return cmd_report(argc - 1, argv + 1);
    if (!strcmp(cmd, "list-devices"))
        return cmd_list_devices(argc - 1, argv + 1);
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "needleguide: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
