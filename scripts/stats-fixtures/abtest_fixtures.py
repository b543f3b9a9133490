#!/usr/bin/env python3
"""Reference values for the A/B-test statistics (server/services/abtests/statistics), computed with SciPy and closed
forms written here independently of the TypeScript. Run from the repository root:

    python3 scripts/stats-fixtures/abtest_fixtures.py

It rewrites tests/unit/abtests/fixtures/*.json (Debian's python3-scipy is enough).
"""
import json
import math
import os

import numpy as np
from scipy import stats

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "unit", "abtests", "fixtures")


def write(name, payload):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "w") as f:
        json.dump({"generator": "scripts/stats-fixtures/abtest_fixtures.py", "scipy": __import__("scipy").__version__,
                   "cases": payload}, f, indent=1)
        f.write("\n")


def sample_size(var_c, var_t, mde, alpha, power, ratio, critical):
    raw = (critical + stats.norm.ppf(power)) ** 2 * (var_c + var_t / ratio) / mde ** 2
    return {"rawControl": raw, "control": math.ceil(raw * (1 - 1e-12)), "treatment": math.ceil(raw * ratio * (1 - 1e-12))}


def msprt_critical(alpha):
    # u > 1 with u - 1 - ln u = 2 ln(1/alpha), by SciPy's root finder (brentq) rather than Newton
    target = 2 * math.log(1 / alpha)
    from scipy.optimize import brentq, minimize_scalar
    u = brentq(lambda x: x - 1 - math.log(x) - target, 1 + 1e-9, 1e6, xtol=1e-15, rtol=1e-15)
    # cross-check that u minimises the radius u/(u-1) * (2 ln(1/alpha) + ln u) numerically
    m = minimize_scalar(lambda x: x / (x - 1) * (target + math.log(x)), bounds=(1.0001, 1000), method="bounded",
                        options={"xatol": 1e-10})
    assert abs(m.x - u) < 1e-4 * u, (m.x, u)
    return u, math.sqrt(u / (u - 1) * (target + math.log(u)))


def sample_sizes():
    cases = []
    for design in ("fixed", "msprt"):
        for alpha, power in ((0.05, 0.8), (0.01, 0.9), (0.1, 0.8)):
            critical = stats.norm.ppf(1 - alpha / 2) if design == "fixed" else msprt_critical(alpha)[1]
            for baseline, mde, ratio in ((0.1, 0.02, 1), (0.05, 0.005, 1), (0.3, -0.03, 0.25), (0.5, 0.1, 2)):
                t = baseline + mde
                cases.append({"kind": "proportions", "design": design, "alpha": alpha, "power": power,
                              "baseline": baseline, "mde": mde, "ratio": ratio,
                              **sample_size(baseline * (1 - baseline), t * (1 - t), mde, alpha, power, ratio, critical)})
            for sd, mde, ratio in ((1.0, 0.1, 1), (12.5, 2.0, 1), (3.0, -0.5, 0.5)):
                cases.append({"kind": "means", "design": design, "alpha": alpha, "power": power, "sd": sd, "mde": mde,
                              "ratio": ratio, **sample_size(sd ** 2, sd ** 2, mde, alpha, power, ratio, critical)})
    write("sample-size.json", cases)


def srm():
    cases = []
    for counts, weights in (([5000, 5000], [1, 1]), ([5100, 4900], [1, 1]), ([5500, 4500], [1, 1]),
                            ([50_210, 49_790], [0.5, 0.5]), ([8040, 1960], [80, 20]), ([3300, 3350, 3350], [1, 1, 1]),
                            ([1200, 1000, 800], [1, 1, 1]), ([10, 0], [1, 1]), ([900, 80, 20], [0.9, 0.08, 0.02]),
                            ([2512, 2488, 5000], [0.25, 0.25, 0.5])):
        w = np.array(weights, dtype=float)
        expected = sum(counts) * w / w.sum()
        r = stats.chisquare(counts, expected)
        cases.append({"counts": counts, "weights": weights, "statistic": float(r.statistic),
                      "degreesOfFreedom": len(counts) - 1, "pValue": float(r.pvalue)})
    write("srm.json", cases)


def bh_plain(ps):
    m = len(ps)
    order = sorted(range(m), key=lambda i: (ps[i], i))
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, m * ps[i] / rank)
        adjusted[i] = running
    return adjusted


def bh():
    rng = np.random.default_rng(20261203)
    sets = [[0.01, 0.04, 0.03, 0.005], [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216, 0.222,
                                         0.251, 0.269, 0.275, 0.34, 0.341, 0.384, 0.569, 0.594, 0.696, 0.762, 0.94,
                                         0.942, 0.975, 0.986], [0.5], [0.02, 0.02, 0.02], [0.9, 0.0, 1.0, 0.3],
            [float(x) for x in rng.uniform(0, 0.2, size=12)]]
    cases = []
    for ps in sets:
        adjusted = [float(x) for x in stats.false_discovery_control(ps, method="bh")]
        plain = bh_plain(ps)
        assert max(abs(a - b) for a, b in zip(adjusted, plain)) < 1e-12
        cases.append({"pValues": ps, "q": 0.05, "adjusted": adjusted, "rejected": [a <= 0.05 for a in adjusted]})
    write("benjamini-hochberg.json", cases)


def msprt_and_ztest():
    # arms: (n, mean, variance); proportions use p(1-p)
    arms = [((1000, 0.10, 0.09), (1000, 0.12, 0.12 * 0.88)),
            ((5000, 0.05, 0.05 * 0.95), (5000, 0.05, 0.05 * 0.95)),
            ((20_000, 0.2, 0.16), (5000, 0.21, 0.21 * 0.79)),
            ((400, 10.0, 25.0), (380, 11.2, 30.0)),
            ((100_000, 3.5, 4.0), (100_000, 3.49, 4.2)),
            ((250, 0.4, 0.24), (250, 0.2, 0.16))]
    cases = []
    for (nc, mc, vc), (nt, mt, vt) in arms:
        est = mt - mc
        var = vc / nc + vt / nt
        for tau2 in (0.0001, 0.01, 1.0):
            for alpha in (0.05, 0.01):
                for theta0 in (0.0, 0.01):
                    # mixture likelihood ratio by numerical integration of the normal likelihood ratio over
                    # theta ~ N(theta0, tau2): an independent check of the closed form
                    sd_mix = math.sqrt(tau2)
                    def integrand(z):
                        theta = theta0 + sd_mix * z
                        return stats.norm.pdf(z) * math.exp(((est - theta0) ** 2 - (est - theta) ** 2) / (2 * var))
                    from scipy.integrate import quad
                    closed = math.sqrt(var / (var + tau2)) * math.exp(tau2 * (est - theta0) ** 2 / (2 * var * (var + tau2)))
                    log_closed = 0.5 * math.log(var / (var + tau2)) + tau2 * (est - theta0) ** 2 / (2 * var * (var + tau2))
                    if log_closed < 50:
                        centre = (est - theta0) * tau2 / (var + tau2) / sd_mix  # posterior mode in z
                        width = math.sqrt(var / (var + tau2))
                        numeric, _ = quad(integrand, centre - 40 * width, centre + 40 * width, epsabs=0, epsrel=1e-12,
                                          limit=500)
                        assert abs(numeric - closed) <= 1e-8 * closed, (numeric, closed)
                    radius = math.sqrt(var * (var + tau2) / tau2 * (2 * math.log(1 / alpha) + math.log((var + tau2) / var)))
                    cases.append({"control": {"n": nc, "mean": mc, "variance": vc},
                                  "treatment": {"n": nt, "mean": mt, "variance": vt}, "tau2": tau2, "alpha": alpha,
                                  "nullValue": theta0, "logLikelihoodRatio": log_closed, "radius": radius})
    write("msprt.json", cases)

    horizon = []
    for alpha in (0.05, 0.01, 0.1, 0.2):
        u, c = msprt_critical(alpha)
        horizon.append({"alpha": alpha, "ratio": u, "criticalRatio": c})
    write("msprt-horizon.json", horizon)

    z_cases = []
    for (nc, mc, vc), (nt, mt, vt) in arms:
        for alpha in (0.05, 0.01):
            est = mt - mc
            se = math.sqrt(vc / nc + vt / nt)
            z = est / se
            p = 2 * stats.norm.sf(abs(z))
            half = stats.norm.ppf(1 - alpha / 2) * se
            z_cases.append({"control": {"n": nc, "mean": mc, "variance": vc},
                            "treatment": {"n": nt, "mean": mt, "variance": vt}, "alpha": alpha, "estimate": est,
                            "standardError": se, "z": z, "pValue": p, "lower": est - half, "upper": est + half})
    write("z-test.json", z_cases)

    normal = [{"z": z, "sf": float(stats.norm.sf(z)), "cdf": float(stats.norm.cdf(z))}
              for z in (-8.0, -3.0, -1.959963984540054, -0.5, 0.0, 0.3, 1.0, 2.5, 5.0, 10.0, 20.0, 37.0)]
    write("normal.json", normal)


if __name__ == "__main__":
    sample_sizes()
    srm()
    bh()
    msprt_and_ztest()
    print("wrote", sorted(os.listdir(OUT)))
