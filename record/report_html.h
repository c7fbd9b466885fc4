/* Writing the training report: report.json (the figures) and report.html (self-contained). */
#ifndef NG_REPORT_HTML_H
#define NG_REPORT_HTML_H

#include "record/report.h"

int report_write_json(const char *path, const report_figures *f, ng_errbuf *err);
/* dir: the session (its raw.mkv gives the key frames). */
int report_write_html(const char *path, const char *dir, const report_input *in,
                      const report_figures *f, ng_errbuf *err);

#endif
