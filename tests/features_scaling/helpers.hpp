// Shared by the features_scaling tests: random matrices with NaN and constant
// columns, the policies every fast path is compared on, the golden-file reader.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>

namespace scaling_test {

using namespace tessera;

// rows x cols of loc + spread * N(0, 1), a fraction nan_frac NaN; column 1 (if
// any) constant, column 2 (if any) rounded (ties), column 3 (if any) all NaN
// when all_nan_col.
template <class T>
matrix<T> random_matrix(std::size_t rows, std::size_t cols, std::uint64_t seed,
                        double nan_frac = 0.1, bool all_nan_col = false) {
    rng g(seed);
    matrix<T> x = matrix<T>::from_shape({rows, cols});
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) {
            double v = 2.0 + 3.0 * g.normal<double>();
            if (c == 1) v = 4.25;
            if (c == 2) v = std::round(v);
            if (g.uniform<double>() < nan_frac || (all_nan_col && c == 3))
                v = std::numeric_limits<double>::quiet_NaN();
            x(r, c) = static_cast<T>(v);
        }
    return x;
}

// Runs f(policy) for the fast paths compared with exec::seq; the par ones with a
// small grain so odd sizes span several chunks.
template <class F>
void for_fast_policies(F&& f) {
    f(exec::simd);
    f(exec::par_t{.threads = 1, .grain = 64});
    f(exec::par_t{.threads = 2, .grain = 64});
    f(exec::par_t{.threads = 7, .grain = 64});
    f(exec::par);
}

template <class A, class B>
bool same_bits(const A& a, const B& b) {
    return a.shape() == b.shape() &&
           std::memcmp(a.data(), b.data(), a.size() * sizeof(typename A::value_type)) == 0;
}

// |a - b| <= tol * max(1, |b|), NaN only where NaN.
inline bool close(double a, double b, double tol) {
    if (std::isnan(b) || std::isnan(a)) return std::isnan(a) && std::isnan(b);
    return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}
template <class A, class B>
bool all_close(const A& a, const B& b, double tol) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!close(static_cast<double>(a.data()[i]), static_cast<double>(b.data()[i]), tol))
            return false;
    return true;
}

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

// tests/data/features_scaling_golden.txt: "<case> <key> <n> v1 .. vn" per line.
using golden = std::map<std::string, std::vector<double>>;  // "case/key" -> values
inline const golden& golden_values() {
    static const golden g = [] {
        golden out;
        std::ifstream in(std::string(TESSERA_TEST_DATA_DIR) + "/features_scaling_golden.txt");
        if (!in) throw std::runtime_error("cannot open features_scaling_golden.txt");
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            std::istringstream ss(line);
            std::string c, k, tok;
            std::size_t n = 0;
            ss >> c >> k >> n;
            std::vector<double> v;
            v.reserve(n);
            while (ss >> tok) v.push_back(tok == "nan" ? std::numeric_limits<double>::quiet_NaN()
                                                       : std::stod(tok));
            out[c + "/" + k] = std::move(v);
        }
        return out;
    }();
    return g;
}
inline const std::vector<double>& gold(const std::string& c, const std::string& k) {
    return golden_values().at(c + "/" + k);
}
template <class T>
matrix<T> gold_matrix(const std::string& key) {
    const auto& shape = gold("data", key + "_shape");
    const auto& v = gold("data", key);
    matrix<T> m = matrix<T>::from_shape(
        {static_cast<std::size_t>(shape[0]), static_cast<std::size_t>(shape[1])});
    for (std::size_t i = 0; i < v.size(); ++i) m.data()[i] = static_cast<T>(v[i]);
    return m;
}

}  // namespace scaling_test
