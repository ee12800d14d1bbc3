#!/usr/bin/env bash
# Boots an EIF in QEMU's nitro-enclave machine (TCG; KVM only on request) with the vhost-device-vsock backend,
# bounded by a timeout, the serial console kept in a file (docs/spec/qemu-nitro-enclave.md §6).
#
# Usage: it/emulator/boot.sh EIF [options] [-- CLIENT-COMMAND...]
#   --console FILE       console log (default: EIF path + .console.log); QEMU's stdout and stderr
#   --timeout SECONDS    bound on one boot (default 180)
#   --memory SIZE        guest RAM, QEMU syntax (default 512M; for a JVM image see qemu-nitro-enclave.md §6.5, §9)
#   --cpus N             vCPUs (default 1, like the tested recipe)
#   --id MODULE_ID       NSM module_id (default i-0123456789abcdef0-enc0123456789abcdef)
#   --parent-role ARN    measured into PCR3 (raw bytes, docs/spec/kms-attestation.md §6.2)
#   --parent-id ID       measured into PCR4
#   --append TEXT        extra kernel command line, NOT measured (test switches only); under TCG the harness
#                        prepends tsc_early_khz=<host TSC kHz> (EMU_TSC_KHZ=N to set it, =off to drop it)
#   --accel tcg|kvm      default tcg, or $EMU_ACCEL; kvm failed on nested-PVM hosts (qemu-nitro-enclave.md §6.4)
#   --work DIR           where the sockets go (default: a fresh temp dir); the host side of guest vsock is
#                        the Unix socket DIR/vm.vsock (send "CONNECT <port>\n", expect "OK ...")
#   --retries N          re-boot up to N times when a boot hangs before init runs (default 1; ~7 % of boots
#                        hang, qemu-nitro-enclave.md §9)
#   -- CLIENT...         run this host command while the enclave runs, with EMU_VSOCK_UDS set to the Unix
#                        socket; its failure fails the boot. When it succeeds and the enclave has not powered
#                        off EMU_GRACE_SECONDS (10) later, the enclave is stopped and the boot counts as passed.
# Exit status: the client's if it failed; 0 if the client passed and the enclave was stopped; 124 if QEMU hit
# the timeout; else the application's exit status as printed by the development init ("INIT: exit N"); 1 if
# there is no such line.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -ge 1 ] || die "usage: $0 EIF [options] [-- CLIENT...]"
EIF="$1"; shift
[ -f "$EIF" ] || die "no EIF at $EIF"
CONSOLE="$EIF.console.log"; TIMEOUT=180; MEM=512M; CPUS=1; MODULE_ID="i-0123456789abcdef0-enc0123456789abcdef"
ROLE=""; PARENT_ID=""; APPEND=""; ACCEL="${EMU_ACCEL:-tcg}"; WORK=""; RETRIES=1; CLIENT=()
while [ $# -gt 0 ]; do
  case "$1" in
    --console) CONSOLE="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --memory) MEM="$2"; shift 2 ;;
    --cpus) CPUS="$2"; shift 2 ;;
    --id) MODULE_ID="$2"; shift 2 ;;
    --parent-role) ROLE="$2"; shift 2 ;;
    --parent-id) PARENT_ID="$2"; shift 2 ;;
    --append) APPEND="$2"; shift 2 ;;
    --accel) ACCEL="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --retries) RETRIES="$2"; shift 2 ;;
    --) shift; CLIENT=("$@"); break ;;
    *) die "unknown option $1 (see the header of $0)" ;;
  esac
done
[[ "$TIMEOUT" =~ ^[0-9]+$ ]] || die "--timeout must be whole seconds"
case "$ACCEL" in tcg) ACCEL_ARGS=(-accel tcg -cpu max) ;; kvm) ACCEL_ARGS=(-accel kvm -cpu host) ;;
  *) die "--accel must be tcg or kvm" ;; esac

# Under TCG the guest reads the host's TSC. On a loaded host the kernel's PIT calibration fails, the TSC is
# marked unstable and boot hangs waiting for a timer tick; giving the frequency avoids the calibration.
# The text goes through -append, which is not measured (qemu-nitro-enclave.md §2.3).
FULL_APPEND="$APPEND"
if [ "$ACCEL" = tcg ] && [ "${EMU_TSC_KHZ:-auto}" != off ]; then
  khz="${EMU_TSC_KHZ:-auto}"
  [ "$khz" = auto ] && khz="$(awk -F: '/^cpu MHz/{printf "%d", $2 * 1000; exit}' /proc/cpuinfo)"
  [ -n "$khz" ] && FULL_APPEND="tsc_early_khz=$khz${FULL_APPEND:+ $FULL_APPEND}"
fi

source "$EMU_DIR/qemu-build.sh" --paths
[ -x "$QEMU_BIN" ] && [ -x "$VSOCK_BIN" ] || die "QEMU or vhost-device-vsock not built yet: run $EMU_DIR/qemu-build.sh"

# QEMU option values: a comma must be doubled.
qopt() { printf '%s' "${1//,/,,}"; }
MACHINE="nitro-enclave,vsock=c,id=$(qopt "$MODULE_ID"),acpi=on"
[ -n "$ROLE" ] && MACHINE+=",parent-role=$(qopt "$ROLE")"
[ -n "$PARENT_ID" ] && MACHINE+=",parent-id=$(qopt "$PARENT_ID")"

own_work=0
if [ -z "$WORK" ]; then WORK="$(mktemp -d)"; own_work=1; fi
mkdir -p "$WORK"
VHOST_SOCK="$WORK/vhost.sock"; UDS="$WORK/vm.vsock"
BACKEND_PID=""; QEMU_PID=""
cleanup() {
  if [ -n "$QEMU_PID" ]; then kill "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; fi
  if [ -n "$BACKEND_PID" ]; then kill "$BACKEND_PID" 2>/dev/null || true; wait "$BACKEND_PID" 2>/dev/null || true; fi
  QEMU_PID=""; BACKEND_PID=""
  rm -f "$VHOST_SOCK" "$UDS" "$UDS"_*
  return 0
}
trap 'cleanup; [ $own_work = 1 ] && rm -rf "$WORK"' EXIT

start_backend() {
  rm -f "$VHOST_SOCK" "$UDS" "$UDS"_*
  "$VSOCK_BIN" --guest-cid=4 --uds-path="$UDS" --socket="$VHOST_SOCK" >>"$CONSOLE.vsock.log" 2>&1 &
  BACKEND_PID=$!
  local i
  for i in $(seq 50); do [ -S "$VHOST_SOCK" ] && return 0; sleep 0.1; done
  die "vhost-device-vsock did not create $VHOST_SOCK (log: $CONSOLE.vsock.log)"
}

boot_once() {
  : >"$CONSOLE"
  start_backend
  local cmd=(timeout --kill-after=10 "$TIMEOUT" "$QEMU_BIN" -L /usr/share/qemu -L /usr/share/seabios
    -M "$MACHINE" -chardev "socket,id=c,path=$VHOST_SOCK" -kernel "$EIF" -m "$MEM" -smp "$CPUS"
    "${ACCEL_ARGS[@]}" -nographic -no-reboot -monitor none -serial stdio)
  [ -n "$FULL_APPEND" ] && cmd+=(-append "$FULL_APPEND")
  log "booting $(basename "$EIF") (${ACCEL}, -m $MEM, timeout ${TIMEOUT}s), console: $CONSOLE"
  local start=$SECONDS qrc=0 crc=0
  if [ ${#CLIENT[@]} -gt 0 ]; then
    "${cmd[@]}" </dev/null >"$CONSOLE" 2>&1 & QEMU_PID=$!
    EMU_VSOCK_UDS="$UDS" timeout "$TIMEOUT" "${CLIENT[@]}" & local client_pid=$!
    # If the enclave ends first (crash, hang caught by the timeout), the client gets 15 s more, not its deadline.
    local left=-1
    while kill -0 "$client_pid" 2>/dev/null; do
      if [ $left -lt 0 ] && ! kill -0 "$QEMU_PID" 2>/dev/null; then left=15; fi
      if [ $left -eq 0 ]; then log "enclave ended; stopping the client"; kill "$client_pid" 2>/dev/null || true; break; fi
      [ $left -gt 0 ] && left=$((left - 1))
      sleep 1
    done
    wait "$client_pid" || crc=$?
    if [ $crc -ne 0 ]; then log "client failed with status $crc"; kill "$QEMU_PID" 2>/dev/null || true; fi
    # A server application never exits by itself: once the client is done, the enclave gets a short grace
    # period to power off, then it is stopped (the client's status decides).
    local i
    for i in $(seq "${EMU_GRACE_SECONDS:-10}"); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 1; done
    if kill -0 "$QEMU_PID" 2>/dev/null; then
      log "client done; stopping the enclave"; CLIENT_STOPPED=1; kill "$QEMU_PID" 2>/dev/null || true
    fi
    wait "$QEMU_PID" || qrc=$?; QEMU_PID=""
  else
    "${cmd[@]}" </dev/null >"$CONSOLE" 2>&1 || qrc=$?
  fi
  cleanup
  log "QEMU exited with $qrc after $((SECONDS - start)) s"
  CLIENT_RC=$crc; QEMU_RC=$qrc
}

attempt=0; CLIENT_STOPPED=0
while :; do
  boot_once
  if [ "$QEMU_RC" = 124 ] && ! grep -q '^INIT: run ' "$CONSOLE" && [ "$attempt" -lt "$RETRIES" ]; then
    attempt=$((attempt + 1))
    cp "$CONSOLE" "$CONSOLE.hung-$attempt"
    log "boot hung before init ran (known TCG early-boot hang); retry $attempt of $RETRIES"
    continue
  fi
  break
done
grep -Eq 'KVM internal error|failed to set MSR|kvm_buf_set_msrs' "$CONSOLE" && [ "$ACCEL" = kvm ] && log "KVM failed on this host: rerun with --accel tcg"
if [ "$CLIENT_RC" -ne 0 ]; then exit "$CLIENT_RC"; fi
if [ "$CLIENT_STOPPED" = 1 ]; then exit 0; fi
if [ "$QEMU_RC" = 124 ] || [ "$QEMU_RC" = 137 ]; then log "timeout after ${TIMEOUT}s (console: $CONSOLE)"; exit 124; fi
status="$(sed -n 's/^INIT: exit \([0-9]*\).*/\1/p' "$CONSOLE" | tail -1 | tr -d '\r')"
[ -n "$status" ] || { log "no 'INIT: exit' line on the console (QEMU status $QEMU_RC): see $CONSOLE"; tail -20 "$CONSOLE" >&2; exit 1; }
exit "$status"
