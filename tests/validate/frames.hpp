// Random frames for the validate tests: small value ranges so that repeated
// values and duplicate rows occur, nulls in every column, -0.0 beside 0.0.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>
#include <tessera/core/random.hpp>

namespace test_frames {

using namespace tessera;

inline frame random_frame(std::size_t rows, std::uint64_t seed, int spread = 3) {
    rng g(seed);
    std::vector<double> f(rows);
    std::vector<std::int64_t> i(rows);
    std::vector<std::string> s(rows);
    std::vector<bool> b(rows), fv(rows, true), iv(rows, true), sv(rows, true), bv(rows, true);
    const char* labels[] = {"red", "green", "blue", "caf\xC3\xA9"};
    for (std::size_t r = 0; r < rows; ++r) {
        const auto k = g.uniform_int<int>(0, spread);
        f[r] = k == 0 ? -0.0 : k == 1 ? 0.0 : 0.5 * k;
        if (g.uniform<double>() < 0.1) f[r] = std::numeric_limits<double>::quiet_NaN();  // null by NaN
        if (g.uniform<double>() < 0.05) fv[r] = false;
        i[r] = g.uniform_int<std::int64_t>(-spread, spread);
        iv[r] = g.uniform<double>() >= 0.1;
        s[r] = labels[g.uniform_int<int>(0, 3)];
        sv[r] = g.uniform<double>() >= 0.1;
        b[r] = g.uniform<double>() < 0.5;
        bv[r] = g.uniform<double>() >= 0.1;
    }
    return frame::from_columns({column::float64("f", f, fv), column::int64("i", i, iv),
                                column::categorical_from_labels("s", s, sv),
                                column::boolean("b", b, bv)});
}

}  // namespace test_frames
