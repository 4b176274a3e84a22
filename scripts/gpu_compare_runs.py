"""Compares two plume output directories of one scenario and seed (CPU and GPU backends).

For each concentration, time-integrated, deposition and projected-dose variable: NMSE and FAC2
over the cells where either run exceeds 1 % of the first run's maximum, and the ratios of the
sums and maxima; then each run's backend and model time from summary.json.

    python3 scripts/gpu_compare_runs.py out/case-cpu out/case-gpu
"""
import json
import sys

import h5py
import numpy as np

PREFIXES = ("air_concentration", "time_integrated", "dry_deposition", "wet_deposition",
            "dose_effective_projected")


def main(a, b):
    fa, fb = h5py.File(a + "/fields.nc", "r"), h5py.File(b + "/fields.nc", "r")
    for name in sorted(k for k in fa.keys() if k.startswith(PREFIXES)):
        r = np.asarray(fa[name][...], dtype=float).ravel()
        m = np.asarray(fb[name][...], dtype=float).ravel()
        if not r.any():
            print(f"{name}: all zero in {a}; largest in {b} {np.abs(m).max():.3g}")
            continue
        sel = np.maximum(r, m) > 0.01 * r.max()
        rr, mm = r[sel], m[sel]
        nmse = np.mean((rr - mm) ** 2) / (np.mean(rr) * np.mean(mm))
        with np.errstate(divide="ignore", invalid="ignore"):
            q = mm / rr
        fac2 = np.mean((q >= 0.5) & (q <= 2.0))
        print(f"{name}: {sel.sum()} cells, NMSE {nmse:.2e}, FAC2 {fac2:.4f}, "
              f"sum ratio {m.sum() / r.sum():.5f}, max ratio {m.max() / r.max():.4f}")
    for d in (a, b):
        s = json.load(open(d + "/summary.json"))
        print(f"{d}: {s['backend']}, model {s['elapsed_s']:.3f} s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
