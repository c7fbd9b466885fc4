/* `needleguide report SESSION_DIR`: report.json and report.html in the session folder. */
#include <stdio.h>

#include "daemon/commands.h"
#include "record/report.h"
#include "record/report_html.h"

int cmd_report(int argc, char **argv)
{
    if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: needleguide report SESSION_DIR\n"
                        "  writes SESSION_DIR/report.json and SESSION_DIR/report.html\n");
        return 2;
    }
    const char *dir = argv[1];
    report_input in;
    ng_errbuf err = { 0 };
    if (report_load(dir, &in, &err) < 0) {
        fprintf(stderr, "needleguide: report: %s", err.text);
        report_input_free(&in);
        return 2;
    }
    report_figures f;
    report_compute(&in, &f);
    char json[1100], html[1100];
    snprintf(json, sizeof json, "%s/report.json", dir);
    snprintf(html, sizeof html, "%s/report.html", dir);
    int rc = report_write_json(json, &f, &err) == 0 && report_write_html(html, dir, &in, &f, &err) == 0;
    report_input_free(&in);
    if (!rc) {
        fprintf(stderr, "needleguide: report: %s", err.text);
        return 1;
    }
    printf("report: %s\nreport: %s\n", json, html);
    return 0;
}
