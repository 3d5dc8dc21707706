// validate::row_overlap and target_leakage: O(n*m) overlap reference on random
// frames, hand-made leaking and honest features, AUC against a pair count.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/validate/leakage.hpp>

#include "checkers.hpp"
#include "frames.hpp"

using namespace tessera;

namespace {

const validate::leakage_finding& finding(const validate::leakage_report& r, std::string_view c) {
    for (const auto& f : r.features)
        if (f.column == c) return f;
    BOOST_FAIL("no finding for " << c);
    return r.features.front();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(leakage)

BOOST_AUTO_TEST_CASE(row_overlap_against_brute_force) {
    std::size_t total = 0;
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        const frame train = test_frames::random_frame(150, seed, 2);
        const frame test = test_frames::random_frame(90, seed + 100, 2);
        const auto r = validate::row_overlap(train, test, {.max_samples = 1000});
        const auto a = validate::detail::columns_of(train), b = validate::detail::columns_of(test);
        std::size_t expected = 0;
        for (std::size_t i = 0; i < test.num_rows(); ++i) {
            bool hit = false;
            for (std::size_t j = 0; j < train.num_rows() && !hit; ++j) {
                bool eq = true;
                for (std::size_t k = 0; k < a.size() && eq; ++k) {
                    const bool na = validate::detail::is_null(*a[k], j), nb = validate::detail::is_null(*b[k], i);
                    eq = na == nb && (na || validate::detail::text_at(*a[k], j) == validate::detail::text_at(*b[k], i) ||
                                      validate::detail::number_at(*a[k], j) == validate::detail::number_at(*b[k], i));
                }
                hit = eq;
            }
            expected += hit;
        }
        BOOST_TEST(r.overlapping_rows == expected, "seed " << seed);
        total += expected;
        BOOST_TEST(r.samples.size() == expected);
        BOOST_TEST(r.test_rows == 90u);
        for (const auto& [ti, tj] : r.samples)
            for (std::size_t k = 0; k < a.size(); ++k)
                BOOST_TEST(validate::detail::cells_equal(*a[k], tj, *b[k], ti));
    }
    BOOST_TEST(total > 20u);  // the reference is not vacuous
}

BOOST_AUTO_TEST_CASE(row_overlap_hand_case_and_errors) {
    // Categorical dictionaries differ between the frames; labels decide.
    const frame train = frame::from_columns({column::int64("id", {1, 2, 3}),
                                             column::categorical_from_labels("c", {"a", "b", "c"})});
    const frame test = frame::from_columns({column::categorical_from_labels("c", {"c", "z", "a"}),
                                            column::int64("id", {3, 9, 7})});
    const auto all = validate::row_overlap(train, test);
    BOOST_TEST(all.overlapping_rows == 1u);  // (3, c)
    BOOST_TEST(all.samples.at(0).first == 0u);
    BOOST_TEST(all.samples.at(0).second == 2u);
    BOOST_TEST(all.share == 1.0 / 3.0);
    BOOST_TEST(!all.passed());
    const auto no_id = validate::row_overlap(train, test, {.exclude = {"id"}});
    BOOST_TEST(no_id.overlapping_rows == 2u);  // c and a
    const frame wrong = frame::from_columns({column::float64("id", {1}), column::categorical_from_labels("c", {"a"})});
    try {
        (void)validate::row_overlap(train, wrong);
        BOOST_FAIL("no throw");
    } catch (const data_error& e) {
        BOOST_TEST(std::string(e.what()) == "validate::row_overlap (test): column 'id' has type float64, expected int64");
        BOOST_TEST(e.column() == "id");
    }
    BOOST_CHECK_THROW(validate::row_overlap(train, frame::from_columns({column::int64("id", {1})})), data_error);
}

BOOST_AUTO_TEST_CASE(flags_leaking_features_and_spares_honest_ones) {
    rng g(11);
    const std::size_t n = 400;
    std::vector<bool> y(n);
    std::vector<double> copy(n), inverted(n), noisy(n), noise(n);
    std::vector<std::string> cat(n), id(n), cat_noise(n);
    for (std::size_t i = 0; i < n; ++i) {
        y[i] = g.uniform<double>() < 0.3;
        copy[i] = y[i] ? 1.0 : 0.0;
        inverted[i] = (y[i] ? -5.0 : 5.0) + g.uniform<double>();  // separable, inverted
        noise[i] = g.normal<double>();
        noisy[i] = copy[i] + 2.0 * g.normal<double>();
        cat[i] = y[i] ? (i % 2 ? "p1" : "p2") : (i % 3 ? "n1" : "n2");  // fixes y
        id[i] = "id" + std::to_string(i);                                  // unique per row
        cat_noise[i] = i % 2 ? "u" : "v";
    }
    const frame f = frame::from_columns({column::boolean("y", y), column::float64("copy", copy),
                                         column::float64("inverted", inverted), column::float64("noise", noise),
                                         column::float64("noisy", noisy), column::categorical_from_labels("cat", cat),
                                         column::categorical_from_labels("id", id),
                                         column::categorical_from_labels("cat_noise", cat_noise)});
    const auto r = validate::target_leakage(f, "y");
    BOOST_TEST(r.kind == "binary");
    BOOST_TEST(r.suspected() == (std::vector<std::string>{"copy", "inverted", "cat"}));
    BOOST_TEST(finding(r, "copy").correlation == 1.0);
    BOOST_TEST(finding(r, "copy").auc == 1.0);
    BOOST_TEST(finding(r, "inverted").auc == 1.0);
    BOOST_TEST(finding(r, "cat").auc == 1.0);
    BOOST_TEST(finding(r, "id").auc == 0.5);  // leave-one-out: every row scores the prior
    BOOST_TEST(finding(r, "noise").auc < 0.7);
    BOOST_TEST(!r.passed());
    BOOST_TEST(test_checkers::valid_json(r.to_json()));
    // AUC against a direct pair count (ties count one half).
    double pairs = 0, wins = 0;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            if (y[i] && !y[j]) {
                ++pairs;
                wins += noisy[i] > noisy[j] ? 1.0 : noisy[i] == noisy[j] ? 0.5 : 0.0;
            }
    const double auc = wins / pairs;
    BOOST_TEST(std::abs(finding(r, "noisy").auc - std::max(auc, 1 - auc)) < 1e-12);
}

BOOST_AUTO_TEST_CASE(multiclass_and_regression_targets) {
    rng g(5);
    const std::size_t n = 300;
    std::vector<std::string> cls(n), same(n);
    std::vector<double> target(n), linear(n), other(n);
    for (std::size_t i = 0; i < n; ++i) {
        const int k = g.uniform_int<int>(0, 2);
        cls[i] = std::string(1, static_cast<char>('a' + k));
        same[i] = "group" + std::to_string(k);
        target[i] = g.normal<double>();
        linear[i] = 3.0 * target[i] - 1.0;
        other[i] = g.normal<double>();
    }
    const frame f = frame::from_columns({column::categorical_from_labels("cls", cls),
                                         column::categorical_from_labels("same", same),
                                         column::float64("target", target), column::float64("linear", linear),
                                         column::float64("other", other)});
    const auto m = validate::target_leakage(f, "cls", {.exclude = {"target", "linear", "other"}});
    BOOST_TEST(m.kind == "multiclass");
    BOOST_TEST(m.suspected() == (std::vector<std::string>{"same"}));
    const auto reg = validate::target_leakage(f, "target", {.exclude = {"cls", "same"}});
    BOOST_TEST(reg.kind == "regression");
    BOOST_TEST(reg.suspected() == (std::vector<std::string>{"linear"}));
    BOOST_TEST(std::abs(finding(reg, "linear").correlation - 1.0) < 1e-12);
    BOOST_CHECK_THROW(validate::target_leakage(f, "target", {.auc_threshold = 0.4}), config_error);
    BOOST_CHECK_THROW(validate::target_leakage(f, "cls", {.kind = validate::target_kind::regression}), data_error);
}

BOOST_AUTO_TEST_SUITE_END()
