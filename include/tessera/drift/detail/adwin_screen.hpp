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

#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

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

}  // namespace tessera::drift::detail
