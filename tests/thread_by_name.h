/* A thread of a process by its name (/proc/PID/task/TID/comm, what pthread_setname_np set and
 * top -H shows): its TID, or -1. Used by test_pipeline and the VM's wedge_thread. */
#ifndef NG_TESTS_THREAD_BY_NAME_H
#define NG_TESTS_THREAD_BY_NAME_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static pid_t thread_by_name(pid_t pid, const char *name)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    if (!d)
        return -1;
    pid_t found = -1;
    struct dirent *e;
    while (found < 0 && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char comm_path[sizeof path + 256 + 8], comm[32] = "";
        snprintf(comm_path, sizeof comm_path, "%s/%s/comm", path, e->d_name);
        FILE *f = fopen(comm_path, "r");
        if (!f)
            continue;
        if (fgets(comm, sizeof comm, f))
            comm[strcspn(comm, "\n")] = '\0';
        fclose(f);
        if (!strcmp(comm, name))
            found = (pid_t)atoi(e->d_name);
    }
    closedir(d);
    return found;
}

#endif
