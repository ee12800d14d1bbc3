#!/usr/bin/env python3
"""Times whole processes: each command once as warm-up, then RUNS rounds in which every command runs once
(interleaved, so that machine load hits all alike); prints the median and the minimum wall-clock time of each and
its ratio to the first command of its group. Usage: measure.py RUNS 'group|label|shell command' ..."""
import statistics
import subprocess
import sys
import time


def main():
    runs = int(sys.argv[1])
    specs = [a.split("|", 2) for a in sys.argv[2:]]
    times = {i: [] for i in range(len(specs))}
    for i, (_, label, cmd) in enumerate(specs):
        r = subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if r.returncode != 0:
            sys.exit("%s failed (exit %d): %s\n%s" % (label, r.returncode, cmd, r.stderr.decode()))
    for _ in range(runs):
        for i, (_, _, cmd) in enumerate(specs):
            t = time.perf_counter()
            subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            times[i].append(time.perf_counter() - t)
    print("| group | command | median s | min s | × first of group |")
    print("|---|---|---:|---:|---:|")
    base = {}
    for i, (group, label, _) in enumerate(specs):
        med = statistics.median(times[i])
        base.setdefault(group, med)
        print("| %s | %s | %.3f | %.3f | %.2f |" % (group, label, med, min(times[i]), med / base[group]))


if __name__ == "__main__":
    main()
