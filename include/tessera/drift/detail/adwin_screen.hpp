// tessera/drift/detail/adwin_screen.hpp — ADWIN's cut test without a division
// or a square root, over several splits at once, as a screen in front of
// River's formula.
//
// River cuts a window of width W at a split (n0, u0 | n1, u1) when
//   d > L + S,  d = |u0/n0 - u1/n1|,  m = 1/a + 1/b,  a = n0 - mwl + 1,
//   b = n1 - mwl + 1,  L = c1 m,  S = sqrt(c2 m),  c1 = (2/3) d',  c2 = 2 (V/W) d'.
// Multiplying by Z ab (Z = n0 n1, all positive) gives, in real arithmetic,
//   cut  <=>  E > 0  and  E^2 > R,   E = |u0 n1 - u1 n0| ab - c1 (a + b) Z,
//                                     R = c2 (a + b) ab Z^2.
// A split is excluded ("certainly no cut") only when E + err < 0 or
// (E + err)^2 < R (1 - tol), with err = tol times the magnitudes that enter E
// and tol = 1e-9: a margin millions of times wider than the rounding of this
// test and of River's own (a few ulps of d, L and S). Every split that is not
// excluded goes to River's formula, so the decisions are River's.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include <tessera/drift/detail/adwin_histogram.hpp>

namespace tessera::drift::detail {

// Eight splits per step: one AVX-512 vector, or two AVX2 ones.
inline constexpr std::size_t scan_lanes = 8;

// The splits of one scan (structure of arrays, padded to whole vectors).
struct adwin_scan {
    std::vector<double> n0, n1, u0, u1;
    void resize(std::size_t n) {
        n0.resize(n);
        n1.resize(n);
        u0.resize(n);
        u1.resize(n);
    }
};

// Bit l set: split i0 + l has both parts of at least mwl values and is not
// excluded by the screen above.
inline unsigned adwin_screen(const adwin_scan& s, std::size_t i0, double mwl, double c1,
                             double c2) noexcept {
    using V = double __attribute__((vector_size(scan_lanes * sizeof(double))));
    constexpr double tol = 1e-9;
    V n0, n1, u0, u1;
    std::memcpy(&n0, s.n0.data() + i0, sizeof(V));
    std::memcpy(&n1, s.n1.data() + i0, sizeof(V));
    std::memcpy(&u0, s.u0.data() + i0, sizeof(V));
    std::memcpy(&u1, s.u1.data() + i0, sizeof(V));
    const V a = n0 - (mwl - 1.0), b = n1 - (mwl - 1.0);
    const V ab = a * b, apb = a + b, z = n0 * n1;
    const V cross = u0 * n1 - u1 * n0;
    const V t2 = c1 * apb * z;
    const V abs_cross = cross < 0.0 ? -cross : cross;
    const V abs_u0 = u0 < 0.0 ? -u0 : u0, abs_u1 = u1 < 0.0 ? -u1 : u1;
    const V e = abs_cross * ab - t2;
    const V err = tol * ((abs_u0 * n1 + abs_u1 * n0) * ab + t2);
    const V r = c2 * apb * ab * z * z;
    const V hi = e + err;
    const auto valid = (n0 >= mwl) & (n1 >= mwl);
    const auto excluded = (hi < 0.0) | (hi * hi < r * (1.0 - tol));
    const auto maybe = valid & ~excluded;
    // Lane l's mask (all ones or zero) to bit l: AND with 2^l, then OR the halves
    // together (a lane-by-lane loop of extracts cost ~10% of the scan).
    static_assert(scan_lanes == 8, "one bit per lane below");
    using M = std::remove_const_t<decltype(maybe)>;
    const M one_bit = {1, 2, 4, 8, 16, 32, 64, 128};
    const M lane_bits = maybe & one_bit;
    using H = long long __attribute__((vector_size(4 * sizeof(long long))));
    using Q = long long __attribute__((vector_size(2 * sizeof(long long))));
    H h;
    std::memcpy(&h, &lane_bits, sizeof(H));
    H h2;
    std::memcpy(&h2, reinterpret_cast<const char*>(&lane_bits) + sizeof(H), sizeof(H));
    h = h | h2;
    Q q, q2;
    std::memcpy(&q, &h, sizeof(Q));
    std::memcpy(&q2, reinterpret_cast<const char*>(&h) + sizeof(Q), sizeof(Q));
    q = q | q2;
    return static_cast<unsigned>(q[0] | q[1]);
}

// Whether any lane of an eight-lane comparison mask is set (one test of the
// mask register on AVX-512; elsewhere, the halves ORed together).
template <class M>
inline bool any_lane(const M& m) noexcept {
    static_assert(sizeof(M) == 64, "eight 64-bit lanes");
#if defined(__AVX512F__)
    __m512i v;
    std::memcpy(&v, &m, sizeof v);
    return _mm512_test_epi64_mask(v, v) != 0;
#else
    using H = long long __attribute__((vector_size(32)));
    H lo, hi;
    std::memcpy(&lo, &m, sizeof lo);
    std::memcpy(&hi, reinterpret_cast<const char*>(&m) + sizeof lo, sizeof hi);
    lo |= hi;
    return (lo[0] | lo[1] | lo[2] | lo[3]) != 0;
#endif
}

// |v| lane by lane: the sign bits cleared (one AND, off the comparison's latency).
using lanes8 = double __attribute__((vector_size(scan_lanes * sizeof(double))));
inline lanes8 abs_lanes(lanes8 v) noexcept {
    using I = long long __attribute__((vector_size(scan_lanes * sizeof(long long))));
    I i;
    std::memcpy(&i, &v, sizeof v);
    i &= ~(I{} + (1LL << 63));
    std::memcpy(&v, &i, sizeof v);
    return v;
}

// ---- the whole window at once, straight from the bucket rows ----
// False proves that no split of h's window is a cut by River's formula (with
// c1 = (2/3) d', c2 = 2 (V/W) d' at d' no larger than River's, as above); true:
// some split may be, and the exact scan must decide.
//
// Each split's W0 sum u0 is a prefix formed in registers, row by row (eight
// summaries a step), instead of River's running u0 += t, u1 -= t over a built
// scan; W1's sum is taken as U - u0 (U the window total). In real arithmetic
// |u0/n0 - u1/n1| = W |D| / (n0 n1) with D = u0 - n0 U/W, and since
// a = n0 - mwl + 1 <= n0 and b <= n1 (mwl >= 1), m = 1/a + 1/b >= W/(n0 n1);
// River's bound grows with m, so a cut needs
//   |D| > c1 + sqrt(K n0 n1),  K = c2 / W
// (multiply the cut test by n0 n1 / W). That cheap test runs on every split;
// a vector where it leaves a split goes through adwin_screen's exact-m test
// (u1 = U - u0, so u0 n1 - u1 n0 = u0 W - U n0).
// Rounding: up to a split after nb buckets, River's running sums and these
// prefixes differ from the exact ones by at most nb 2^-53 A, A = |U| + sum |t|
// over those buckets (every partial sum of either chain is at most A; A is
// formed alongside u0), and n0 U/W by 2^-53 |U|:
// D moves by at most 2 nb 2^-53 A, and River's own rounding of d, L and S is a
// few ulps (relative). The margins, tol A on D and tol relative on the bounds
// with tol = 1e-9 (and adwin_screen's for its test), cover that for any
// nb < 10^6; tests/drift_stream/test_adwin_screen.cpp checks it against the
// exact scan on adversarial streams.
inline bool adwin_any_candidate(const adwin_histogram& h, double mwl, double c1, double c2) noexcept {
    using V = double __attribute__((vector_size(scan_lanes * sizeof(double))));
    static_assert(scan_lanes == 8 && adwin_histogram::row_slack >= scan_lanes,
                  "a row's storage is readable eight summaries past its count");
    constexpr double tol = 1e-9;
    const V lane = {0, 1, 2, 3, 4, 5, 6, 7}, zero = {};
    const double w = h.width(), total = h.total();
    const double abs_total = total < 0.0 ? -total : total;
    const double mean = total / w, k = c2 / w * (1.0 - tol), c = c1 * (1.0 - tol);
    const double mwl1 = mwl - 1.0, r_scale = 1.0 - tol;
    // Oldest row first, as River scans: u0, n0 and sum |t| carry over from row to row.
    double base_u = 0.0, base_n = 0.0, base_abs = abs_total;
    for (std::size_t r = h.rows(); r-- > 0;) {
        const double size = adwin_histogram::row_size(r);
        const std::size_t cnt = h.count(r);
        for (std::size_t k0 = 0; k0 < cnt; k0 += scan_lanes) {
            const std::size_t len = std::min(cnt - k0, scan_lanes);
            V t;
            std::memcpy(&t, h.sums(r) + k0, sizeof(V));
            const auto in_row = lane < static_cast<double>(len);
            t = in_row ? t : zero;  // lanes past the row's count: 0 (stale storage)
            V ta = abs_lanes(t);
            // Inclusive prefix sums of the eight lanes, of t and of |t|.
            t += __builtin_shufflevector(t, zero, 8, 0, 1, 2, 3, 4, 5, 6);
            ta += __builtin_shufflevector(ta, zero, 8, 0, 1, 2, 3, 4, 5, 6);
            t += __builtin_shufflevector(t, zero, 8, 8, 0, 1, 2, 3, 4, 5);
            ta += __builtin_shufflevector(ta, zero, 8, 8, 0, 1, 2, 3, 4, 5);
            t += __builtin_shufflevector(t, zero, 8, 8, 8, 8, 0, 1, 2, 3);
            ta += __builtin_shufflevector(ta, zero, 8, 8, 8, 8, 0, 1, 2, 3);
            const V u0 = base_u + t;
            const V a_sum = base_abs + ta;  // A for this split: |U| + sum |t| up to it
            const V n0 = base_n + (lane + 1.0) * size;
            const V n1 = w - n0;
            const V d = u0 - n0 * mean;
            const V x = abs_lanes(d) + (tol * a_sum - c);
            const auto cheap = in_row & (n0 >= mwl) & (n1 >= mwl) & (x > 0.0) & (x * x > k * (n0 * n1));
            if (any_lane(cheap)) [[unlikely]] {
                // The exact-m test of adwin_screen on this vector.
                const V a = n0 - mwl1, b = n1 - mwl1;
                const V ab = a * b, apb = a + b, z = n0 * n1;
                const V cross = u0 * w - total * n0;
                const V t2 = c1 * apb * z;
                const V hi = abs_lanes(cross) * ab - t2 + tol * (a_sum * w * ab + t2);
                const V rr = c2 * apb * ab * z * z;
                if (any_lane(cheap & (hi >= 0.0) & (hi * hi >= rr * r_scale))) return true;
            }
            // The chunk's totals (lanes past the count are 0).
            base_u += t[scan_lanes - 1];
            base_abs += ta[scan_lanes - 1];
            base_n += static_cast<double>(len) * size;
        }
    }
    return false;
}

}  // namespace tessera::drift::detail
