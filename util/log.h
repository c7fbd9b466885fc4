/* Logging with a module prefix ("needleguide: capture: ..."): to stderr on a terminal, to
 * syslog (the journal) when run as a service. A message repeated within LOG_REPEAT_S is
 * written once; the repeats are counted and said when it stops ("... repeated 57 times"). */
#ifndef NG_LOG_H
#define NG_LOG_H

#include <stdint.h>

typedef enum { NG_LOG_DEBUG, NG_LOG_INFO, NG_LOG_WARN, NG_LOG_ERROR } ng_log_level;
typedef enum { NG_LOG_AUTO, NG_LOG_STDERR, NG_LOG_SYSLOG } ng_log_target;

#define LOG_REPEAT_S 10

void ng_log_set_level(ng_log_level level);
/* AUTO: syslog when started by systemd (INVOCATION_ID set) and stderr is not a terminal. */
void ng_log_set_target(ng_log_target target);
/* Where messages go now (AUTO decided on the first call). */
ng_log_target ng_log_current_target(void);
/* How long repeats are folded before they are said (tests shorten it). */
void ng_log_set_repeat_window(double seconds);
void ng_log(ng_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Says how often the last message was repeated, if it was (at exit). */
void ng_log_flush(void);

#define NG_INFO(mod, ...) ng_log(NG_LOG_INFO, mod, __VA_ARGS__)
#define NG_WARN(mod, ...) ng_log(NG_LOG_WARN, mod, __VA_ARGS__)
#define NG_ERROR(mod, ...) ng_log(NG_LOG_ERROR, mod, __VA_ARGS__)
#define NG_DEBUG(mod, ...) ng_log(NG_LOG_DEBUG, mod, __VA_ARGS__)

#endif
