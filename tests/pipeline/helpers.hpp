// Shared by the test_pipeline translation units: random matrices with NaN, a
// tiny learner with a closed-form fit, bit-level comparisons.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include <tessera/core/random.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>

namespace test_helpers {

using namespace tessera;

// rows x cols of loc + spread * N(0, 1), a fraction `nan_frac` of them NaN.
template <class T>
matrix<T> random_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed,
                        double nan_frac = 0.0, double loc = 0.0, double spread = 1.0) {
    rng g(seed);
    matrix<T> x = matrix<T>::from_shape({rows, cols});
    for (auto& v : x) {
        const double u = g.uniform<double>();
        v = u < nan_frac ? std::numeric_limits<T>::quiet_NaN()
                         : static_cast<T>(loc + spread * g.normal<double>());
    }
    return x;
}

// Same bytes (NaN payloads included): what "bitwise identical" means.
template <class A, class B>
bool same_bits(const A& a, const B& b) {
    return a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(typename A::value_type)) == 0;
}

// The what() of the E that f() throws, or "<no exception>".
template <class E, class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "<no exception>";
}
inline bool contains(const std::string& s, std::string_view part) {
    return s.find(part) != std::string::npos;
}

// A learner with a closed form: predicts y's mean plus the first feature, and
// records the column means of the X it was fitted on (to see what reached it).
struct mean_model {
    static constexpr std::string_view type_tag = "test.mean_model";
    double y_mean = 0.0;
    double seen_col0_mean = 0.0;

    template <class P, class T>
    vector<float> predict(const P&, const matrix<T>& X) const {
        vector<float> r = vector<float>::from_shape({X.shape()[0]});
        for (std::size_t i = 0; i < X.shape()[0]; ++i)
            r(i) = static_cast<float>(y_mean + static_cast<double>(X(i, 0)));
        return r;
    }
    void save(io::writer& w) const {
        w.put(y_mean);
        w.put(seen_col0_mean);
    }
    static mean_model load(io::reader& r) {
        mean_model m;
        m.y_mean = r.get<double>("y_mean");
        m.seen_col0_mean = r.get<double>("seen_col0_mean");
        return m;
    }
};

struct mean_learner {
    template <class P, class T>
    mean_model fit(const P&, const matrix<T>& X, const vector<float>& y) const {
        mean_model m;
        for (auto v : y) m.y_mean += v;
        m.y_mean /= static_cast<double>(y.size());
        for (std::size_t i = 0; i < X.shape()[0]; ++i) m.seen_col0_mean += X(i, 0);
        m.seen_col0_mean /= static_cast<double>(X.shape()[0]);
        return m;
    }
};

}  // namespace test_helpers
