#!/usr/bin/env python3
"""Mutation robustness check: corrupt the sample images at random (bytes, 64-bit words,
program headers, truncation) and run ptdump on each in every mode. ptdump must exit 0, 1 or 2,
print at least one stderr line when it exits 2, and never take more than 10 seconds.

usage: tests/mutate.py PTDUMP [ITERATIONS] [SEED]     (make fuzz)
Failing inputs are kept as mutate-failure-SEED-N in the current directory.
"""
import glob, os, random, subprocess, sys, tempfile

ptdump = sys.argv[1]
iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 300
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
random.seed(seed)
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sources = sorted(glob.glob(os.path.join(root, "samples", "*", "image.ptd")))
failures = 0
with tempfile.TemporaryDirectory() as tmp:
    cur = os.path.join(tmp, "cur")
    for i in range(iterations):
        data = bytearray(open(random.choice(sources), "rb").read())
        for _ in range(random.choice([1, 2, 4, 8, 16, 64])):
            if len(data) < 16:
                break
            r = random.random()
            if r < 0.5:
                pos = random.randrange(min(len(data), 4096)) if random.random() < 0.6 else random.randrange(len(data))
                data[pos] = random.randrange(256)
            elif r < 0.7:
                pos = random.randrange(len(data) // 8) * 8
                data[pos:pos + 8] = random.getrandbits(64).to_bytes(8, "little")
            elif r < 0.8:
                data = data[:random.randrange(len(data))]
            else:
                pos = 64 + random.randrange(0, 64 * 8, 8)
                data[pos:pos + 8] = random.choice([0, 2**64 - 1, 2**63, random.getrandbits(64)]).to_bytes(8, "little")
        open(cur, "wb").write(data)
        for mode in ([], ["--check-wx"], ["--format", "json"], ["--info"], ["--check-tables"], ["--stats"]):
            try:
                p = subprocess.run([ptdump] + mode + [cur], capture_output=True, timeout=10)
                ok = p.returncode in (0, 1, 2) and (p.returncode != 2 or p.stderr.strip())
                why = f"exit {p.returncode}: {p.stderr[-200:]!r}"
            except subprocess.TimeoutExpired:
                ok, why = False, "timed out"
            if not ok:
                failures += 1
                keep = f"mutate-failure-{seed}-{i}"
                open(keep, "wb").write(data)
                print(f"not ok - {i} {' '.join(mode)}: {why} (kept as {keep})")
                break
print(f"mutate: {iterations - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
