// tessera/learners/gbdt/detail/split_math.hpp — the arithmetic of one split
// candidate, shared by the CPU grower and the CUDA grower (TESSERA_HD), so both
// find the same splits from the same integer histograms.
//
// Fixed point (the rule of cuda/tessera/cuda/detail/histogram_kernel.hpp, XGBoost's
// GradientQuantiser): a gradient g is stored as llrint(ldexp(g, k)) with
// k = 61 - e_n - e_g, n < 2^e_n rows and max|g| < 2^e_g, so no sum over at most n
// rows overflows int64 and sums are exact integers (subtraction exact, any
// summation order gives the same bits). Back in double: ldexp(sum, -k).
//
// Gain (LightGBM's GetLeafGain without max_delta_step):
//   T(G)       = sign(G) max(|G| - lambda_l1, 0)
//   leaf_gain  = T(G)^2 / (H + lambda_l2)
//   leaf_value = -T(G) / (H + lambda_l2)
//   split gain = leaf_gain(L) + leaf_gain(R) - leaf_gain(parent)
// A candidate is valid when both sides have >= min_data_in_leaf rows and
// hessian >= min_child_weight; it is taken when its gain > min_split_gain and
// beats the best so far strictly (first candidate wins ties).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include <tessera/core/config.hpp>

namespace tessera::gbdt::detail {

// One histogram cell: integer sums of quantized gradient and hessian plus the
// row count (32 bytes so that a cell never straddles a cache line and one
// 256-bit add updates it).
struct alignas(32) hist_cell {
    std::int64_t g = 0;
    std::int64_t h = 0;
    std::int64_t c = 0;
    std::int64_t pad = 0;
};

// Integer sums of a node (or one side of a split).
struct node_sums {
    std::int64_t g = 0;
    std::int64_t h = 0;
    std::int64_t c = 0;
};

// Scales of the current gradients: q = llrint(ldexp(v, k)); back in double by
// multiplying with 2^-k (exact, the same value as ldexp(q, -k), and cheaper).
struct fixed_scale {
    int kg = 0;
    int kh = 0;
    double sg = 1.0;  // 2^-kg
    double sh = 1.0;  // 2^-kh
};
TESSERA_HD inline fixed_scale make_scale(int kg, int kh) {
    return fixed_scale{kg, kh, ldexp(1.0, -kg), ldexp(1.0, -kh)};
}

// k = 61 - e_n - e_max where n < 2^e_n and max_abs < 2^e_max (0 when all zero).
inline int fixed_point_exponent(std::size_t n, double max_abs) {
    if (n == 0 || !(max_abs > 0.0)) return 0;
    int en = 0, em = 0;
    std::frexp(static_cast<double>(n), &en);
    std::frexp(max_abs, &em);
    return 61 - en - em;
}

TESSERA_HD inline std::int64_t quantize(double v, int k) {
    return static_cast<std::int64_t>(llrint(ldexp(v, k)));
}
TESSERA_HD inline double dequantize(std::int64_t s, double scale) {
    return static_cast<double>(s) * scale;
}

TESSERA_HD inline double threshold_l1(double G, double l1) {
    const double a = fabs(G) - l1;
    if (!(a > 0.0)) return 0.0;
    return G > 0.0 ? a : -a;
}

TESSERA_HD inline double leaf_gain(double G, double H, double l1, double l2) {
    const double t = threshold_l1(G, l1);
    const double d = H + l2;
    return d > 0.0 ? t * t / d : 0.0;
}

TESSERA_HD inline double leaf_output(double G, double H, double l1, double l2) {
    const double d = H + l2;
    return d > 0.0 ? -threshold_l1(G, l1) / d : 0.0;
}

struct split_constraints {
    double lambda_l1 = 0.0;
    double lambda_l2 = 0.0;
    double min_child_weight = 1e-3;
    std::int64_t min_data_in_leaf = 20;
    double min_split_gain = 0.0;
};

// Gain of splitting `parent` into `left` and parent - left, or a negative
// value when the candidate violates a constraint. `l2_children` lets sorted
// categorical splits add cat_l2 on the children (LightGBM), parent_gain is
// leaf_gain of the parent with the plain l2.
TESSERA_HD inline double split_gain(const node_sums& parent, const node_sums& left,
                                    const fixed_scale& s, const split_constraints& c,
                                    double parent_gain, double l2_children) {
    const std::int64_t cr = parent.c - left.c;
    if (left.c < c.min_data_in_leaf || cr < c.min_data_in_leaf) return -1.0;
    const double Hl = dequantize(left.h, s.sh);
    const double Hr = dequantize(parent.h - left.h, s.sh);
    if (Hl < c.min_child_weight || Hr < c.min_child_weight) return -1.0;
    const double Gl = dequantize(left.g, s.sg);
    const double Gr = dequantize(parent.g - left.g, s.sg);
    return leaf_gain(Gl, Hl, c.lambda_l1, l2_children) + leaf_gain(Gr, Hr, c.lambda_l1, l2_children) -
           parent_gain;
}

TESSERA_HD inline double node_gain(const node_sums& n, const fixed_scale& s, const split_constraints& c) {
    return leaf_gain(dequantize(n.g, s.sg), dequantize(n.h, s.sh), c.lambda_l1, c.lambda_l2);
}

TESSERA_HD inline double node_output(const node_sums& n, const fixed_scale& s, const split_constraints& c) {
    return leaf_output(dequantize(n.g, s.sg), dequantize(n.h, s.sh), c.lambda_l1, c.lambda_l2);
}

}  // namespace tessera::gbdt::detail
