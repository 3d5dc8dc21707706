// tessera/drift/detail/kolmogorov.hpp — the one-sample Kolmogorov-Smirnov
// distributions that ks_2samp's asymptotic two-sided p-value needs.
//
// kolmogn_sf(n, x) = P(D_n > x), scipy.stats.kstwo.sf(x, n): Simard & L'Ecuyer
// (2011)'s choice of algorithm by (n, n x^2), as scipy/stats/_ksstats.py
// (`_kolmogn`) makes it: Ruben-Gambino closed forms near the ends, Durbin's
// matrix (Marsaglia-Tsang-Wang 2003), Pomeranz (1974), Pelz-Good (1976), and
// 2 * smirnov(n, x) in the upper tail. smirnov_sf(n, x) = P(D_n^+ > x) is the
// Birnbaum-Tingey sum of scipy.special.smirnov (cephes kolmogorov.c,
// van Mulbregt 2018). scipy sums it in double-double; here the terms are
// formed in log space in double (all terms are positive, so the relative error
// stays near n * |log term| * eps, far below the 1e-6 the tests hold us to).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

namespace tessera::drift::detail {

inline double clip_prob(double p) noexcept { return p < 0.0 ? 0.0 : (p > 1.0 ? 1.0 : p); }

// floor(n x) and the exact remainder n x - floor(n x) in [0, 1) (cephes modNX).
inline void mod_nx(std::int64_t n, double x, std::int64_t& nxfl, double& alpha) noexcept {
    const double nd = static_cast<double>(n);
    const double nx = nd * x;
    const double err = std::fma(nd, x, -nx);  // n x = nx + err exactly
    double fl = std::floor(nx);
    alpha = (nx - fl) + err;
    if (alpha < 0.0) {
        fl -= 1.0;
        alpha += 1.0;
    }
    if (alpha >= 1.0) {
        fl += 1.0;
        alpha -= 1.0;
    }
    nxfl = static_cast<std::int64_t>(fl);
}

// P(D_n^+ > x), scipy.special.smirnov(n, x), for 0 <= x <= 1.
inline double smirnov_sf(std::int64_t n, double x) {
    if (!(n > 0 && x >= 0.0 && x <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
    if (n == 1) return 1.0 - x;
    if (x == 0.0) return 1.0;
    if (x == 1.0) return 0.0;
    const double nd = static_cast<double>(n);
    std::int64_t nxfl = 0;
    double alpha = 0.0;
    mod_nx(n, x, nxfl, alpha);
    std::int64_t last = n - nxfl - (alpha == 0.0 ? 0 : 1);  // n1mxfl
    if (alpha == 0.0) last -= 1;
    if (nxfl == 0 || (nxfl == 1 && alpha == 0.0))  // x <= 1/n
        return clip_prob(1.0 - x * std::pow(1.0 + x, static_cast<double>(n - 1)));
    constexpr double min_log = -7.08396418532264106224e2;  // cephes MINLOG
    if (-2.0 * nd * x * x < min_log) return 0.0;
    if (nxfl >= n - 1) return clip_prob(std::pow(1.0 - x, nd));
    if (n > 1000000) {  // cephes SMIRNOV_MAX_COMPUTE_N: p ~ exp(-(6nx+1)^2 / 18n)
        const double logp = -std::pow(6.0 * nd * x + 1.0, 2) / 18.0 / nd;
        return clip_prob(logp < -std::numbers::ln2 ? std::exp(logp) : 1.0 + std::expm1(logp));
    }
    // sf = x * sum_{v=0}^{last} C(n, v) (1 - x - v/n)^(n-v) (x + v/n)^(v-1)
    const std::int64_t terms = last + 1;
    double log_c = 0.0;  // log C(n, v)
    double sum = 0.0;
    for (std::int64_t v = 0; v < terms; ++v) {
        const double vd = static_cast<double>(v);
        // n - v - n x and n x + v, with n x = nxfl + alpha split exactly
        const double lo = (static_cast<double>(n - v - nxfl) - alpha) / nd;
        const double hi = (static_cast<double>(nxfl + v) + alpha) / nd;
        const double a = std::exp(log_c + (nd - vd) * std::log(lo) + (vd - 1.0) * std::log(hi));
        sum += a;
        if (a != 0.0) {
            if (4.0 * static_cast<double>(terms - v) * a < std::numeric_limits<double>::epsilon() * sum &&
                v != terms - 1)
                break;
        } else if (v > n / 2) {
            break;
        }
        log_c += std::log((nd - vd) / (vd + 1.0));
    }
    return clip_prob(x * sum);
}

// log(n! / n^n) by Stirling's series (scipy _log_nfactorial_div_n_pow_n).
inline double log_nfactorial_div_n_pow_n(double n) noexcept {
    constexpr double c[] = {-2.955065359477124183e-2, 6.4102564102564102564e-3,
                            -1.9175269175269175269e-3, 8.4175084175084175084e-4,
                            -5.952380952380952381e-4, 7.9365079365079365079e-4,
                            -2.7777777777777777778e-3, 8.3333333333333333333e-2};
    const double rn = 1.0 / n;
    const double t = rn / n;
    double poly = 0.0;
    for (const double ci : c) poly = poly * t + ci;
    return std::log(n) / 2 - n + std::log(2 * std::numbers::pi) / 2 + rn * poly;
}

// P(D_n <= d) by Durbin's matrix, Marsaglia-Tsang-Wang's scaling.
inline double kolmogn_dmtw_cdf(std::int64_t n, double d) {
    if (d >= 1.0) return 1.0;
    const double nd = static_cast<double>(n) * d;
    if (nd <= 0.5) return 0.0;
    const int k = static_cast<int>(std::ceil(nd));
    const double h = k - nd;
    const int m = 2 * k - 1;
    const auto mm = static_cast<std::size_t>(m);
    std::vector<double> H(mm * mm, 0.0), v(mm), w(mm);
    double fac = 1.0;
    for (int j = 1; j <= m; ++j) {
        v[j - 1] = 1.0 - std::pow(h, j);
        w[j - 1] = fac;
        fac /= j;
        v[j - 1] *= fac;
    }
    const double tt = std::pow(std::max(2 * h - 1.0, 0.0), m) - 2 * std::pow(h, m);
    v[mm - 1] = (1.0 + tt) * fac;
    for (int i = 1; i < m; ++i)
        for (int r = i - 1; r < m; ++r) H[r * mm + i] = w[r - (i - 1)];
    for (std::size_t r = 0; r < mm; ++r) H[r * mm] = v[r];
    for (std::size_t c = 0; c < mm; ++c) H[(mm - 1) * mm + c] = v[mm - 1 - c];

    auto matmul = [mm](const std::vector<double>& a, const std::vector<double>& b) {
        std::vector<double> out(mm * mm, 0.0);
        for (std::size_t i = 0; i < mm; ++i)
            for (std::size_t l = 0; l < mm; ++l) {
                const double ail = a[i * mm + l];
                if (ail == 0.0) continue;
                for (std::size_t j = 0; j < mm; ++j) out[i * mm + j] += ail * b[l * mm + j];
            }
        return out;
    };
    const double ep128 = std::ldexp(1.0, 128);
    const double em128 = std::ldexp(1.0, -128);
    std::vector<double> P(mm * mm, 0.0);
    for (std::size_t i = 0; i < mm; ++i) P[i * mm + i] = 1.0;
    std::int64_t nn = n;
    long expnt = 0;
    long hexpnt = 0;
    const std::size_t kk = static_cast<std::size_t>(k - 1) * mm + static_cast<std::size_t>(k - 1);
    while (nn > 0) {
        if (nn % 2) {
            P = matmul(P, H);
            expnt += hexpnt;
        }
        H = matmul(H, H);
        hexpnt *= 2;
        if (std::abs(H[kk]) > ep128) {
            for (double& e : H) e /= ep128;
            hexpnt += 128;
        }
        nn /= 2;
    }
    double p = P[kk];
    for (std::int64_t i = 1; i <= n; ++i) {
        p = static_cast<double>(i) * p / static_cast<double>(n);
        if (std::abs(p) < em128) {
            p *= ep128;
            expnt -= 128;
        }
    }
    if (expnt != 0) p = std::ldexp(p, static_cast<int>(expnt));
    return clip_prob(p);
}

// Row i's interval of the Pomeranz recursion (scipy _pomeranz_compute_j1j2).
inline void pomeranz_j1j2(std::int64_t i, std::int64_t n, std::int64_t ll, std::int64_t ceilf,
                          std::int64_t roundf, std::int64_t& j1, std::int64_t& j2) noexcept {
    if (i == 0) {
        j1 = -ll - ceilf - 1;
        j2 = ll + ceilf - 1;
    } else {
        const std::int64_t q = (i + 1) / 2, r = (i + 1) % 2;
        if (r == 0) {
            if (q == n + 1) {
                j1 = n - ll - ceilf - 1;
                j2 = n + ll + ceilf - 1;
            } else {
                j1 = q - 1 - ll - roundf - 1;
                j2 = q + ll - 1 + ceilf - 1;
            }
        } else {
            j1 = q - 1 - ll - 1;
            j2 = q + ll + roundf - 1;
        }
    }
    j1 = std::max<std::int64_t>(j1 + 2, 0);
    j2 = std::min(j2, n);
}

// P(D_n <= x) by Pomeranz's recursion.
inline double kolmogn_pomeranz_cdf(std::int64_t n, double x) {
    const double t = static_cast<double>(n) * x;
    const auto ll = static_cast<std::int64_t>(std::floor(t));
    const double f = t - static_cast<double>(ll);
    const double g = std::min(f, 1.0 - f);
    const std::int64_t ceilf = f > 0 ? 1 : 0;
    const std::int64_t roundf = f > 0.5 ? 1 : 0;
    const auto npwrs = static_cast<std::size_t>(2 * (ll + 1));
    std::vector<double> gp(npwrs), g2p(npwrs), g12p(npwrs);
    gp[0] = g2p[0] = g12p[0] = 1.0;
    const double nd = static_cast<double>(n);
    const double a = g / nd, b = 2 * g / nd, c = (1 - 2 * g) / nd;
    for (std::size_t m = 1; m < npwrs; ++m) {
        gp[m] = gp[m - 1] * a / static_cast<double>(m);
        g2p[m] = g2p[m - 1] * b / static_cast<double>(m);
        g12p[m] = g12p[m - 1] * c / static_cast<double>(m);
    }
    const double ep128 = std::ldexp(1.0, 128);
    const double em128 = std::ldexp(1.0, -128);
    std::vector<double> V0(npwrs, 0.0), V1(npwrs, 0.0), conv;
    V1[0] = 1.0;
    std::int64_t V0s = 0, V1s = 0;
    long expnt = 0;
    std::int64_t j1 = 0, j2 = 0;
    pomeranz_j1j2(0, n, ll, ceilf, roundf, j1, j2);
    const auto len = static_cast<std::int64_t>(npwrs);
    for (std::int64_t i = 1; i < 2 * n + 2; ++i) {
        const std::int64_t k1 = j1;
        std::swap(V0, V1);
        std::swap(V0s, V1s);
        std::fill(V1.begin(), V1.end(), 0.0);
        pomeranz_j1j2(i, n, ll, ceilf, roundf, j1, j2);
        const std::vector<double>& pw = (i == 1 || i == 2 * n + 1) ? gp : (i % 2 ? g2p : g12p);
        const std::int64_t ln2 = j2 - k1 + 1;
        if (ln2 > 0) {
            // np.convolve(V0[k1 - V0s : k1 - V0s + ln2], pw[:ln2]), slices clipped to the arrays
            const std::int64_t s0 = k1 - V0s;
            const std::int64_t la = std::max<std::int64_t>(0, std::min(len, s0 + ln2) - std::max<std::int64_t>(s0, 0));
            const std::int64_t lb = std::min(ln2, len);
            conv.assign(static_cast<std::size_t>(std::max<std::int64_t>(la + lb - 1, 0)), 0.0);
            for (std::int64_t p = 0; p < la; ++p)
                for (std::int64_t q = 0; q < lb; ++q)
                    conv[static_cast<std::size_t>(p + q)] += V0[static_cast<std::size_t>(s0 + p)] * pw[static_cast<std::size_t>(q)];
            const std::int64_t cs = j1 - k1, cl = j2 - j1 + 1;
            double mx = 0.0;
            for (std::int64_t p = 0; p < cl && p < len; ++p) {
                const std::int64_t src = cs + p;
                V1[static_cast<std::size_t>(p)] =
                    (src >= 0 && src < static_cast<std::int64_t>(conv.size())) ? conv[static_cast<std::size_t>(src)] : 0.0;
                mx = std::max(mx, V1[static_cast<std::size_t>(p)]);
            }
            if (0 < mx && mx < em128) {
                for (double& e : V1) e *= ep128;
                expnt -= 128;
            }
            V1s = V0s + j1 - k1;
        }
    }
    const std::int64_t at = n - V1s;
    double ans = (at >= 0 && at < len) ? V1[static_cast<std::size_t>(at)] : 0.0;
    for (std::int64_t m = 1; m <= n; ++m) {
        if (std::abs(ans) > ep128) {
            ans *= em128;
            expnt += 128;
        }
        ans *= static_cast<double>(m);
    }
    if (expnt != 0) ans = std::ldexp(ans, static_cast<int>(expnt));
    return clip_prob(ans);
}

// Pelz-Good approximation to P(D_n <= x).
inline double kolmogn_pelz_good_cdf(std::int64_t n, double x) {
    constexpr double pi = std::numbers::pi;
    constexpr double pi2 = pi * pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
    const double sqrt2pi = std::sqrt(2 * pi);
    if (x <= 0.0) return 0.0;
    if (x >= 1.0) return 1.0;
    const double nd = static_cast<double>(n);
    const double z = std::sqrt(nd) * x;
    const double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
    const double qlog = -pi2 / 8 / z2;
    if (qlog < -708) return 0.0;
    double q = std::exp(qlog);
    const double k1a = -z2, k1b = pi2 / 4;
    const double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
    const double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
    const double k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * std::pow(z, 8);
    double K[4] = {0, 0, 0, 0};
    const auto maxk = static_cast<int>(std::ceil(16 * z / pi));
    for (int k = maxk; k > 0; --k) {
        const double m = 2.0 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
        const double qp = std::pow(q, 8.0 * k);
        const double co[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                              k3a + k3b * m2 + k3c * m4 + k3d * m6};
        for (int i = 0; i < 4; ++i) K[i] = K[i] * qp + co[i];
    }
    const double den[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
    for (int i = 0; i < 4; ++i) K[i] = K[i] * q * sqrt2pi / den[i];
    q = std::exp(-pi2 / 2 / z2);
    double s2 = 0.0, s3 = 0.0;
    const double sqrt3z = std::sqrt(3.0) * z;
    for (int k = maxk; k > 0; --k) {
        const double kk = static_cast<double>(k) * k;
        const double qk = std::pow(q, kk);
        s2 += kk * qk;
        const double kpi = pi * k;
        s3 += (sqrt3z + kpi) * (sqrt3z - kpi) * kk * qk;
    }
    K[2] += s2 * pi2 * sqrt2pi / (-36 * z3);
    K[3] += s3 * pi2 * sqrt2pi / (216 * z6);
    double sum = 0.0;
    for (int i = 0; i < 4; ++i) sum += K[i] / std::pow(nd, i / 2.0);
    return sum;
}

// P(D_n > x), scipy.stats.kstwo.sf(x, n) (`_kolmogn(n, x, cdf=False)`).
inline double kolmogn_sf(std::int64_t n, double x) {
    if (n <= 0) return std::numeric_limits<double>::quiet_NaN();
    if (x >= 1.0) return 0.0;
    if (x <= 0.0) return 1.0;
    const double nd = static_cast<double>(n);
    const double t = nd * x;
    if (t <= 1.0) {  // Ruben-Gambino: 1/2n <= x <= 1/n
        if (t <= 0.5) return 1.0;
        double prob;
        if (n <= 140) {
            prob = 1.0;
            for (std::int64_t i = 1; i <= n; ++i) prob *= static_cast<double>(i) * (1.0 / nd) * (2 * t - 1);
        } else {
            prob = std::exp(log_nfactorial_div_n_pow_n(nd) + nd * std::log(2 * t - 1));
        }
        return clip_prob(1.0 - prob);
    }
    if (t >= nd - 1) return clip_prob(2 * std::pow(1.0 - x, nd));  // Ruben-Gambino
    if (x >= 0.5) return clip_prob(2 * smirnov_sf(n, x));
    const double nx2 = t * x;
    if (n <= 140) {
        if (nx2 <= 0.754693) return clip_prob(1.0 - kolmogn_dmtw_cdf(n, x));
        if (nx2 <= 4) return clip_prob(1.0 - kolmogn_pomeranz_cdf(n, x));
        return clip_prob(2 * smirnov_sf(n, x));
    }
    if (nx2 >= 370.0) return 0.0;
    if (nx2 >= 2.2) return clip_prob(2 * smirnov_sf(n, x));
    double cdf;
    if (n <= 100000 && nd * std::pow(x, 1.5) <= 1.4)
        cdf = kolmogn_dmtw_cdf(n, x);
    else
        cdf = kolmogn_pelz_good_cdf(n, x);
    return clip_prob(1.0 - cdf);
}

}  // namespace tessera::drift::detail
