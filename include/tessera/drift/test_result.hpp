// tessera/drift/test_result.hpp — what every batch drift test returns.
//
// A test is either p-value based (KS, chi-squared, Z: drift when the p-value
// falls below the threshold) or distance based (PSI, Wasserstein, Jensen-Shannon:
// drift when the distance reaches the threshold). `score` is the number that is
// compared with `threshold`: the p-value for the first kind, the distance for
// the second; the comparison direction follows from `kind` alone, so a monitor
// can treat every test the same way.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::drift {

// Fixes the direction of the comparison with the threshold.
enum class score_kind : std::uint8_t {
    p_value,   // drifted when score < threshold (the null "same distribution" is rejected)
    distance,  // drifted when score >= threshold
};

inline constexpr std::string_view score_kind_name(score_kind k) noexcept {
    return k == score_kind::p_value ? "p_value" : "distance";
}

// The column kinds a test accepts, as a bit set.
enum class column_kinds : std::uint8_t {
    numeric = 1,
    categorical = 2,
    binary = 4,
};
inline constexpr column_kinds operator|(column_kinds a, column_kinds b) noexcept {
    return static_cast<column_kinds>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
inline constexpr bool accepts(column_kinds set, column_kinds k) noexcept {
    return (static_cast<std::uint8_t>(set) & static_cast<std::uint8_t>(k)) != 0;
}

struct test_result {
    std::string method;   // e.g. "ks", "psi", "wasserstein_normed", "jensen_shannon", "chi_squared", "z"
    double statistic = std::nan("");  // the test statistic or the distance itself
    double p_value = std::nan("");    // NaN for distance tests
    double score = std::nan("");      // the value compared with `threshold` (p-value or distance)
    double threshold = std::nan("");
    score_kind kind = score_kind::p_value;
    bool drifted = false;
};

// The verdict for a score under a kind and a threshold; NaN never drifts.
inline constexpr bool is_drift(score_kind kind, double score, double threshold) noexcept {
    return kind == score_kind::p_value ? score < threshold : score >= threshold;
}

}  // namespace tessera::drift
