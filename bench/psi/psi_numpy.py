"""bench/psi (b): PSI per feature with NumPy, binned exactly as server/services/monitoring/sample-psi.ts bins.

Reads the float64 file bench/psi/main.ts writes (reference columns, then production columns, little-endian) and
prints JSON: the compute time of each run (loading the file is not timed) and each feature's PSI from the last run.
"""
import json
import sys
import time

import numpy as np

EPSILON = 1e-4


def smoothed(counts):
    proportions = np.maximum(counts / counts.sum(), EPSILON)
    return proportions / proportions.sum()


def feature_psi(reference, production, bins):
    edges = np.quantile(reference, np.arange(1, bins) / bins, method="lower")
    edges = np.unique(edges)
    edges = edges[edges < reference.max()]
    reference_counts = np.bincount(np.searchsorted(edges, reference, side="left"), minlength=edges.size + 1)
    production_counts = np.bincount(np.searchsorted(edges, production, side="left"), minlength=edges.size + 1)
    q = smoothed(reference_counts / reference.size)
    p = smoothed(production_counts.astype(np.float64))
    return float(np.sum((p - q) * np.log(p / q)))


def main():
    path, rows, features, bins, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    data = np.fromfile(path, dtype="<f8").reshape(2, features, rows)
    reference, production = data[0], data[1]
    times = []
    psi = []
    for _ in range(runs):
        start = time.perf_counter()
        psi = [feature_psi(reference[f], production[f], bins) for f in range(features)]
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"numpy": np.__version__, "timesMs": times, "psi": psi}))


main()
