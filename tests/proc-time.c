/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * proc-time.c - times whole processes for tests/bench-process.sh: runs a
 * command N times (standard output and error to /dev/null) and prints
 * "MEDIAN_WALL_MS MIN_WALL_MS MEDIAN_CPU_MS" (CPU: user + system of the
 * child).  posix_spawn keeps the launcher's own cost out of the figures,
 * which a shell's date(1) around each run would add.
 *
 *     proc-time N COMMAND [ARG]...
 *
 * Exits 1 when a run fails (the command's exit status is not 0).
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_RUNS 10000

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* One run: its wall and CPU milliseconds.  Returns 0 when it exited 0. */
static int run_once(char **argv, posix_spawn_file_actions_t *fa, double *wall,
                    double *cpu)
{
    struct rusage ru;
    double t0 = now_ms();
    pid_t pid;
    int status;

    if (posix_spawnp(&pid, argv[0], fa, NULL, argv, environ) != 0)
        return -1;
    if (wait4(pid, &status, 0, &ru) != pid)
        return -1;
    *wall = now_ms() - t0;
    *cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    static double wall[MAX_RUNS], cpu[MAX_RUNS];
    posix_spawn_file_actions_t fa;
    long n, i;

    n = argc > 2 ? strtol(argv[1], NULL, 10) : 0;
    if (n < 1 || n > MAX_RUNS) {
        fprintf(stderr, "usage: proc-time N COMMAND [ARG]...\n");
        return 2;
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    for (i = 0; i < n; i++) {
        if (run_once(argv + 2, &fa, &wall[i], &cpu[i]) != 0) {
            fprintf(stderr, "proc-time: run %ld of %s failed\n", i + 1,
                    argv[2]);
            return 1;
        }
    }
    posix_spawn_file_actions_destroy(&fa);
    qsort(wall, (size_t)n, sizeof(double), cmp_double);
    qsort(cpu, (size_t)n, sizeof(double), cmp_double);
    printf("%.2f %.2f %.2f\n", wall[n / 2], wall[0], cpu[n / 2]);
    return 0;
}
