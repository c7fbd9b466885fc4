/* `needleguide check-config FILE`: validate, print every problem with file:line, exit 0 or 2. */
#include <stdio.h>

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
    printf("%s: ok\n", argv[1]);
    return 0;
}
