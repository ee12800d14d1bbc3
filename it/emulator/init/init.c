/*
 * Development init for the emulated Nitro Enclave (QEMU -M nitro-enclave) — DEVELOPMENT AND CI ONLY.
 *
 * It reproduces what AWS's init (aws-nitro-enclaves-sdk-bootstrap init/init.c) does for an application
 * (docs/spec/qemu-nitro-enclave.md §7.2), with two differences that the Debian 6.12 kernel requires:
 *   - it loads virtio_mmio.ko (every device of the machine sits on virtio-mmio) and the vsock modules
 *     (vsock.ko, vmw_vsock_virtio_transport_common.ko, vmw_vsock_virtio_transport.ko); these are embedded
 *     in this binary (modules.S), so the bootstrap ramdisk keeps nitro-cli's layout: dev/, init, nsm.ko;
 *   - it sends no heartbeat to CID 3 port 9000 (nothing answers it under QEMU).
 * It prints "INIT: run <cmd[0]>" before starting the application and "INIT: exit <status>" when the
 * application exits, then powers off.
 *
 * Steps (numbers as in qemu-nitro-enclave.md §7.2):
 *  1 block all signals; 2 devtmpfs on /dev, stdio on /dev/console; 3 load modules, /nsm.ko from the
 *  ramdisk root (then deleted), wait for /dev/nsm; 5 read /env and /cmd line by line, delete them;
 *  6 bind /rootfs, move it to /, chroot; 7 mount /dev /proc /run /tmp /dev/shm /dev/pts /sys
 *  /sys/fs/cgroup (+ cgroup v1 controllers), all nosuid+noexec, all but /dev and /dev/pts nodev;
 *  8 fork, child: unblock signals, setsid, execvpe(cmd[0], cmd, env) with PATH /sbin:/usr/sbin:/bin:/usr/bin;
 *  9 reap until the first child exits, print its status, power off.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Embedded modules (modules.S). */
extern const unsigned char mod_virtio_mmio[], mod_virtio_mmio_end[];
extern const unsigned char mod_vsock[], mod_vsock_end[];
extern const unsigned char mod_vsock_common[], mod_vsock_common_end[];
extern const unsigned char mod_vsock_virtio[], mod_vsock_virtio_end[];

#define MAX_LINES 4096
#define MAX_FILE (1 << 20)

static void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("INIT: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void power_off(void) {
    sync();
    reboot(RB_POWER_OFF);
    /* Not reached with acpi=on; keep PID 1 alive otherwise so the kernel does not panic in a loop. */
    for (;;) pause();
}

static void fatal(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("INIT: fatal: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (errno %d: %s)\n", errno, strerror(errno));
    va_end(ap);
    power_off();
}

static void load_embedded(const char *name, const unsigned char *start, const unsigned char *end) {
    if (syscall(SYS_init_module, start, (unsigned long)(end - start), "") != 0 && errno != EEXIST)
        fatal("init_module %s", name);
}

/* Like AWS's init: finit_module of a ramdisk file, then delete it; absent file = nothing to do. */
static void load_file(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return;
        fatal("open %s", path);
    }
    if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST) fatal("finit_module %s", path);
    close(fd);
    unlink(path);
}

static void wait_for(const char *path, int tenths) {
    struct stat st;
    struct timespec ts = {0, 100000000};
    for (int i = 0; i < tenths; i++) {
        if (stat(path, &st) == 0) return;
        nanosleep(&ts, NULL);
    }
    say("%s did not appear", path);
}

/* Reads a file of '\n'-terminated lines (the last newline optional) into a NULL-terminated array. */
static char **read_lines(const char *path) {
    FILE *f = fopen(path, "re");
    if (!f) fatal("open %s", path);
    char *buf = malloc(MAX_FILE + 1);
    char **lines = calloc(MAX_LINES + 1, sizeof(char *));
    if (!buf || !lines) fatal("out of memory");
    size_t n = fread(buf, 1, MAX_FILE + 1, f);
    if (ferror(f)) fatal("read %s", path);
    if (n > MAX_FILE) { errno = EFBIG; fatal("%s is larger than %d bytes", path, MAX_FILE); }
    fclose(f);
    buf[n] = '\0';
    size_t count = 0;
    char *p = buf;
    while (p < buf + n) {
        char *nl = memchr(p, '\n', (size_t)(buf + n - p));
        if (nl) *nl = '\0';
        if (count == MAX_LINES) { errno = E2BIG; fatal("%s has more than %d lines", path, MAX_LINES); }
        lines[count++] = p;
        p = nl ? nl + 1 : buf + n;
    }
    lines[count] = NULL;
    if (unlink(path) != 0) fatal("unlink %s", path);
    return lines;
}

struct mnt { const char *src, *dst, *type; unsigned long flags; const char *data; };

#define NSE (MS_NOSUID | MS_NOEXEC)
#define NDSE (MS_NODEV | MS_NOSUID | MS_NOEXEC)

static void do_mount(const struct mnt *m) {
    mkdir(m->dst, 0755);
    if (mount(m->src, m->dst, m->type, m->flags, m->data) != 0 && errno != EBUSY)
        fatal("mount %s on %s", m->type, m->dst);
}

static void do_symlink(const char *target, const char *link) {
    if (symlink(target, link) != 0 && errno != EEXIST) fatal("symlink %s -> %s", link, target);
}

/* One cgroup-v1 mount per enabled controller of /proc/cgroups (as AWS's init does; failures only logged). */
static void mount_cgroups(void) {
    FILE *f = fopen("/proc/cgroups", "re");
    if (!f) return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        char name[64];
        int hier, num, enabled;
        if (line[0] == '#') continue;
        if (sscanf(line, "%63s %d %d %d", name, &hier, &num, &enabled) != 4 || !enabled) continue;
        char dst[128];
        snprintf(dst, sizeof dst, "/sys/fs/cgroup/%s", name);
        /* A controller this kernel has no v1 support for (Debian 6.12: cpuset) is skipped, not fatal. */
        mkdir(dst, 0755);
        if (mount(name, dst, "cgroup", NDSE, name) != 0 && errno != EBUSY)
            say("cgroup %s not mounted: %s", name, strerror(errno));
    }
    fclose(f);
}

int main(void) {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, NULL);                                  /* 1 */

    struct mnt dev = {"dev", "/dev", "devtmpfs", NSE, NULL};              /* 2 */
    do_mount(&dev);
    int con = open("/dev/console", O_RDWR);
    if (con >= 0) {
        dup2(con, 0); dup2(con, 1); dup2(con, 2);
        if (con > 2) close(con);
    }
    setvbuf(stderr, NULL, _IONBF, 0);

    load_embedded("virtio_mmio.ko", mod_virtio_mmio, mod_virtio_mmio_end); /* 3 */
    load_file("/nsm.ko");
    load_embedded("vsock.ko", mod_vsock, mod_vsock_end);
    load_embedded("vmw_vsock_virtio_transport_common.ko", mod_vsock_common, mod_vsock_common_end);
    load_embedded("vmw_vsock_virtio_transport.ko", mod_vsock_virtio, mod_vsock_virtio_end);
    wait_for("/dev/nsm", 50);

    char **env = read_lines("/env");                                     /* 5 */
    char **cmd = read_lines("/cmd");
    if (!cmd[0] || !cmd[0][0]) { errno = EINVAL; fatal("/cmd is empty"); }

    if (mount("/rootfs", "/rootfs", NULL, MS_BIND, NULL) != 0) fatal("bind /rootfs"); /* 6 */
    if (chdir("/rootfs") != 0) fatal("chdir /rootfs");
    if (mount(".", "/", NULL, MS_MOVE, NULL) != 0) fatal("move /rootfs to /");
    if (chroot(".") != 0) fatal("chroot");
    if (chdir("/") != 0) fatal("chdir /");

    static const struct mnt mounts[] = {                                 /* 7 */
        {"dev", "/dev", "devtmpfs", NSE, NULL},
        {"proc", "/proc", "proc", NDSE, NULL},
        {"run", "/run", "tmpfs", NDSE, "mode=0755"},
        {"tmpfs", "/tmp", "tmpfs", NDSE, NULL},
        {"shm", "/dev/shm", "tmpfs", NDSE, NULL},
        {"devpts", "/dev/pts", "devpts", NSE, NULL},
        {"sysfs", "/sys", "sysfs", NDSE, NULL},
        {"cgroup_root", "/sys/fs/cgroup", "tmpfs", NDSE, "mode=0755"},
    };
    for (size_t i = 0; i < sizeof mounts / sizeof mounts[0]; i++) {
        do_mount(&mounts[i]);
        if (i == 1) {   /* after /proc */
            do_symlink("/proc/self/fd", "/dev/fd");
            do_symlink("/proc/self/fd/0", "/dev/stdin");
            do_symlink("/proc/self/fd/1", "/dev/stdout");
            do_symlink("/proc/self/fd/2", "/dev/stderr");
        }
    }
    mount_cgroups();

    /* execvpe searches init's PATH, not the image's (as AWS's init). */
    setenv("PATH", "/sbin:/usr/sbin:/bin:/usr/bin", 1);
    say("run %s", cmd[0]);
    pid_t child = fork();                                                /* 8 */
    if (child < 0) fatal("fork");
    if (child == 0) {
        sigprocmask(SIG_UNBLOCK, &all, NULL);
        setsid();
        execvpe(cmd[0], cmd, env);
        fprintf(stderr, "INIT: exec %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    for (;;) {                                                           /* 9 */
        int status;
        pid_t p = wait(&status);
        if (p < 0) {
            if (errno == EINTR) continue;
            fatal("wait");
        }
        if (p == child) {
            if (WIFEXITED(status)) say("exit %d", WEXITSTATUS(status));
            else if (WIFSIGNALED(status)) say("exit signal %d", WTERMSIG(status));
            power_off();
        }
    }
}
