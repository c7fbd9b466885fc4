/* Wedges one thread of a running process, the others left running: what a processing thread
 * stuck in a driver or a runaway loop looks like from outside. The thread is found by name
 * (/proc/PID/task/TID/comm), attached with PTRACE_SEIZE and stopped with PTRACE_INTERRUPT, which
 * stop that thread alone (SIGSTOP would stop the whole process). The helper then waits until the
 * process is gone or SECONDS pass, and releases the thread if it is still there.
 *   wedge_thread PID THREAD_NAME SECONDS      exit 0 once the thread was stopped, 2 if not found */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../thread_by_name.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: wedge_thread PID THREAD_NAME SECONDS\n");
        return 2;
    }
    pid_t pid = (pid_t)atoi(argv[1]);
    int seconds = atoi(argv[3]);
    pid_t tid = thread_by_name(pid, argv[2]);
    if (tid < 0) {
        fprintf(stderr, "wedge_thread: no thread '%s' in process %d\n", argv[2], (int)pid);
        return 2;
    }
    if (ptrace(PTRACE_SEIZE, tid, 0, 0) < 0 || ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0) {
        fprintf(stderr, "wedge_thread: cannot stop thread %d: %s\n", (int)tid, strerror(errno));
        return 2;
    }
    int status;
    if (waitpid(tid, &status, __WALL) < 0 || !WIFSTOPPED(status)) {
        fprintf(stderr, "wedge_thread: thread %d did not stop\n", (int)tid);
        return 2;
    }
    printf("wedge_thread: thread %d ('%s') of process %d stopped\n", (int)tid, argv[2], (int)pid);
    fflush(stdout);
    for (int i = 0; i < seconds * 10 && kill(pid, 0) == 0; i++) {
        /* reap the tracee's state changes (its death, when the process is killed) */
        waitpid(tid, &status, __WALL | WNOHANG);
        nanosleep(&(struct timespec){ .tv_nsec = 100000000 }, NULL);
    }
    if (kill(pid, 0) == 0)
        ptrace(PTRACE_DETACH, tid, 0, 0);
    return 0;
}
