#!/usr/bin/env python3
"""scripts/profile.sh's report: Hyp-mode instructions per benchmark operation, by function.

Input: QEMU's `-singlestep -d exec,nochain` log (one line per instruction executed:
"Trace CPU: HOST [CS_BASE/PC/FLAGS/CFLAGS] ..."; the Hyp instructions of every CPU
count), nm -n of the hypervisor and of the guest, the run's console log (its BENCH lines
name the benchmarks in order), and the iterations per loop and per latency measurement."""
import bisect
import re
import sys

MMUIDX_E2 = 6  # QEMU's ARMMMUIdx_E2: the TB flags' MMU index (bits 7:4) in Hyp mode


def symbols(path):
    addrs, names = [], []
    for line in open(path):
        f = line.split()
        if len(f) == 3 and f[1] in "TtWw":
            addrs.append(int(f[0], 16))
            names.append(f[2])
    return addrs, names


def main():
    trace, hyp_sym, guest_sym, run_log, n, nlat, top = sys.argv[1:8]
    n, nlat, top = int(n), int(nlat), int(top)
    addrs, names = symbols(hyp_sym)
    gaddrs, gnames = symbols(guest_sym)
    mark = gaddrs[gnames.index("bench_mark")]
    benches = ["(setup and empty loop)"] + [l.split()[2] for l in open(run_log, errors="replace")
                                            if l.startswith("BENCH ")]
    pat = re.compile(r"Trace (\d+): .*\[[0-9a-f]+/([0-9a-f]+)/([0-9a-f]+)/")
    segs, cur, in_hyp = [], None, {}
    for line in open(trace, errors="replace"):
        m = pat.search(line)
        if not m:
            continue
        cpu, pc, flags = m.group(1), int(m.group(2), 16), int(m.group(3), 16)
        hyp = (flags >> 4) & 0xf == MMUIDX_E2
        if not hyp and pc == mark:
            cur = {"funcs": {}, "hyp": 0, "exits": 0}
            segs.append(cur)
        if cur is not None and hyp:
            i = bisect.bisect_right(addrs, pc) - 1
            fn = names[i] if i >= 0 else "?"
            cur["funcs"][fn] = cur["funcs"].get(fn, 0) + 1
            cur["hyp"] += 1
            if not in_hyp.get(cpu):
                cur["exits"] += 1
        in_hyp[cpu] = hyp
    for i, s in enumerate(segs[1:len(benches)], 1):
        name = benches[i] if i < len(benches) else "?"
        per = nlat if "latency" in name else n
        print(f"== {name}: {s['hyp'] / per:.1f} Hyp instructions per operation, "
              f"{s['exits'] / per:.2f} exits")
        for fn, c in sorted(s["funcs"].items(), key=lambda kv: -kv[1])[:top]:
            print(f"   {c / per:8.1f}  {fn}")


if __name__ == "__main__":
    main()
