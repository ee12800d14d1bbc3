/*
 * nsm-probe: a tiny static test application for the emulated Nitro Enclave (harness self-test).
 *
 * Calls /dev/nsm with the raw ioctl (0xC0200A00, 12 288-byte response buffer,
 * docs/spec/nsm-protocol.md §2.2, §2.4) and prints each response as one hex line on the console:
 *   NSM-DESCRIBE <hex of the DescribeNSM response>
 *   NSM-ATTEST <hex of the Attestation response>      (user_data "emu-probe", nonce from the kernel
 *                                                     command line "emu.nonce=<hex>", public_key null)
 * With an argument PORT it then also serves on vsock PORT (VMADDR_CID_ANY): for each connection it reads a
 * length-prefixed nonce (u32 big-endian + bytes, at most 512), and answers with the length-prefixed
 * Attestation response for that nonce followed by the length-prefixed DescribeNSM response. It stops after
 * the first connection. Exit status 0 when every NSM call succeeded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/vm_sockets.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#define NSM_IOCTL_RAW 0xC0200A00UL
#define RESP_MAX 12288
#define NONCE_MAX 512

struct nsm_raw { uint64_t req_addr, req_len, resp_addr, resp_len; };

static int nsm_fd = -1;

static size_t nsm_call(const uint8_t *req, size_t req_len, uint8_t *resp) {
    struct nsm_raw raw = {(uintptr_t)req, req_len, (uintptr_t)resp, RESP_MAX};
    if (ioctl(nsm_fd, NSM_IOCTL_RAW, &raw) != 0) {
        fprintf(stderr, "PROBE: ioctl failed: %s\n", strerror(errno));
        exit(2);
    }
    return (size_t)raw.resp_len;
}

static void print_hex(const char *tag, const uint8_t *b, size_t n) {
    printf("%s ", tag);
    for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
    printf("\n");
    fflush(stdout);
}

static size_t put_head(uint8_t *p, int major, size_t len) {
    if (len < 24) { p[0] = (uint8_t)(major << 5 | len); return 1; }
    if (len < 256) { p[0] = (uint8_t)(major << 5 | 24); p[1] = (uint8_t)len; return 2; }
    p[0] = (uint8_t)(major << 5 | 25); p[1] = (uint8_t)(len >> 8); p[2] = (uint8_t)len; return 3;
}

static size_t put_text(uint8_t *p, const char *s) {
    size_t n = strlen(s), h = put_head(p, 3, n);
    memcpy(p + h, s, n);
    return h + n;
}

static size_t put_bytes(uint8_t *p, const uint8_t *b, size_t n) {
    size_t h = put_head(p, 2, n);
    memcpy(p + h, b, n);
    return h + n;
}

/* {"Attestation": {"user_data": h'emu-probe', "nonce": h'..', "public_key": null}} */
static size_t attestation_request(uint8_t *p, const uint8_t *nonce, size_t nonce_len) {
    size_t n = 0;
    p[n++] = 0xa1;
    n += put_text(p + n, "Attestation");
    p[n++] = 0xa3;
    n += put_text(p + n, "user_data");
    n += put_bytes(p + n, (const uint8_t *)"emu-probe", 9);
    n += put_text(p + n, "nonce");
    n += put_bytes(p + n, nonce, nonce_len);
    n += put_text(p + n, "public_key");
    p[n++] = 0xf6;
    return n;
}

static size_t nonce_from_cmdline(uint8_t *nonce) {
    char buf[4096];
    FILE *f = fopen("/proc/cmdline", "r");
    if (!f) return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *s = strstr(buf, "emu.nonce=");
    if (!s) return 0;
    s += strlen("emu.nonce=");
    size_t len = 0;
    while (len < 64 && sscanf(s + 2 * len, "%2hhx", &nonce[len]) == 1) len++;
    return len;
}

static int read_full(int fd, void *buf, size_t n) {
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

static int write_framed(int fd, const uint8_t *b, size_t n) {
    uint8_t len[4] = {(uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    return write(fd, len, 4) == 4 && write(fd, b, n) == (ssize_t)n ? 0 : -1;
}

static void serve(int port, const uint8_t *describe, size_t describe_len) {
    int s = socket(AF_VSOCK, SOCK_STREAM, 0);
    struct sockaddr_vm addr = {.svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_ANY, .svm_port = (unsigned)port};
    if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(s, 1) != 0) {
        fprintf(stderr, "PROBE: vsock listen on %d failed: %s\n", port, strerror(errno));
        exit(3);
    }
    printf("PROBE: listening on vsock port %d\n", port);
    fflush(stdout);
    int c = accept(s, NULL, NULL);
    if (c < 0) { fprintf(stderr, "PROBE: accept: %s\n", strerror(errno)); exit(3); }
    uint8_t lenb[4], nonce[NONCE_MAX], req[1024], resp[RESP_MAX];
    if (read_full(c, lenb, 4) != 0) { fprintf(stderr, "PROBE: short read\n"); exit(3); }
    uint32_t n = (uint32_t)lenb[0] << 24 | lenb[1] << 16 | lenb[2] << 8 | lenb[3];
    if (n > NONCE_MAX || read_full(c, nonce, n) != 0) { fprintf(stderr, "PROBE: bad nonce frame\n"); exit(3); }
    size_t rl = nsm_call(req, attestation_request(req, nonce, n), resp);
    if (write_framed(c, resp, rl) != 0 || write_framed(c, describe, describe_len) != 0) {
        fprintf(stderr, "PROBE: write: %s\n", strerror(errno));
        exit(3);
    }
    printf("PROBE: served one connection\n");
    fflush(stdout);
    /* Wait for the host to close (vhost-device-vsock forwards EOF only on a full shutdown). */
    char tmp;
    while (read(c, &tmp, 1) > 0) {}
    close(c);
}

int main(int argc, char **argv) {
    nsm_fd = open("/dev/nsm", O_RDWR | O_CLOEXEC);
    if (nsm_fd < 0) { fprintf(stderr, "PROBE: open /dev/nsm: %s\n", strerror(errno)); return 2; }
    static uint8_t describe[RESP_MAX], resp[RESP_MAX], req[1024], nonce[64];
    uint8_t describe_req[12];
    size_t dl = nsm_call(describe_req, put_text(describe_req, "DescribeNSM"), describe);
    print_hex("NSM-DESCRIBE", describe, dl);
    size_t nl = nonce_from_cmdline(nonce);
    size_t al = nsm_call(req, attestation_request(req, nonce, nl), resp);
    print_hex("NSM-ATTEST", resp, al);
    if (argc > 1) serve(atoi(argv[1]), describe, dl);
    return 0;
}
