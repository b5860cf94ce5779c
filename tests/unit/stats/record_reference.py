#!/usr/bin/python3
"""Records reference_cases.json: the expected values of core/stats/, computed with
SciPy and statsmodels (Debian's python3-scipy and python3-statsmodels), an
implementation independent of Herald's C++ and of Boost.Math.

    /usr/bin/python3 tests/unit/stats/record_reference.py
    /usr/bin/python3 tests/unit/stats/record_reference.py --check   # the file is current


The GoogleTest in reference_test.cpp reads the JSON and checks every value to
1e-6 relative (1e-9 absolute near 0). Where SciPy/statsmodels has the function,
the script calls it; where it has none, the script computes the value from
scipy primitives and says so beside the case (marked "scipy primitives").
NaN is written as null, infinities as the strings "inf" and "-inf".
"""
import json
import math
import pathlib
import sys
import warnings

import numpy as np
from scipy import integrate, optimize, special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_confint,
                                          proportion_effectsize, proportions_ztest)

warnings.simplefilter("ignore", RuntimeWarning)  # statsmodels divides 0 by 0 on degenerate cases
OUT = pathlib.Path(__file__).with_name("reference_cases.json")
NAN = float("nan")


def num(x):
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def interval(low, high):
    return [num(low), num(high)]


# --- conversions -------------------------------------------------------------------------------

def wilson(conversions, n, confidence):
    if n == 0:
        return interval(NAN, NAN)
    low, high = proportion_confint(conversions, n, alpha=1 - confidence, method="wilson")
    return interval(max(0.0, low), min(1.0, high))


def relative(control, variant, se_control, se_variant, critical):
    # Delta method (GrowthBook's TTest.variance): scipy primitives only, statsmodels has none.
    if control == 0:
        return None, interval(NAN, NAN), False
    lift = variant / control - 1
    var = se_variant**2 / control**2 + variant**2 * se_control**2 / control**4
    half = critical * math.sqrt(var)
    return lift, interval(lift - half, lift + half), True


def compare_conversions(xc, nc, xv, nv, confidence):
    if nc == 0 or nv == 0:
        return {"defined": False}
    pc, pv = xc / nc, xv / nv
    alpha = 1 - confidence
    abs_low, abs_high = confint_proportions_2indep(xv, nv, xc, nc, method="wald", compare="diff",
                                                   alpha=alpha)
    _, p_value = proportions_ztest([xv, xc], [nv, nc])
    if math.isnan(p_value):
        # statsmodels divides 0 by 0 when both arms converted none or all: Herald's p = 1.
        assert (xc + xv) in (0, nc + nv)
        p_value = 1.0
    z = stats.norm.ppf(1 - alpha / 2)
    rel, rel_ci, rel_defined = relative(pc, pv, math.sqrt(pc * (1 - pc) / nc),
                                        math.sqrt(pv * (1 - pv) / nv), z)
    return {"defined": True, "control": pc, "variant": pv, "variant_ci": wilson(xv, nv, confidence),
            "abs_lift": pv - pc, "abs_ci": interval(abs_low, abs_high), "rel_defined": rel_defined,
            "rel_lift": num(rel if rel is not None else NAN), "rel_ci": rel_ci,
            "p_value": p_value}


# --- values ------------------------------------------------------------------------------------

def arm_of(values):
    values = [float(v) for v in values]
    return {"n": len(values), "sum": sum(values), "sum_sq": sum(v * v for v in values)}


def arm_of_moments(n, mean, sd):
    total = mean * n
    return {"n": n, "sum": total, "sum_sq": (n - 1) * sd * sd + total * total / n}


def moments(arm):
    n = arm["n"]
    mean = arm["sum"] / n
    var = max(0.0, (arm["sum_sq"] - arm["sum"] ** 2 / n) / (n - 1))
    return n, mean, var


def compare_means(control, variant, confidence):
    if control["n"] < 2 or variant["n"] < 2:
        return {"defined": False}
    nc, mc, vc = moments(control)
    nv, mv, vv = moments(variant)
    alpha = 1 - confidence
    if vv > 0:
        vlow, vhigh = stats.t.interval(confidence, nv - 1, loc=mv, scale=math.sqrt(vv / nv))
    else:
        vlow = vhigh = mv
    out = {"defined": True, "control": mc, "variant": mv, "variant_ci": interval(vlow, vhigh),
           "abs_lift": mv - mc}
    se2 = vc / nc + vv / nv
    if se2 == 0:
        # scipy returns NaN (0/0) or infinities here; Herald: an exact difference.
        out.update(abs_ci=interval(mv - mc, mv - mc), p_value=1.0 if mv == mc else 0.0)
        rel, rel_ci, rel_defined = relative(mc, mv, 0.0, 0.0, 0.0)
    else:
        _, p_value = stats.ttest_ind_from_stats(mv, math.sqrt(vv), nv, mc, math.sqrt(vc), nc,
                                                equal_var=False)
        # Welch–Satterthwaite df and the t interval: scipy primitives (ttest_ind_from_stats
        # gives no interval).
        df = se2**2 / ((vc / nc) ** 2 / (nc - 1) + (vv / nv) ** 2 / (nv - 1))
        t = stats.t.ppf(1 - alpha / 2, df)
        half = t * math.sqrt(se2)
        out.update(abs_ci=interval(mv - mc - half, mv - mc + half), p_value=p_value)
        rel, rel_ci, rel_defined = relative(mc, mv, math.sqrt(vc / nc), math.sqrt(vv / nv), t)
    out.update(rel_defined=rel_defined, rel_lift=num(rel if rel is not None else NAN), rel_ci=rel_ci)
    return out


# --- Bayesian ----------------------------------------------------------------------------------

def beta_exact_chance(ac, bc, av, bv):
    # Evan Miller's closed form of P(B > A) for integer parameters (small counts only):
    # the cross-check of the quadrature below.
    total = 0.0
    for i in range(int(av)):
        total += math.exp(special.betaln(ac + i, bv + bc) - math.log(bv + i)
                          - special.betaln(1 + i, bv) - special.betaln(ac, bc))
    return total


def beta_chance(xc, nc, xv, nv):
    # scipy primitives: scipy.integrate.quad of pdf_B x cdf_A over B's posterior, and the loss
    # E[max(A - B, 0)] as a double integral: quad over B of pdf_B(b) x quad over a > b of sf_A(a).
    A = stats.beta(1 + xc, 1 + nc - xc)
    B = stats.beta(1 + xv, 1 + nv - xv)
    lo, hi = B.ppf(1e-16), B.isf(1e-16)
    points = [p for p in (A.mean(), B.mean()) if lo < p < hi]
    opts = dict(epsabs=1e-14, epsrel=1e-12, limit=1000)
    chance = integrate.quad(lambda x: B.pdf(x) * A.cdf(x), lo, hi, points=points or None, **opts)[0]
    chance += B.sf(hi)
    a_hi = A.isf(1e-16)

    def expected_excess(b):  # E[max(A - b, 0)] = integral over a in (b, 1) of P(A > a)
        return integrate.quad(A.sf, b, max(b, a_hi), epsabs=1e-15, epsrel=1e-11, limit=200)[0]

    loss_variant = integrate.quad(lambda b: B.pdf(b) * expected_excess(b), lo, hi,
                                  points=points or None, **opts)[0]
    loss_control = loss_variant + B.mean() - A.mean()
    if nc + nv < 10000:  # betaln of parameters near 10^6 loses ~1e-9 to cancellation
        exact = beta_exact_chance(1 + xc, 1 + nc - xc, 1 + xv, 1 + nv - xv)
        assert abs(exact - chance) < 1e-9, (xc, nc, xv, nv, exact, chance)
    return {"defined": True, "chance_to_beat": chance, "loss_variant": loss_variant,
            "loss_control": max(0.0, loss_control)}


def normal_chance(control, variant):
    # GrowthBook's EffectBayesianABTest with a flat prior on the absolute difference:
    # chance = norm.sf(0, d, se); risks as gbstats get_risk: P x truncated-normal means
    # (scipy.stats.truncnorm).
    if control["n"] < 2 or variant["n"] < 2:
        return {"defined": False}
    nc, mc, vc = moments(control)
    nv, mv, vv = moments(variant)
    d, se = mv - mc, math.sqrt(vc / nc + vv / nv)
    if se == 0:
        return {"defined": True, "chance_to_beat": 1.0 if d > 0 else 0.0 if d < 0 else 0.5,
                "loss_variant": max(-d, 0.0), "loss_control": max(d, 0.0)}
    p_neg = stats.norm.cdf(0, d, se)
    mean_neg = stats.truncnorm.mean(-np.inf, (0 - d) / se, loc=d, scale=se)
    mean_pos = stats.truncnorm.mean((0 - d) / se, np.inf, loc=d, scale=se)
    loss_variant = -p_neg * mean_neg if p_neg > 0 else 0.0
    loss_control = (1 - p_neg) * mean_pos if p_neg < 1 else 0.0
    return {"defined": True, "chance_to_beat": stats.norm.sf(0, d, se),
            "loss_variant": max(0.0, loss_variant), "loss_control": max(0.0, loss_control)}


# --- the rest ----------------------------------------------------------------------------------

def srm(observed, weights):
    total, wsum = sum(observed), sum(weights)
    if total == 0:
        return NAN
    if any(w == 0 and o > 0 for o, w in zip(observed, weights)):
        return 0.0  # Herald's rule: an arm of weight 0 must stay empty
    kept = [(o, w) for o, w in zip(observed, weights) if w > 0]
    if len(kept) < 2:
        return 1.0
    return stats.chisquare([o for o, _ in kept], f_exp=[total * w / wsum for _, w in kept]).pvalue


def holm(p_values):
    # NaN entries stay NaN and are not counted (R's p.adjust); multipletests on the others.
    kept = [p for p in p_values if not math.isnan(p)]
    adjusted = iter(multipletests(kept, method="holm")[1]) if kept else iter(())
    return [NAN if math.isnan(p) else next(adjusted) for p in p_values]


def confidence_sequence(estimate, variance, n_total, alpha, tuning):
    # gbstats sequential_rho and sequential_interval_halfwidth, transcribed (gbstats is not
    # packaged in Debian): numpy primitives.
    rho = np.sqrt((-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / tuning)
    s2 = variance * n_total
    half = np.sqrt(s2) * np.sqrt((2 * (n_total * rho**2 + 1))
                                 * np.log(np.sqrt(n_total * rho**2 + 1) / alpha)
                                 / (n_total * rho) ** 2)
    return interval(estimate - half, estimate + half)


def sample_size(p1, mde, alpha, power):
    h = proportion_effectsize(p1 * (1 + mde), p1)
    return math.ceil(NormalIndPower().solve_power(effect_size=h, alpha=alpha, power=power,
                                                  ratio=1))


def mde(p1, n, alpha, power):
    # solve_power stops at statsmodels' default tolerance (~1e-6 relative on h); the value is
    # the root of statsmodels' own power function, solved to 1e-15 by scipy's brentq.
    analysis = NormalIndPower()
    rough = analysis.solve_power(effect_size=None, nobs1=n, alpha=alpha, power=power, ratio=1)
    h = optimize.brentq(lambda e: analysis.power(e, n, alpha, ratio=1) - power, 1e-12, 10,
                        xtol=1e-15, rtol=1e-15)
    assert abs(h - abs(rough)) < 1e-4 * h, (h, rough)
    angle = math.asin(math.sqrt(p1)) + abs(h) / 2  # proportion_effectsize inverted: scipy-free
    if angle > math.pi / 2:
        return math.inf
    return math.sin(angle) ** 2 / p1 - 1


def nps_figures(promoters, passives, detractors, confidence):
    # The multinomial covariance of the three shares, projected on (1, 0, -1): numpy.
    n = promoters + passives + detractors
    if n == 0:
        return {"defined": False, "n": 0}
    p = np.array([promoters, passives, detractors], dtype=float) / n
    cov = (np.diag(p) - np.outer(p, p)) / n
    c = np.array([1.0, 0.0, -1.0])
    se = 100 * math.sqrt(max(0.0, c @ cov @ c))
    score = 100 * (p[0] - p[2])
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    return {"defined": True, "n": n, "score": score, "standard_error": se,
            "ci": interval(max(-100, score - z * se), min(100, score + z * se))}


def nps_difference(a, b, confidence):
    if not (a["defined"] and b["defined"]):
        return {"defined": False, "n": a["n"] + b["n"]}
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    score = b["score"] - a["score"]
    se = math.hypot(a["standard_error"], b["standard_error"])
    return {"defined": True, "n": a["n"] + b["n"], "score": score, "standard_error": se,
            "ci": interval(max(-200, score - z * se), min(200, score + z * se))}


def csat(satisfied, n, confidence):
    if n == 0:
        return {"defined": False, "n": 0}
    low, high = wilson(satisfied, n, confidence)
    return {"defined": True, "n": n, "percent": 100 * satisfied / n,
            "ci": [100 * low, 100 * high]}


# --- decide: the rule applied to the reference figures above ------------------------------------

def decide(rule, goal, arms):
    k = len(arms) - 1
    higher = rule["higher_is_better"]
    comparisons, bayes, sequences = [], [], []
    for arm in arms[1:]:
        c = arms[0]
        if goal == "conversion":
            comp = compare_conversions(c["sum"], c["n"], arm["sum"], arm["n"], 1 - rule["alpha"])
            b = beta_chance(c["sum"], c["n"], arm["sum"], arm["n"])
            var = sum((a["sum"] / a["n"]) * (1 - a["sum"] / a["n"]) / a["n"] for a in (c, arm))
        else:
            comp = compare_means(c, arm, 1 - rule["alpha"])
            b = normal_chance(c, arm)
            var = sum(moments(a)[2] / a["n"] for a in (c, arm))
        if not higher:
            b = dict(b, chance_to_beat=1 - b["chance_to_beat"], loss_variant=b["loss_control"],
                     loss_control=b["loss_variant"])
        comparisons.append(comp)
        bayes.append(b)
        sequences.append(confidence_sequence(comp["abs_lift"], var, c["n"] + arm["n"],
                                             rule["alpha"] / k, rule["tuning"]))
    ready = min(a["n"] for a in arms) >= rule["min_sample"]
    winner = -1
    if ready and rule["kind"] == "sequential":
        better = [i for i, (low, high) in enumerate(sequences) if (low > 0 if higher else high < 0)]
        if better:
            sign = 1 if higher else -1
            winner = 1 + max(better, key=lambda i: sign * comparisons[i]["abs_lift"])
        elif all((high < 0 if higher else low > 0) for low, high in sequences):
            winner = 0
    elif ready:
        chances = [b["chance_to_beat"] for b in bayes]
        best = max(range(k), key=lambda i: chances[i])
        if chances[best] >= rule["threshold"]:
            winner = best + 1
        elif all(ch <= 1 - rule["threshold"] for ch in chances):
            winner = 0
    return {"winner": winner, "ready": ready, "sequential": sequences,
            "chance_to_beat": [b["chance_to_beat"] for b in bayes],
            "p_holm": [num(p) for p in holm([c["p_value"] for c in comparisons])]}


def main():
    cases = []

    def add(function, inputs, expected, note=""):
        case = {"function": function, "inputs": inputs, "expected": expected}
        if note:
            case["note"] = note
        cases.append(case)

    for conversions, n, confidence in [(0, 1, 0.95), (1, 1, 0.95), (0, 5, 0.95), (5, 5, 0.95),
                                       (1, 3, 0.95), (2, 5, 0.9), (50, 1000, 0.95),
                                       (50, 1000, 0.99), (123456, 1000000, 0.95), (0, 0, 0.95)]:
        add("wilson", {"conversions": conversions, "n": n, "confidence": confidence},
            {"interval": wilson(conversions, n, confidence)})

    conversion_pairs = [
        ((1, 5), (2, 5), 0.95, "tiny arms"), ((0, 5), (3, 5), 0.95, "control converted none"),
        ((5, 5), (5, 5), 0.95, "100% in both arms"), ((0, 4), (0, 4), 0.95, "no conversions"),
        ((0, 3), (3, 3), 0.95, "0% against 100%"), ((1, 1), (0, 2), 0.95, "n = 1"),
        ((20, 1000), (60, 1000), 0.95, "extreme lift (x3)"),
        ((100, 1000), (105, 1000), 0.95, "small lift"),
        ((30, 200), (80, 2000), 0.95, "unequal arms"), ((10, 100), (1, 100), 0.9, "big drop"),
        ((50000, 1000000), (51000, 1000000), 0.95, "10^6 per arm"),
        ((5, 1000000), (15, 1000000), 0.95, "rare event, 10^6 per arm"),
        ((3, 7), (0, 0), 0.95, "an empty arm")]
    for (xc, nc), (xv, nv), confidence, note in conversion_pairs:
        inputs = {"control": {"n": nc, "sum": xc, "sum_sq": xc},
                  "variant": {"n": nv, "sum": xv, "sum_sq": xv}, "confidence": confidence}
        add("compareConversions", inputs, compare_conversions(xc, nc, xv, nv, confidence), note)
        if nc > 0 or nv > 0:
            add("betaChanceToBeat", inputs, beta_chance(xc, nc, xv, nv), note)
    for (xc, nc), (xv, nv), note in [((0, 0), (0, 0), "no data: both Beta(1, 1)"),
                                     ((0, 1), (1, 1), "one recipient each"),
                                     ((5, 5), (0, 5), "100% against 0%"),
                                     ((1000, 1000), (999, 1000), "near 100%"),
                                     ((50000, 1000000), (50000, 1000000), "equal, 10^6"),
                                     ((50000, 1000000), (50300, 1000000), "close, 10^6"),
                                     ((40, 1000000), (4, 10), "a spike against a wide posterior")]:
        inputs = {"control": {"n": nc, "sum": xc, "sum_sq": xc},
                  "variant": {"n": nv, "sum": xv, "sum_sq": xv}}
        add("betaChanceToBeat", inputs, beta_chance(xc, nc, xv, nv), note)

    value_pairs = [
        (arm_of([0, 0, 10]), arm_of([0, 5, 5, 20]), 0.95, "tiny arms"),
        (arm_of([1, 2]), arm_of([3, 4]), 0.95, "n = 2"),
        (arm_of([0, 0, 0, 0]), arm_of([0, 0, 0, 0]), 0.95, "no revenue at all"),
        (arm_of([1, 1, 1]), arm_of([2, 2, 2]), 0.95, "no spread, different means"),
        (arm_of([0, 0, 0]), arm_of([0, 1, 3]), 0.95, "control mean 0"),
        (arm_of([-5, 10, 0, 20, 3]), arm_of([12, -1, 40, 0, 7, 9]), 0.9, "refunds (negative)"),
        (arm_of([7]), arm_of([1, 2, 3]), 0.95, "n = 1: undefined"),
        (arm_of_moments(200, 10.0, 30.0), arm_of_moments(5000, 12.0, 40.0), 0.95, "unequal arms"),
        (arm_of_moments(1000000, 2.5, 12.0), arm_of_moments(1000000, 2.56, 12.5), 0.95,
         "10^6 per arm"),
        (arm_of_moments(50, 1.0, 0.5), arm_of_moments(50, 4.0, 0.7), 0.95, "extreme lift")]
    for control, variant, confidence, note in value_pairs:
        inputs = {"control": control, "variant": variant, "confidence": confidence}
        add("compareMeans", inputs, compare_means(control, variant, confidence), note)
        add("normalChanceToBeat", {"control": control, "variant": variant},
            normal_chance(control, variant), note)

    for observed, weights in [([5000, 5000], [0.5, 0.5]), ([5100, 4900], [1, 1]),
                              ([500000, 300000, 200000], [50, 30, 20]),
                              ([500800, 299500, 199700], [0.5, 0.3, 0.2]),
                              ([10, 0], [1, 1]), ([1, 2, 3], [1, 1, 1]), ([0, 0], [1, 1]),
                              ([10, 0], [1, 0]), ([10, 1], [1, 0]), ([5, 5, 0], [1, 1, 0]),
                              ([1, 0], [1, 1])]:
        add("srmPValue", {"observed": observed, "weights": weights},
            {"p_value": num(srm(observed, weights))})

    for p_values in [[0.01, 0.04, 0.03], [0.5], [0.001, 0.2, 0.04, 0.04], [1.0, 0.0, 0.5],
                     [0.02, NAN, 0.03], [0.3, 0.2, 0.01, 0.9, 0.049]]:
        add("holm", {"p_values": [num(p) for p in p_values]},
            {"adjusted": [num(p) for p in holm(p_values)]})

    for estimate, variance, n_total, alpha, tuning in [
            (0.01, 1e-5, 2000, 0.05, 5000), (0.01, 1e-5, 200, 0.025, 5000),
            (-0.5, 0.04, 1000000, 0.05, 5000), (0.0, 0.0, 10, 0.05, 5000),
            (2.0, 1.0, 1, 0.01, 100), (0.003, 2e-7, 100000, 0.0125, 20000)]:
        add("confidenceSequence", {"estimate": estimate, "variance": variance, "n_total": n_total,
                                   "alpha": alpha, "tuning": tuning},
            {"interval": confidence_sequence(estimate, variance, n_total, alpha, tuning)})

    for p1, relative_mde, alpha, power in [(0.05, 0.10, 0.05, 0.8), (0.05, 0.2, 0.05, 0.8),
                                           (0.2, -0.1, 0.05, 0.8), (0.01, 0.05, 0.05, 0.8),
                                           (0.5, 0.5, 0.05, 0.8), (0.3, 1.0, 0.01, 0.9),
                                           (0.02, 0.3, 0.1, 0.95)]:
        add("sampleSizePerVariant", {"baseline_rate": p1, "relative_mde": relative_mde,
                                     "alpha": alpha, "power": power},
            {"n": sample_size(p1, relative_mde, alpha, power)})
    for p1, n, alpha, power in [(0.05, 1000, 0.05, 0.8), (0.05, 100000, 0.05, 0.8),
                                (0.2, 50, 0.05, 0.8), (0.5, 10, 0.05, 0.8), (0.9, 5, 0.05, 0.8),
                                (0.01, 1000000, 0.01, 0.9)]:
        add("minimumDetectableEffect", {"baseline_rate": p1, "n_per_variant": n, "alpha": alpha,
                                        "power": power},
            {"relative": num(mde(p1, n, alpha, power))})

    surveys = [(50, 30, 20, 0.95), (0, 0, 1, 0.95), (1, 0, 0, 0.95), (0, 0, 0, 0.95),
               (5000, 3000, 2000, 0.9), (10, 0, 10, 0.95), (2, 1, 0, 0.95)]
    for promoters, passives, detractors, confidence in surveys:
        add("nps", {"promoters": promoters, "passives": passives, "detractors": detractors,
                    "confidence": confidence},
            nps_figures(promoters, passives, detractors, confidence))
    for a, b, confidence in [((50, 30, 20), (60, 25, 15), 0.95), ((0, 0, 3), (3, 0, 0), 0.95),
                             ((5000, 3000, 2000), (480, 320, 200), 0.9), ((0, 0, 0), (1, 1, 1), 0.95)]:
        add("npsDifference", {"from": list(a), "to": list(b), "confidence": confidence},
            nps_difference(nps_figures(*a, confidence), nps_figures(*b, confidence), confidence))
    for satisfied, n, confidence in [(0, 0, 0.95), (3, 4, 0.95), (400, 500, 0.9), (10, 10, 0.95)]:
        add("csat", {"satisfied": satisfied, "n": n, "confidence": confidence},
            csat(satisfied, n, confidence))

    def conv(x, n):
        return {"n": n, "sum": x, "sum_sq": x}

    base = {"kind": "sequential", "alpha": 0.05, "threshold": 0.95, "min_sample": 100,
            "higher_is_better": True, "tuning": 5000}
    for rule, goal, arms, note in [
            (base, "conversion", [conv(100, 2000), conv(190, 2000)], "sequential: a clear win"),
            (base, "conversion", [conv(100, 2000), conv(115, 2000)], "sequential: not yet"),
            (base, "conversion", [conv(200, 2000), conv(100, 2000), conv(120, 2000)],
             "sequential: control wins, three arms"),
            (base, "conversion", [conv(100, 2000), conv(160, 2000), conv(200, 2000)],
             "sequential: the best of two winners"),
            (dict(base, higher_is_better=False), "conversion",
             [conv(100, 2000), conv(40, 2000)], "sequential: lower is better"),
            (dict(base, min_sample=500), "conversion", [conv(10, 400), conv(40, 600)],
             "not ready"),
            (dict(base, kind="bayesian"), "conversion", [conv(100, 2000), conv(125, 2000)],
             "bayesian: a win"),
            (dict(base, kind="bayesian"), "conversion", [conv(100, 2000), conv(112, 2000)],
             "bayesian: no winner"),
            (dict(base, kind="bayesian", higher_is_better=False), "conversion",
             [conv(100, 2000), conv(130, 2000), conv(135, 2000)],
             "bayesian, lower is better: control wins"),
            (dict(base, kind="bayesian", threshold=0.9, min_sample=50), "value",
             [arm_of_moments(400, 10.0, 20.0), arm_of_moments(400, 12.5, 22.0)],
             "bayesian, value goal"),
            (dict(base, min_sample=50), "value",
             [arm_of_moments(3000, 10.0, 20.0), arm_of_moments(3000, 13.0, 22.0)],
             "sequential, value goal")]:
        add("decide", {"rule": rule, "goal": goal, "arms": arms}, decide(rule, goal, arms), note)

    if "--check" in sys.argv[1:]:
        recorded = json.loads(OUT.read_text())
        if not same(recorded, json.loads(json.dumps(cases))):
            print(f"{OUT} is not what this script records today: rerun it", file=sys.stderr)
            sys.exit(1)
        print(f"{OUT}: {len(cases)} cases, current")
        return
    OUT.write_text(json.dumps(cases, indent=1, allow_nan=False) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


def same(a, b):
    """Equal JSON, numbers to 1e-12 relative (another SciPy build may differ in the last bits)."""
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, (int, float)) and isinstance(b, (int, float))
                and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


if __name__ == "__main__":
    main()
