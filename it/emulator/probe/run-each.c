/*
 * run-each: runs commands one after the other inside the enclave, so that one boot can run more than one command
 * of an image without a shell (the Java base image has none). Arguments are the commands, separated by ";"
 * arguments: run-each /usr/bin/java -jar a.jar nsm describe ";" /usr/bin/java -jar a.jar nsm attest
 * Each command's first word is an absolute path (no PATH lookup). Stops at the first command that fails and exits
 * with its status (128 + signal number if it was killed); exits 0 when every command exited 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int start = 1;
    if (argc < 2) {
        fprintf(stderr, "usage: run-each CMD [ARG...] [\";\" CMD [ARG...]]...\n");
        return 2;
    }
    if (strcmp(argv[argc - 1], ";") == 0) {
        fprintf(stderr, "run-each: empty command after the last \";\"\n");
        return 2;
    }
    while (start < argc) {
        int end = start;
        while (end < argc && strcmp(argv[end], ";") != 0) {
            end++;
        }
        if (end == start) {
            fprintf(stderr, "run-each: empty command at argument %d\n", start);
            return 2;
        }
        argv[end < argc ? end : argc] = NULL; /* argv[argc] is NULL already */
        fflush(stdout);
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "run-each: fork: %s\n", strerror(errno));
            return 1;
        }
        if (pid == 0) {
            execv(argv[start], &argv[start]);
            fprintf(stderr, "run-each: exec %s: %s\n", argv[start], strerror(errno));
            _exit(127);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR) {
                fprintf(stderr, "run-each: waitpid: %s\n", strerror(errno));
                return 1;
            }
        }
        if (WIFSIGNALED(status)) {
            fprintf(stderr, "run-each: %s killed by signal %d\n", argv[start], WTERMSIG(status));
            return 128 + WTERMSIG(status);
        }
        if (WEXITSTATUS(status) != 0) {
            return WEXITSTATUS(status);
        }
        start = end + 1;
    }
    return 0;
}
