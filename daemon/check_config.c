/* `needleguide check-config FILE`: validate, print every problem with file:line, exit 0 or 2. */
#include <stdio.h>
#include <string.h>

#include "config/config.h"
#include "daemon/commands.h"

int cmd_check_config(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: needleguide check-config FILE\n");
        return 2;
    }
    ng_config cfg;
    config_defaults(&cfg);
    ng_errbuf err = { 0 };
    if (config_load(argv[1], &cfg, &err) < 0) {
        fputs(err.text, stderr);
        return 2;
    }
    /* patient identifiers on the scanner's screen end up in the recording unless masked */
    if (!strncmp(cfg.source, "v4l2:", 5) && cfg.record.dir[0] && cfg.record.nmasks == 0)
        fprintf(stderr, "%s: warning: [record] recording from a capture card without any mask: "
                        "black out the patient's name and ID with [record] mask = X,Y,W,H\n",
                argv[1]);
    /* a mask over the image is blacked out of raw.mkv too: a replay tracks a different picture */
    for (int i = 0; i < cfg.record.nmasks; i++) {
        ng_rect m = cfg.record.masks[i], r = cfg.roi;
        if (m.x < r.x + r.w && r.x < m.x + m.w && m.y < r.y + r.h && r.y < m.y + m.h)
            fprintf(stderr, "%s:%d: warning: [record] mask %d,%d,%d,%d covers part of [image] roi: "
                            "those pixels are lost to replay and review\n",
                    argv[1], cfg.record.mask_line[i], m.x, m.y, m.w, m.h);
    }
    printf("%s: ok\n", argv[1]);
    return 0;
}
