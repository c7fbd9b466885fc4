/* Logging to stderr with a module prefix: "needleguide: capture: ...". */
#ifndef NG_LOG_H
#define NG_LOG_H

typedef enum { NG_LOG_DEBUG, NG_LOG_INFO, NG_LOG_WARN, NG_LOG_ERROR } ng_log_level;

void ng_log_set_level(ng_log_level level);
void ng_log(ng_log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define NG_INFO(mod, ...) ng_log(NG_LOG_INFO, mod, __VA_ARGS__)
#define NG_WARN(mod, ...) ng_log(NG_LOG_WARN, mod, __VA_ARGS__)
#define NG_ERROR(mod, ...) ng_log(NG_LOG_ERROR, mod, __VA_ARGS__)
#define NG_DEBUG(mod, ...) ng_log(NG_LOG_DEBUG, mod, __VA_ARGS__)

#endif
