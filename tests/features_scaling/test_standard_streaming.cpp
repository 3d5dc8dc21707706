// The standard scaler's large-output transform path: streaming (non-temporal)
// stores with a prefetch ahead of the read (kernels/detail/stream_store.hpp).
// Only the store kind changes, so every output must be bit for bit the scalar
// reference y = Op(x, mean[c], scale[c]) computed here element by element, at
// every output alignment, for odd shapes, NaN and infinities, and the bytes
// around the output must stay untouched.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <tuple>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/kernels/detail/stream_store.hpp>

#include "helpers.hpp"

using namespace tessera;
using namespace scaling_test;

namespace {

using float_types = std::tuple<float, double>;

// x: loc + spread * N(0, 1) with NaN, +-inf and -0.0 sprinkled in.
template <class T>
std::vector<T> random_values(std::size_t n, std::uint64_t seed) {
    rng g(seed);
    std::vector<T> x(n);
    for (auto& v : x) {
        const double u = g.uniform<double>();
        if (u < 0.05) v = std::numeric_limits<T>::quiet_NaN();
        else if (u < 0.06) v = (u < 0.055 ? 1 : -1) * std::numeric_limits<T>::infinity();
        else if (u < 0.07) v = T(-0.0);
        else v = static_cast<T>(1.5 + 4.0 * g.normal<double>());
    }
    return x;
}

// Per-column statistics, including the special scales the transform can meet:
// 1 (disabled or constant column), NaN (all-NaN column), a tiny and an infinite one.
template <class T>
void random_stats(std::size_t cols, std::uint64_t seed, std::vector<T>& mean, std::vector<T>& scale) {
    rng g(seed);
    mean.resize(cols);
    scale.resize(cols);
    for (std::size_t c = 0; c < cols; ++c) {
        mean[c] = static_cast<T>(g.normal<double>());
        scale[c] = static_cast<T>(0.25 + g.uniform<double>() * 3.0);
    }
    if (cols > 1) scale[1] = T(1);
    if (cols > 2) scale[2] = std::numeric_limits<T>::quiet_NaN();
    if (cols > 3) scale[3] = std::numeric_limits<T>::denorm_min();
    if (cols > 4) scale[4] = std::numeric_limits<T>::infinity();
}

// Runs the row kernel into a guarded buffer at `offset` elements; returns the
// output, checks the guards.
template <class Op, class T>
std::vector<T> run_rowwise(const std::vector<T>& x, std::size_t rows, std::size_t cols,
                           const std::vector<T>& mean, const std::vector<T>& scale,
                           std::size_t offset, bool stream) {
    constexpr std::size_t guard = 64;
    const T sentinel = T(-12345.5);
    std::vector<T> buf(offset + rows * cols + guard, sentinel);
    features::detail::rowwise_fn<Op>{}(simd::default_arch{}, x.data(), buf.data() + offset, rows,
                                       cols, mean.data(), scale.data(), stream);
    bool guards = true;
    for (std::size_t i = 0; i < offset; ++i) guards = guards && buf[i] == sentinel;
    for (std::size_t i = offset + rows * cols; i < buf.size(); ++i) guards = guards && buf[i] == sentinel;
    BOOST_TEST(guards);
    return {buf.begin() + static_cast<std::ptrdiff_t>(offset),
            buf.begin() + static_cast<std::ptrdiff_t>(offset + rows * cols)};
}

template <class T>
bool same_values(const std::vector<T>& a, const std::vector<T>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0;
}

// standardize: streaming output == scalar (x - m) / s element by element (a
// subtraction and a division: no contraction can differ). unstandardize
// (x * s + m, which the compiler may contract differently in scalar and vector
// code): streaming output == the same kernel with ordinary stores.
template <class T>
void check_rowwise(std::size_t rows, std::size_t cols, std::size_t offset, std::uint64_t seed) {
    const std::vector<T> x = random_values<T>(rows * cols, seed);
    std::vector<T> mean, scale;
    random_stats<T>(cols, seed + 1, mean, scale);
    using features::detail::standardize_op;
    using features::detail::unstandardize_op;
    std::vector<T> want(rows * cols);
    for (std::size_t i = 0; i < rows * cols; ++i)
        want[i] = standardize_op{}(x[i], mean[i % cols], scale[i % cols]);
    BOOST_TEST(same_values(run_rowwise<standardize_op>(x, rows, cols, mean, scale, offset, true), want));
    BOOST_TEST(same_values(run_rowwise<standardize_op>(x, rows, cols, mean, scale, offset, false), want));
    BOOST_TEST(same_values(run_rowwise<unstandardize_op>(x, rows, cols, mean, scale, offset, true),
                           run_rowwise<unstandardize_op>(x, rows, cols, mean, scale, 0, false)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(standard_streaming)

// The row kernel with streaming forced on (and off):
// shapes whose period lcm(cols, W) is tiled (1, 3, 28, 33 columns) or too long
// to tile (1000 float columns: plain loop), row counts that leave a tail, every
// output misalignment up to a full 64-byte line.
BOOST_AUTO_TEST_CASE_TEMPLATE(rowwise_stream_bitwise_equal_to_scalar, T, float_types) {
    std::uint64_t seed = 900;
    for (const std::size_t cols : {1u, 3u, 28u, 33u, 1000u})
        for (const std::size_t rows : {0u, 1u, 7u, 301u})
            for (std::size_t offset = 0; offset <= 64 / sizeof(T); offset += (cols == 1000 ? 5 : 1)) {
                BOOST_TEST_CONTEXT("cols " << cols << " rows " << rows << " offset " << offset) {
                    check_rowwise<T>(rows, cols, offset, seed);
                }
                ++seed;
            }
}

// store_stream writes exactly the batch's lanes.
BOOST_AUTO_TEST_CASE_TEMPLATE(store_stream_writes_the_batch, T, float_types) {
    using B = simd::batch<T>;
    alignas(64) T lanes[B::size];
    alignas(64) T out[3 * B::size];
    for (std::size_t i = 0; i < B::size; ++i) lanes[i] = static_cast<T>(i) * T(1.25) - T(3);
    lanes[0] = std::numeric_limits<T>::quiet_NaN();
    for (auto& v : out) v = T(7);
    kernels::detail::store_stream(out + B::size, B::load_aligned(lanes));
    kernels::detail::stream_fence();
    BOOST_TEST(std::memcmp(out + B::size, lanes, sizeof lanes) == 0);
    for (std::size_t i = 0; i < B::size; ++i) {
        BOOST_TEST(out[i] == T(7));
        BOOST_TEST(out[2 * B::size + i] == T(7));
    }
}

// End to end above the streaming threshold (8 MiB): odd row count (chunks of
// par start off the vector alignment), a fresh output and one reused with
// another shape (resized, huge-page hint) and with the same shape, simd and
// par (1, 2, 7 threads, small and default grain): equal to exec::seq bit for bit.
BOOST_AUTO_TEST_CASE(large_transform_into_matches_seq) {
    const std::size_t rows = 75'001, cols = 29;  // 8.7 MB of float
    static_assert(75'001 * 29 * sizeof(float) >= features::detail::stream_bytes);
    const auto X = random_matrix<float>(rows, cols, 4242, 0.02, true);
    const auto f = features::standard_scaler{}.fit(exec::seq, X);
    const auto ref = f.transform(exec::seq, X);
    matrix<float> reused = matrix<float>::from_shape({3, 5});
    for_fast_policies([&](const auto& policy) {
        BOOST_TEST(same_bits(f.transform(policy, X), ref));
        f.transform_into(policy, X, reused);
        BOOST_TEST(same_bits(reused, ref));
        f.transform_into(policy, X, reused);
        BOOST_TEST(same_bits(reused, ref));
    });
}

BOOST_AUTO_TEST_SUITE_END()
