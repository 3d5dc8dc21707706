// tessera/drift/detail/ks_exact.hpp — exact p-values of the two-sample
// Kolmogorov-Smirnov statistic, as scipy.stats.ks_2samp computes them
// (scipy/stats/_stats_py.py `_attempt_exact_2kssamp` and helpers,
// scipy/stats/_stats_pythran.py `_compute_outer_prob_inside_method`).
//
// With g = gcd(n1, n2), lcm = n1 n2 / g and h = round(D lcm):
//   two-sided, n1 == n2: P(D >= h/n) by the alternating binomial series in
//     Horner form (`_compute_prob_outside_square`);
//   two-sided, n1 != n2: Hodges' "inside" lattice-path method (Drion, Gnedenko,
//     Korolyuk), computing 1 - p directly by Viehmann's recursion
//     (arXiv 2102.08037);
//   one-sided, n1 == n2: prod_{j<h} (n-j)/(n+j+1);
//   one-sided, n1 != n2: Hodges' count of the paths crossing the boundary,
//     divided by C(n1+n2, n1).
// scipy gives up (and falls back to the asymptotic formula, with a warning)
// when the one-sided count overflows a double or any probability leaves
// [0, 1]; `exact_result::ok` reports that so ks.hpp can mirror it.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

namespace tessera::drift::detail {

struct exact_result {
    bool ok = false;  // false: scipy would fall back to the asymptotic p-value
    double d = 0.0;   // the statistic rounded onto the lattice: h / lcm
    double p = std::numeric_limits<double>::quiet_NaN();
};

// Pr(D_{n,n} >= h/n), two-sided.
inline double prob_outside_square(std::int64_t n, std::int64_t h) {
    double P = 0.0;
    std::int64_t k = n / h;
    while (k >= 0) {
        double p1 = 1.0;
        for (std::int64_t j = 0; j < h; ++j)
            p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
        P = p1 * (1.0 - P);
        --k;
    }
    return 2 * P;
}

// The proportion of lattice paths from (0,0) to (m,n) leaving |x/m - y/n| < h/lcm.
inline double outer_prob_inside(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h) {
    if (m < n) std::swap(m, n);
    const std::int64_t mg = m / g;
    const std::int64_t ng = n / g;
    const double hd = static_cast<double>(h), mgd = static_cast<double>(mg), ngd = static_cast<double>(ng);
    std::int64_t minj = 0;
    std::int64_t maxj = std::min(static_cast<std::int64_t>(std::ceil(hd / mgd)), n + 1);
    std::int64_t curlen = maxj - minj;
    const std::int64_t lenA = std::min(2 * maxj + 2, n + 1);
    std::vector<double> A(static_cast<std::size_t>(lenA), 1.0);
    for (std::int64_t j = minj; j < maxj && j < lenA; ++j) A[static_cast<std::size_t>(j)] = 0.0;
    for (std::int64_t i = 1; i <= m; ++i) {
        const std::int64_t lastminj = minj, lastlen = curlen;
        minj = std::max(static_cast<std::int64_t>(std::floor((ngd * static_cast<double>(i) - hd) / mgd)) + 1,
                        std::int64_t{0});
        minj = std::min(minj, n);
        maxj = std::min(static_cast<std::int64_t>(std::ceil((ngd * static_cast<double>(i) + hd) / mgd)), n + 1);
        if (maxj <= minj) return 1.0;
        double val = minj == 0 ? 0.0 : 1.0;
        for (std::int64_t jj = 0; jj < maxj - minj; ++jj) {
            const std::int64_t j = jj + minj;
            val = (A[static_cast<std::size_t>(jj + minj - lastminj)] * static_cast<double>(i) +
                   val * static_cast<double>(j)) /
                  static_cast<double>(i + j);
            A[static_cast<std::size_t>(jj)] = val;
        }
        curlen = maxj - minj;
        if (lastlen > curlen)
            for (std::int64_t j = maxj - minj; j < maxj - minj + (lastlen - curlen) && j < lenA; ++j)
                A[static_cast<std::size_t>(j)] = 1.0;
    }
    return A[static_cast<std::size_t>(maxj - minj - 1)];
}

// Binomial coefficients C(a, b) for a <= top from a table of log-factorials in
// long double (relative error ~1e-16 up to a few thousand); inf on overflow.
class binomial_table {
public:
    explicit binomial_table(std::int64_t top) : lf_(static_cast<std::size_t>(top) + 1, 0.0L) {
        for (std::size_t i = 1; i < lf_.size(); ++i)
            lf_[i] = lf_[i - 1] + std::log(static_cast<long double>(i));
    }
    double operator()(std::int64_t a, std::int64_t b) const {
        if (b < 0 || b > a) return 0.0;
        if (b > a - b) b = a - b;
        if (b < 20) {  // a short exact-ish product
            long double r = 1.0L;
            for (std::int64_t i = 1; i <= b; ++i)
                r = r * static_cast<long double>(a - b + i) / static_cast<long double>(i);
            return static_cast<double>(r);
        }
        const long double l = lf_[static_cast<std::size_t>(a)] - lf_[static_cast<std::size_t>(b)] -
                              lf_[static_cast<std::size_t>(a - b)];
        if (l > 709.78L) return std::numeric_limits<double>::infinity();
        return static_cast<double>(std::exp(l));
    }

private:
    std::vector<long double> lf_;
};

// Number of paths from (0,0) to (m,n) reaching m y <= n x - h g (one-sided).
inline double count_paths_outside(std::int64_t m, std::int64_t n, std::int64_t g, std::int64_t h,
                                  const binomial_table& C) {
    if (m < n) std::swap(m, n);
    const std::int64_t mg = m / g;
    const std::int64_t ng = n / g;
    // Python floor division: (mg - h) // mg
    const std::int64_t num = mg - h;
    const std::int64_t fd = num >= 0 ? num / mg : -((-num + mg - 1) / mg);
    const std::int64_t lxj = n + fd;
    if (lxj <= 0) return C(m + n, n);
    std::vector<std::int64_t> xj(static_cast<std::size_t>(lxj));
    for (std::int64_t j = 0; j < lxj; ++j) xj[static_cast<std::size_t>(j)] = (h + mg * j + ng - 1) / ng;
    std::vector<double> B(static_cast<std::size_t>(lxj), 0.0);
    B[0] = 1.0;
    for (std::int64_t j = 1; j < lxj; ++j) {
        const std::int64_t xjj = xj[static_cast<std::size_t>(j)];
        double Bj = C(xjj + j, j);
        for (std::int64_t i = 0; i < j; ++i)
            Bj -= C(xjj - xj[static_cast<std::size_t>(i)] + j - i, j - i) * B[static_cast<std::size_t>(i)];
        B[static_cast<std::size_t>(j)] = Bj;
    }
    double paths = 0.0;
    for (std::int64_t j = 0; j < lxj; ++j)
        paths += B[static_cast<std::size_t>(j)] * C((m - xj[static_cast<std::size_t>(j)]) + (n - j), n - j);
    return paths;
}

// scipy `_attempt_exact_2kssamp`: `two_sided` false means one-sided (the p-value
// of less and greater is the same function of their own statistic).
inline exact_result attempt_exact(std::int64_t n1, std::int64_t n2, double d, bool two_sided) {
    const std::int64_t g = std::gcd(n1, n2);
    const std::int64_t lcm = (n1 / g) * n2;
    const auto h = static_cast<std::int64_t>(std::nearbyint(d * static_cast<double>(lcm)));
    exact_result r;
    r.d = static_cast<double>(h) * 1.0 / static_cast<double>(lcm);
    if (h == 0) {
        r.ok = true;
        r.p = 1.0;
        return r;
    }
    double p;
    if (two_sided) {
        p = n1 == n2 ? prob_outside_square(n1, h) : outer_prob_inside(n1, n2, g, h);
    } else if (n1 == n2) {
        p = 1.0;
        for (std::int64_t j = 0; j < h; ++j)
            p *= static_cast<double>(n1 - j) / (static_cast<double>(n1) + static_cast<double>(j) + 1.0);
    } else {
        // scipy overflows (and falls back) whenever C(n1+n2, n1) is not finite;
        // checking that first spares the quadratic count.
        const binomial_table C(n1 + n2);
        const double total = C(n1 + n2, n1);
        if (!std::isfinite(total)) return r;
        const double paths = count_paths_outside(n1, n2, g, h, C);
        if (!std::isfinite(paths) || paths > total) return r;
        p = paths / total;
    }
    r.p = p;
    r.ok = std::isfinite(p) && p >= 0.0 && p <= 1.0;
    return r;
}

}  // namespace tessera::drift::detail
