// The checks both exec::cuda tests run: every scaler and the imputer fitted and
// applied on the device path, against exec::seq on random data with NaN, a
// constant and an all-NaN feature, odd shapes, float and double. `Run` supplies
// fit(est, X), transform(f, X), inverse(f, X) on the path under test: the Thrust
// bodies on the OMP back end (test_features_thrust_omp.cpp) or the public
// exec::cuda overloads on a GPU (test_features_cuda.cu).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include <tessera/core/random.hpp>
#include <tessera/features/maxabs_scaler.hpp>
#include <tessera/features/minmax_scaler.hpp>
#include <tessera/features/robust_scaler.hpp>
#include <tessera/features/simple_imputer.hpp>
#include <tessera/features/standard_scaler.hpp>

namespace features_cuda_test {

using namespace tessera;

// Column 1 constant, column 2 rounded (ties), column 3 all NaN (if all_nan).
template <class T>
matrix<T> random_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed, double nan_frac,
                        bool all_nan) {
    rng g(seed);
    matrix<T> x = matrix<T>::from_shape({rows, cols});
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) {
            double v = -1.0 + 4.0 * g.normal<double>();
            if (c == 1) v = 2.5;
            if (c == 2) v = std::round(v);
            if (g.uniform<double>() < nan_frac || (all_nan && c == 3))
                v = std::numeric_limits<double>::quiet_NaN();
            x(r, c) = static_cast<T>(v);
        }
    return x;
}

template <class A, class B>
bool same_bits(const A& a, const B& b) {
    return a.size() == b.size() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(typename A::value_type)) == 0;
}

// |a - b| <= tol * max(1, |b|) elementwise, NaN exactly where NaN.
template <class A, class B>
bool all_close(const A& a, const B& b, double tol) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double x = static_cast<double>(a.data()[i]), y = static_cast<double>(b.data()[i]);
        if (std::isnan(x) || std::isnan(y)) {
            if (!(std::isnan(x) && std::isnan(y))) return false;
        } else if (std::abs(x - y) > tol * std::max(1.0, std::abs(y))) {
            return false;
        }
    }
    return true;
}

// Device arithmetic may fuse x * b + a (nvcc's default --fmad): outputs are
// compared to a few ulp; statistics from extrema and order statistics must match
// exactly (the host code that turns them into the fitted object is shared).
template <class T>
double out_tol() {
    return std::is_same_v<T, float> ? 1e-5 : 1e-12;
}

template <class T, class Run>
void check_all(const Run& run) {
    const std::pair<std::size_t, std::size_t> shapes[] = {{1, 4}, {2, 5}, {33, 7}, {1001, 9}};
    std::uint64_t seed = 100;
    for (const auto& [rows, cols] : shapes)
        for (const bool all_nan : {false, true}) {
            BOOST_TEST_CONTEXT(rows << " x " << cols << (all_nan ? " with an all-NaN feature" : "")) {
                const auto X = random_matrix<T>(rows, cols, ++seed, 0.1, all_nan);
                const auto Xn = random_matrix<T>(rows + 3, cols, ++seed, 0.2, false);

                const features::standard_scaler ss{};
                const auto s0 = ss.fit(exec::seq, X), s1 = run.fit(ss, X);
                BOOST_TEST(all_close(s1.mean(), s0.mean(), 1e-12));
                BOOST_TEST(all_close(s1.var(), s0.var(), 1e-10));
                BOOST_TEST(same_bits(s1.n_samples_seen(), s0.n_samples_seen()));
                BOOST_TEST(all_close(run.transform(s1, Xn), s0.transform(exec::seq, Xn), 1e-4));
                BOOST_TEST(all_close(run.inverse(s0, Xn), s0.inverse_transform(exec::seq, Xn),
                                     out_tol<T>()));

                const features::minmax_scaler mm{{.feature_range = {-1.0, 2.0}, .clip = true}};
                const auto m0 = mm.fit(exec::seq, X), m1 = run.fit(mm, X);
                BOOST_TEST(same_bits(m1.scale(), m0.scale()));
                BOOST_TEST(same_bits(m1.min(), m0.min()));
                BOOST_TEST(all_close(run.transform(m1, Xn), m0.transform(exec::seq, Xn), out_tol<T>()));
                BOOST_TEST(all_close(run.inverse(m1, Xn), m0.inverse_transform(exec::seq, Xn),
                                     out_tol<T>()));

                const features::robust_scaler rs{{.quantile_range = {10.0, 80.0}, .unit_variance = true}};
                const auto r0 = rs.fit(exec::seq, X), r1 = run.fit(rs, X);
                BOOST_TEST(same_bits(r1.center(), r0.center()));
                BOOST_TEST(same_bits(r1.scale(), r0.scale()));
                BOOST_TEST(all_close(run.transform(r1, Xn), r0.transform(exec::seq, Xn), out_tol<T>()));
                BOOST_TEST(all_close(run.inverse(r1, Xn), r0.inverse_transform(exec::seq, Xn),
                                     out_tol<T>()));

                const features::maxabs_scaler ma{};
                const auto a0 = ma.fit(exec::seq, X), a1 = run.fit(ma, X);
                BOOST_TEST(same_bits(a1.scale(), a0.scale()));
                BOOST_TEST(all_close(run.transform(a1, Xn), a0.transform(exec::seq, Xn), out_tol<T>()));
                BOOST_TEST(all_close(run.inverse(a1, Xn), a0.inverse_transform(exec::seq, Xn),
                                     out_tol<T>()));

                for (const auto s : {features::impute::mean, features::impute::median,
                                     features::impute::most_frequent, features::impute::constant}) {
                    BOOST_TEST_CONTEXT("impute " << features::impute_name(s)) {
                        const features::simple_imputer im{{.strategy = s, .fill_value = -3.0,
                                                           .add_indicator = true}};
                        const auto i0 = im.fit(exec::seq, X), i1 = run.fit(im, X);
                        BOOST_TEST(all_close(i1.statistics(), i0.statistics(), 1e-12));
                        if (s != features::impute::mean)
                            BOOST_TEST(same_bits(i1.statistics(), i0.statistics()));
                        BOOST_TEST((i1.indicator_features() == i0.indicator_features()));
                        BOOST_TEST(all_close(run.transform(i1, Xn), i0.transform(exec::seq, Xn),
                                             out_tol<T>()));
                    }
                }
            }
        }
}

}  // namespace features_cuda_test
