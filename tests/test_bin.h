/* Tests that drive the built binary: its path, a folder for what it writes, a shell helper. */
#ifndef NG_TEST_BIN_H
#define NG_TEST_BIN_H

#include "test_util.h"

#define BIN NG_BUILD_DIR "/needleguide"

static char out_dir[128];

/* A shell command: its exit status, its stderr in err (if not NULL). */
#define sh(...) test_sh(out_dir, __VA_ARGS__)

static inline void bin_setup(void) { snprintf(out_dir, sizeof out_dir, "%s", test_tmpdir()); }

#endif
