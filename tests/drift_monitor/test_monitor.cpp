// drift::monitor: Evidently's test-selection table, each column's result
// against scipy goldens (monitor_golden.py) and direct calls of the batch
// tests, the dataset verdict, learned thresholds against a direct computation,
// schema changes, policies and thread counts, save/load, bad input.
#define BOOST_TEST_MODULE drift_monitor
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>
#include <tessera/core/random.hpp>
#include <tessera/drift/chi_squared.hpp>
#include <tessera/drift/jensen_shannon.hpp>
#include <tessera/drift/ks.hpp>
#include <tessera/drift/psi.hpp>
#include <tessera/drift/wasserstein.hpp>
#include <tessera/drift/z_test.hpp>
#include <tessera/drift/monitor.hpp>
#include <tessera/io/model_file.hpp>

using namespace tessera;
using drift::method;

namespace {

// monitor_golden.py's output.
constexpr double chi_stat = 29.444444444444443;
constexpr double chi_p = 1.8060275945917e-06;
constexpr double cat_js = 0.13159549237652404;
constexpr double cat_psi = 0.09676742918165743;
constexpr double cat_js_unseen = 0.18262425768301624;
constexpr double cat_psi_unseen = 0.28202981810156114;
constexpr double z_stat_abs = 2.539183580595128;
constexpr double z_p = 0.011111150274075943;
constexpr double ks_stat = 0.09833333333333333;
constexpr double ks_p = 0.06853415286139042;
constexpr double w_normed = 0.2051928262713427;
constexpr double few_js = 0.32868152693085756;
constexpr double big_psi_frozen = 0.3437367480677421;
constexpr double big_js_frozen = 0.19954514708623677;

std::vector<std::string> repeat(std::vector<std::pair<std::string, int>> runs) {
    std::vector<std::string> out;
    for (const auto& [label, n] : runs) out.insert(out.end(), static_cast<std::size_t>(n), label);
    return out;
}
std::vector<bool> repeat_bool(int n_true, int n_false) {
    std::vector<bool> out(static_cast<std::size_t>(n_true), true);
    out.insert(out.end(), static_cast<std::size_t>(n_false), false);
    return out;
}
template <class F>
std::vector<double> series(int n, F&& f) {
    std::vector<double> out;
    for (int i = 0; i < n; ++i) out.push_back(f(i));
    return out;
}
frame one(column c) { return frame::from_columns({std::move(c)}); }

bool close(double a, double b, double rel) {
    return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b));
}

drift::column_drift check_one(const column& ref, const column& cur, drift::monitor_params p = {}) {
    const auto m = drift::monitor(p).fit(exec::seq, one(ref));
    return m.check(exec::seq, one(cur)).columns.at(0);
}

std::vector<double> normal(std::size_t n, std::uint64_t seed, double loc = 0.0, double sd = 1.0) {
    rng g(seed);
    std::vector<double> v(n);
    for (auto& x : v) x = loc + sd * g.normal<double>();
    return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(monitor_selection)

// reference/semantics.md section 2, row by row.
BOOST_AUTO_TEST_CASE(select_method_table) {
    using drift::feature_kind;
    using drift::select_method;
    constexpr auto num = feature_kind::numerical, cat = feature_kind::categorical;
    BOOST_TEST((select_method(num, 1000, 6) == method::ks));
    BOOST_TEST((select_method(num, 1000, 5) == method::chi_squared));
    BOOST_TEST((select_method(num, 1000, 3) == method::chi_squared));
    BOOST_TEST((select_method(num, 1000, 2) == method::z));
    BOOST_TEST((select_method(num, 10, 1) == method::z));
    BOOST_TEST((select_method(cat, 1000, 2) == method::z));
    BOOST_TEST((select_method(cat, 1000, 3) == method::chi_squared));
    BOOST_TEST((select_method(cat, 1000, 40) == method::chi_squared));
    BOOST_TEST((select_method(num, 1001, 6) == method::wasserstein));
    BOOST_TEST((select_method(num, 1001, 5) == method::jensen_shannon));
    BOOST_TEST((select_method(num, 1001, 2) == method::jensen_shannon));
    BOOST_TEST((select_method(cat, 1001, 2) == method::jensen_shannon));
    BOOST_TEST((select_method(cat, 5000, 50) == method::jensen_shannon));
    BOOST_TEST(drift::default_threshold(method::ks) == 0.05);
    BOOST_TEST(drift::default_threshold(method::wasserstein) == 0.1);
    BOOST_TEST(drift::method_name(method::wasserstein) == "wasserstein_normed");
}

// The monitor picks by non-null reference values and the distinct values of
// both sides together (a value only the current holds counts).
BOOST_AUTO_TEST_CASE(monitor_picks_by_union_and_rows) {
    const auto num = [](const std::string& n, std::vector<double> v) {
        return column::float64(n, std::move(v));
    };
    // 2 distinct in the reference, a third only in the current: chi-squared, not z.
    auto r = check_one(num("x", series(100, [](int i) { return i % 2; })),
                       num("x", series(100, [](int i) { return i % 3; })));
    BOOST_TEST(r.result.method == "chi_squared");
    BOOST_TEST(r.n_unique == 3u);
    r = check_one(num("x", series(100, [](int i) { return i % 2; })),
                  num("x", series(100, [](int i) { return (i + 1) % 2; })));
    BOOST_TEST(r.result.method == "z");
    r = check_one(num("x", series(100, [](int i) { return i % 5; })),
                  num("x", series(100, [](int i) { return i % 6; })));
    BOOST_TEST(r.result.method == "ks");
    // 1000 values plus nulls: still the small family (nulls do not count).
    std::vector<double> v = series(1200, [](int i) { return std::sin(i); });
    for (int i = 0; i < 200; ++i) v[static_cast<std::size_t>(i)] = std::nan("");
    r = check_one(num("x", v), num("x", series(50, [](int i) { return std::cos(i); })));
    BOOST_TEST(r.result.method == "ks");
    BOOST_TEST(r.reference_count == 1000u);
    r = check_one(num("x", series(1001, [](int i) { return std::sin(i); })),
                  num("x", series(50, [](int i) { return std::cos(i); })));
    BOOST_TEST(r.result.method == "wasserstein_normed");
    r = check_one(num("x", series(1001, [](int i) { return i % 5; })),
                  num("x", series(50, [](int i) { return i % 5; })));
    BOOST_TEST(r.result.method == "jensen_shannon");
    r = check_one(column::categorical_from_labels("c", repeat({{"a", 600}, {"b", 500}})),
                  column::categorical_from_labels("c", repeat({{"a", 6}, {"b", 5}})));
    BOOST_TEST(r.result.method == "jensen_shannon");
    r = check_one(column::boolean("b", repeat_bool(5, 5)), column::boolean("b", repeat_bool(2, 3)));
    BOOST_TEST(r.result.method == "z");
    // Overrides: per kind, per column, and thresholds.
    drift::monitor_params p;
    p.numerical_method = method::psi;
    r = check_one(num("x", series(50, [](int i) { return std::sin(i); })),
                  num("x", series(50, [](int i) { return std::cos(i); })), p);
    BOOST_TEST(r.result.method == "psi");
    BOOST_TEST(r.result.threshold == 0.1);
    p.per_column = {{.column = "x", .test = method::ks, .threshold = 0.01}};
    r = check_one(num("x", series(50, [](int i) { return std::sin(i); })),
                  num("x", series(50, [](int i) { return std::cos(i); })), p);
    BOOST_TEST(r.result.method == "ks");
    BOOST_TEST(r.result.threshold == 0.01);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(monitor_values)

BOOST_AUTO_TEST_CASE(categorical_tests_match_scipy) {
    const auto ref = column::categorical_from_labels("c", repeat({{"a", 120}, {"b", 90}, {"c", 60}, {"d", 30}}));
    const auto cur = column::categorical_from_labels("c", repeat({{"a", 80}, {"b", 100}, {"c", 70}, {"d", 50}}));
    auto r = check_one(ref, cur);
    BOOST_TEST(r.result.method == "chi_squared");
    BOOST_TEST(close(r.result.statistic, chi_stat, 1e-12));
    BOOST_TEST(std::abs(r.result.p_value - chi_p) < 1e-9);
    BOOST_TEST(r.result.score == r.result.p_value);
    BOOST_TEST(r.drifted());  // p < 0.05
    drift::monitor_params p;
    p.categorical_method = method::jensen_shannon;
    r = check_one(ref, cur, p);
    BOOST_TEST(close(r.result.statistic, cat_js, 1e-12));
    BOOST_TEST(r.drifted());  // 0.13 >= 0.1
    p.categorical_method = method::psi;
    r = check_one(ref, cur, p);
    BOOST_TEST(close(r.result.statistic, cat_psi, 1e-12));
    BOOST_TEST(!r.drifted());  // 0.097 < 0.1
    // An unseen category: JS and PSI over the union, chi-squared infinite.
    auto cur_e = repeat({{"a", 80}, {"b", 100}, {"c", 70}, {"d", 50}, {"e", 10}});
    const auto cur_u = column::categorical_from_labels("c", cur_e);
    r = check_one(ref, cur_u, p);
    BOOST_TEST(close(r.result.statistic, cat_psi_unseen, 1e-12));
    BOOST_TEST(r.categories.back() == "(unseen)");
    p.categorical_method = method::jensen_shannon;
    BOOST_TEST(close(check_one(ref, cur_u, p).result.statistic, cat_js_unseen, 1e-12));
    r = check_one(ref, cur_u);
    BOOST_TEST(std::isinf(r.result.statistic));
    BOOST_TEST(r.result.p_value == 0.0);
    // The dictionary's order and unused labels do not matter: labels are matched by text.
    std::vector<std::int32_t> codes;
    for (int i = 0; i < 80; ++i) codes.push_back(3);
    for (int i = 0; i < 100; ++i) codes.push_back(2);
    for (int i = 0; i < 70; ++i) codes.push_back(1);
    for (int i = 0; i < 50; ++i) codes.push_back(0);
    const auto cur_perm = column::categorical("c", codes, {"d", "c", "b", "a", "zz"});
    r = check_one(ref, cur_perm);
    BOOST_TEST(close(r.result.statistic, chi_stat, 1e-12));
}

BOOST_AUTO_TEST_CASE(binary_z_matches_evidently_formula) {
    const auto r = check_one(column::boolean("b", repeat_bool(70, 130)),
                             column::boolean("b", repeat_bool(95, 105)));
    BOOST_TEST(r.result.method == "z");
    BOOST_TEST(close(std::abs(r.result.statistic), z_stat_abs, 1e-12));
    BOOST_TEST(std::abs(r.result.p_value - z_p) < 1e-12);
    BOOST_TEST(r.drifted());
    // Both sides one and the same value: p = 1 (Evidently's special case).
    const auto same = check_one(column::boolean("b", repeat_bool(10, 0)),
                                column::boolean("b", repeat_bool(7, 0)));
    BOOST_TEST(same.result.p_value == 1.0);
    BOOST_TEST(!same.drifted());
}

BOOST_AUTO_TEST_CASE(numerical_tests_match_scipy_and_batch_tests) {
    const auto ref = series(400, [](int i) { return std::sin(i) * 3 + i % 7; });
    const auto cur = series(300, [](int i) { return std::cos(i) * 3 + i % 5 + 0.5; });
    auto r = check_one(column::float64("x", ref), column::float64("x", cur));
    BOOST_TEST(r.result.method == "ks");
    BOOST_TEST(close(r.result.statistic, ks_stat, 1e-12));
    BOOST_TEST(std::abs(r.result.p_value - ks_p) < 1e-9);
    // The batch test called directly gives the same numbers and verdict.
    const auto direct = drift::ks_test{}.compare(exec::seq, ref, cur);
    BOOST_TEST(r.result.statistic == direct.statistic);
    BOOST_TEST(r.result.p_value == direct.p_value);
    BOOST_TEST(r.drifted() == direct.drifted);

    const auto big_ref = series(3000, [](int i) { return std::sin(i * 0.37) * 2 + (i % 11) * 0.1; });
    const auto big_cur = series(2500, [](int i) { return std::sin(i * 0.41) * 2 + (i % 11) * 0.1 + 0.3; });
    r = check_one(column::float64("x", big_ref), column::float64("x", big_cur));
    BOOST_TEST(r.result.method == "wasserstein_normed");
    BOOST_TEST(close(r.result.statistic, w_normed, 1e-9));
    BOOST_TEST(r.drifted());
    drift::monitor_params p;
    p.numerical_method = method::psi;
    r = check_one(column::float64("x", big_ref), column::float64("x", big_cur), p);
    BOOST_TEST(close(r.result.statistic, big_psi_frozen, 1e-9));
    BOOST_TEST(r.edges.back() == std::numeric_limits<double>::infinity());  // current above the max
    BOOST_TEST(std::isfinite(r.edges.front()));                          // nothing below the min: not drawn
    BOOST_TEST(r.edges.size() == r.current_share.size() + 1);
    p.numerical_method = method::jensen_shannon;
    r = check_one(column::float64("x", big_ref), column::float64("x", big_cur), p);
    BOOST_TEST(close(r.result.statistic, big_js_frozen, 1e-9));
    // Few distinct values above 1000 rows: JS over the values of both sides.
    r = check_one(column::float64("x", series(3000, [](int i) { return i % 4; })),
                  column::float64("x", series(2000, [](int i) { return (i * 3) % 5; })));
    BOOST_TEST(r.result.method == "jensen_shannon");
    BOOST_TEST(close(r.result.statistic, few_js, 1e-12));
}

// Every column verdict equals the batch test called directly on the raw
// samples (Evidently's variants: chi-squared goodness of fit, pooled binning).
BOOST_AUTO_TEST_CASE(verdicts_match_direct_batch_test_calls) {
    const auto agree = [](const drift::column_drift& c, const drift::test_result& d, double rel) {
        BOOST_TEST_INFO(c.column << " " << c.result.method);
        BOOST_TEST(close(c.result.statistic, d.statistic, rel));
        BOOST_TEST((std::isnan(d.p_value) ? std::isnan(c.result.p_value)
                                          : std::abs(c.result.p_value - d.p_value) < 1e-12));
        BOOST_TEST(c.drifted() == d.drifted);
    };
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        rng g(seed);
        const std::size_t nr = 200 + 700 * (seed % 3), nc = 150 + 100 * seed;
        const double shift = 0.08 * static_cast<double>(seed);
        std::vector<double> cr(nr), cc(nc), br(nr), bc(nc), xr(nr), xc(nc);
        for (auto& v : cr) v = std::floor(g.uniform<double>() * 4);
        for (auto& v : cc) v = std::min(3.0, std::floor(g.uniform<double>() * 4 + shift));
        for (auto& v : br) v = g.uniform<double>() < 0.4;
        for (auto& v : bc) v = g.uniform<double>() < 0.4 + shift;
        for (auto& v : xr) v = g.normal<double>();
        for (auto& v : xc) v = g.normal<double>() * (1 + shift) + shift;
        // categories 0..3 as numbers: chi-squared (small) or JS (large)
        auto r = check_one(column::float64("c", cr), column::float64("c", cc));
        if (nr <= 1000)
            agree(r, drift::chi_squared({.method = drift::chi_squared_method::goodness_of_fit})
                         .compare(cr, cc), 1e-12);
        else
            agree(r, drift::jensen_shannon({.bins = drift::binning::evidently}).compare(cr, cc), 1e-12);
        drift::monitor_params p;
        p.numerical_method = method::psi;
        agree(check_one(column::float64("c", cr), column::float64("c", cc), p),
              drift::psi({.bins = drift::binning::evidently}).compare(cr, cc), 1e-12);
        // binary
        r = check_one(column::float64("b", br), column::float64("b", bc));
        if (nr <= 1000) agree(r, drift::z_test{}.compare(br, bc), 1e-12);
        std::vector<bool> brb(br.begin(), br.end()), bcb(bc.begin(), bc.end());
        p.numerical_method = method::z;
        const auto rb = check_one(column::boolean("b", brb), column::boolean("b", bcb), {.categorical_method = method::z});
        agree(rb, drift::z_test{}.compare(br, bc), 1e-12);
        // continuous: KS (small) or Wasserstein normed (large)
        r = check_one(column::float64("x", xr), column::float64("x", xc));
        if (nr <= 1000) agree(r, drift::ks_test{}.compare(exec::seq, xr, xc), 0.0);
        else agree(r, drift::wasserstein{}.compare(exec::seq, xr, xc), 1e-12);
    }
}

// The radix sort of large current columns (MSD bucket pass + in-cache LSD)
// against std::sort, and a large column's verdict against the batch test.
BOOST_AUTO_TEST_CASE(large_columns_sort_and_score) {
    rng g(77);
    for (int kind = 0; kind < 5; ++kind) {
        std::vector<double> v(70001);
        for (auto& x : v) {
            const double z = g.normal<double>();
            x = kind == 0 ? z
              : kind == 1 ? std::floor(z * 3)                               // heavy ties
              : kind == 2 ? (g.uniform<double>() < 0.5 ? -0.0 : 0.0)        // signed zeros
              : kind == 3 ? 1e6 + z * 1e-3                                  // one top bucket
                          : z * 1e300;                                      // huge range
        }
        std::vector<double> expected = v;
        for (double& x : expected) x += 0.0;
        std::sort(expected.begin(), expected.end());
        drift::detail::monitor::sort_values(v);
        BOOST_TEST_INFO("kind " << kind);
        BOOST_TEST((v == expected));
        BOOST_TEST(std::none_of(v.begin(), v.end(), [](double x) { return x == 0 && std::signbit(x); }));
    }
    const auto ref = normal(60000, 3), cur = normal(50000, 4, 0.02, 1.1);
    const auto r = check_one(column::float64("x", ref), column::float64("x", cur));
    const auto d = drift::wasserstein{}.compare(exec::seq, ref, cur);
    BOOST_TEST(close(r.result.statistic, d.statistic, 1e-12));
}

// int64 and float32 columns are numerical; a dtype change within numbers is
// noted, not a schema change; NaN, +-inf and nulls are dropped.
BOOST_AUTO_TEST_CASE(numeric_dtypes_and_non_finite) {
    std::vector<std::int64_t> iv;
    for (int i = 0; i < 400; ++i) iv.push_back(i % 37);
    std::vector<double> dv(iv.begin(), iv.end());
    dv.push_back(std::numeric_limits<double>::infinity());
    dv.push_back(std::nan(""));
    const auto cur = series(300, [](int i) { return (i * 7) % 41; });
    const auto a = check_one(column::int64("x", iv), column::float64("x", cur));
    const auto b = check_one(column::float64("x", dv), column::float32("x", std::vector<float>(cur.begin(), cur.end())));
    BOOST_TEST(a.result.statistic == b.result.statistic);
    BOOST_TEST(a.result.p_value == b.result.p_value);
    BOOST_TEST((a.status == drift::column_status::tested));
    BOOST_TEST(a.note.find("dtype changed from int64 to float64") != std::string::npos);
    BOOST_TEST(b.reference_count == 400u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(monitor_dataset)

BOOST_AUTO_TEST_CASE(dataset_verdict_at_the_share) {
    // Four columns, two drifted: share 0.5 reaches 0.5 (>=), not 0.6.
    const auto same = series(300, [](int i) { return std::sin(i); });
    const auto moved = series(300, [](int i) { return std::sin(i) + 3; });
    const frame ref = frame::from_columns({column::float64("a", same), column::float64("b", same),
                                           column::float64("c", same), column::float64("d", same)});
    const frame cur = frame::from_columns({column::float64("a", same), column::float64("b", moved),
                                           column::float64("c", same), column::float64("d", moved)});
    auto rep = drift::monitor{}.fit(ref).check(cur);
    BOOST_TEST(rep.drifted_columns == 2u);
    BOOST_TEST(rep.share_drifted == 0.5);
    BOOST_TEST(rep.dataset_drift);
    BOOST_TEST(rep.retrain_recommended());
    BOOST_TEST(!rep.column("a").drifted());
    BOOST_TEST(rep.column("b").drifted());
    rep = drift::monitor({.drift_share = 0.6}).fit(ref).check(cur);
    BOOST_TEST(!rep.dataset_drift);
    BOOST_TEST(rep.to_text().find("no dataset drift") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(schema_changes_are_reported) {
    const auto v = series(300, [](int i) { return std::sin(i); });
    const frame ref = frame::from_columns(
        {column::float64("a", v), column::float64("b", v),
         column::categorical_from_labels("c", repeat({{"x", 150}, {"y", 150}})),
         column::float64("d", v), column::timestamp("t", std::vector<std::int64_t>(300, 5))});
    std::vector<double> all_nan(300, std::nan(""));
    const frame cur = frame::from_columns(
        {column::float64("a", v), column::categorical_from_labels("b", repeat({{"x", 300}})),
         column::float64("d", all_nan), column::float64("new", v),
         column::timestamp("t", std::vector<std::int64_t>(300, 9))});
    const auto rep = drift::monitor{}.fit(ref).check(cur);
    BOOST_TEST((rep.column("b").status == drift::column_status::type_changed));
    BOOST_TEST(rep.column("b").note == "type changed from float64 to categorical");
    BOOST_TEST((rep.column("c").status == drift::column_status::missing));
    BOOST_TEST((rep.column("d").status == drift::column_status::empty));
    BOOST_TEST((rep.column("t").status == drift::column_status::unsupported));
    BOOST_TEST(rep.extra_columns == std::vector<std::string>{"new"});
    // Missing and type-changed count as drifted (schema_change_is_drift).
    BOOST_TEST(rep.drifted_columns == 2u);
    BOOST_TEST(rep.share_drifted == 2.0 / 5.0);
    const auto off = drift::monitor({.schema_change_is_drift = false}).fit(ref).check(cur);
    BOOST_TEST(off.drifted_columns == 0u);
    const std::string text = rep.to_text();
    BOOST_TEST(text.find("missing from the current frame") != std::string::npos);
    BOOST_TEST(text.find("Columns not in the reference (not tested): new") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(selected_columns_only) {
    const auto v = series(300, [](int i) { return std::sin(i); });
    const frame ref = frame::from_columns({column::float64("a", v), column::float64("y", v)});
    const auto m = drift::monitor({.columns = {"a"}}).fit(ref);
    BOOST_TEST(m.columns() == std::vector<std::string>{"a"});
    const auto rep = m.check(ref);
    BOOST_TEST(rep.columns.size() == 1u);
    BOOST_TEST(rep.extra_columns == std::vector<std::string>{"y"});
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(monitor_learned_thresholds)

// mean + k std of each reference chunk's statistic against the whole
// reference, computed here directly with the batch test's Wasserstein walk.
BOOST_AUTO_TEST_CASE(learned_threshold_matches_direct_computation) {
    const auto ref = normal(5003, 11);
    const auto cur = normal(4000, 12, 0.05);
    const frame rf = one(column::float64("x", ref));
    const auto m = drift::monitor({.learn_thresholds = true, .threshold_chunks = 7,
                                   .threshold_k_std = 2.5})
                       .fit(exec::seq, rf);
    BOOST_TEST((m.learned_method("x") == method::wasserstein));
    std::vector<double> sorted_ref = ref;
    std::sort(sorted_ref.begin(), sorted_ref.end());
    double mean = 0, sq = 0;
    for (const double v : ref) mean += v;
    mean /= static_cast<double>(ref.size());
    for (const double v : ref) sq += (v - mean) * (v - mean);
    const double sd = std::sqrt(sq / static_cast<double>(ref.size()));
    std::vector<double> stats;
    const std::size_t grain = (ref.size() + 6) / 7;
    for (std::size_t b = 0; b < ref.size(); b += grain) {
        std::vector<double> chunk(ref.begin() + static_cast<std::ptrdiff_t>(b),
                                  ref.begin() + static_cast<std::ptrdiff_t>(std::min(ref.size(), b + grain)));
        std::sort(chunk.begin(), chunk.end());
        // Brute-force scipy _cdf_distance(1, .): pooled values, right-continuous CDFs.
        std::vector<double> all = sorted_ref;
        all.insert(all.end(), chunk.begin(), chunk.end());
        std::sort(all.begin(), all.end());
        double w = 0;
        for (std::size_t k = 0; k + 1 < all.size(); ++k) {
            const double fu = static_cast<double>(std::upper_bound(sorted_ref.begin(), sorted_ref.end(), all[k]) - sorted_ref.begin()) / static_cast<double>(sorted_ref.size());
            const double fv = static_cast<double>(std::upper_bound(chunk.begin(), chunk.end(), all[k]) - chunk.begin()) / static_cast<double>(chunk.size());
            w += std::abs(fu - fv) * (all[k + 1] - all[k]);
        }
        stats.push_back(w / sd);
    }
    BOOST_TEST(stats.size() == 7u);
    double sm = 0, ss = 0;
    for (const double s : stats) sm += s;
    sm /= 7.0;
    for (const double s : stats) ss += (s - sm) * (s - sm);
    const double expected = sm + 2.5 * std::sqrt(ss / 7.0);
    BOOST_TEST(close(m.learned_threshold("x"), expected, 1e-9));
    const auto r = m.check(exec::seq, one(column::float64("x", cur))).columns[0];
    BOOST_TEST(r.threshold_learned);
    BOOST_TEST(r.result.threshold == m.learned_threshold("x"));
    BOOST_TEST(r.drifted() == (r.result.statistic > r.result.threshold));
    // A p-value test learns a bound on its statistic (KS D), and a constant
    // threshold still wins over learning.
    const auto small = drift::monitor({.learn_thresholds = true}).fit(one(column::float64("x", normal(800, 3))));
    BOOST_TEST((small.learned_method("x") == method::ks));
    const auto rs = small.check(one(column::float64("x", normal(300, 4)))).columns[0];
    BOOST_TEST((rs.result.kind == drift::score_kind::distance));
    BOOST_TEST(rs.result.score == rs.result.statistic);
    const auto fixed = drift::monitor({.threshold = 0.2, .learn_thresholds = true}).fit(rf).check(rf);
    BOOST_TEST(!fixed.columns[0].threshold_learned);
    BOOST_TEST(fixed.columns[0].result.threshold == 0.2);
}

// A categorical column (> 1000 rows: Jensen-Shannon): each chunk's distance
// from the batch test with Evidently's value binning, mean + k std.
BOOST_AUTO_TEST_CASE(learned_threshold_categorical) {
    rng g(5);
    std::vector<double> codes(3001);
    std::vector<std::string> labels;
    for (auto& c : codes) {
        c = std::floor(6 * g.uniform<double>() * g.uniform<double>());
        labels.push_back(std::string(1, static_cast<char>('a' + static_cast<int>(c))));
    }
    const auto m = drift::monitor({.learn_thresholds = true, .threshold_chunks = 5, .threshold_k_std = 2})
                       .fit(one(column::categorical_from_labels("c", labels)));
    BOOST_TEST((m.learned_method("c") == method::jensen_shannon));
    const drift::jensen_shannon js({.bins = drift::binning::evidently});
    std::vector<double> stats;
    for (std::size_t b = 0; b < codes.size(); b += 601) {
        const std::vector<double> chunk(codes.begin() + static_cast<std::ptrdiff_t>(b),
                                        codes.begin() + static_cast<std::ptrdiff_t>(std::min(codes.size(), b + 601)));
        stats.push_back(js.compare(codes, chunk).statistic);
    }
    BOOST_TEST(stats.size() == 5u);
    double mean = 0, sq = 0;
    for (const double v : stats) mean += v / 5;
    for (const double v : stats) sq += (v - mean) * (v - mean);
    BOOST_TEST(close(m.learned_threshold("c"), mean + 2 * std::sqrt(sq / 5), 1e-12));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(monitor_policies_and_files)

frame mixed(std::size_t n, std::uint64_t seed, double shift) {
    rng g(seed);
    std::vector<double> a(n), b(n);
    std::vector<std::int64_t> k(n);
    std::vector<std::string> c(n);
    std::vector<bool> flag(n), valid(n);
    const char* names[] = {"red", "green", "blue", "grey"};
    for (std::size_t i = 0; i < n; ++i) {
        a[i] = g.normal<double>() + shift;
        b[i] = g.uniform<double>() < 0.05 ? std::nan("") : std::exp(g.normal<double>());
        k[i] = static_cast<std::int64_t>(g.uniform<double>() * (4 + shift));
        c[i] = names[static_cast<std::size_t>(g.uniform<double>() * (3.5 + shift / 4))];
        flag[i] = g.uniform<double>() < 0.3 + shift / 10;
        valid[i] = g.uniform<double>() > 0.1;
    }
    return frame::from_columns({column::float64("a", a), column::float64("b", b),
                                column::int64("k", k, valid), column::categorical_from_labels("c", c),
                                column::boolean("flag", flag, valid)});
}

BOOST_AUTO_TEST_CASE(same_report_for_every_policy_and_thread_count) {
    for (const std::size_t n : {std::size_t{500}, std::size_t{3000}}) {
        const frame ref = mixed(n, 1, 0.0), cur = mixed(n / 2 + 7, 2, 0.5);
        for (const bool learn : {false, true}) {
            const drift::monitor mon({.learn_thresholds = learn});
            const std::string expected = mon.fit(exec::seq, ref).check(exec::seq, cur).to_json();
            BOOST_TEST(mon.fit(exec::simd, ref).check(exec::simd, cur).to_json() == expected);
            for (unsigned t : {1u, 2u, 7u}) {
                const exec::par_t p{.threads = t};
                BOOST_TEST(mon.fit(p, ref).check(p, cur).to_json() == expected);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(save_load_round_trip) {
    const frame ref = mixed(3000, 5, 0.0), cur = mixed(2000, 6, 0.8);
    const auto m = drift::monitor({.per_column = {{.column = "a", .test = method::psi, .threshold = 0.2}},
                                   .learn_thresholds = true})
                       .fit(ref);
    const std::string bytes = io::save_to_string(m);
    const auto again = io::load_from_string<drift::monitor_fitted>(bytes);
    BOOST_TEST(again.check(cur).to_json() == m.check(cur).to_json());
    BOOST_TEST(again.columns() == m.columns());
    BOOST_TEST(again.params().per_column.at(0).threshold == 0.2);
    // Truncated or corrupted payloads are rejected, never trusted.
    BOOST_CHECK_THROW(io::load_from_string<drift::monitor_fitted>(bytes.substr(0, bytes.size() / 2)),
                      format_error);
    io::writer w;
    m.save(w);
    std::string payload = w.take();
    payload[4] = 0x7f;  // drift_share's low byte is harmless; break its exponent instead
    payload[11] = 0x7f;
    io::reader r(payload);
    BOOST_CHECK_THROW(drift::monitor_fitted::load(r), format_error);
}

BOOST_AUTO_TEST_CASE(matrix_input) {
    matrix<double> X = matrix<double>::from_shape({1500, 2});
    rng g(9);
    for (auto& v : X) v = g.normal<double>();
    const auto m = drift::monitor{}.fit(X);
    BOOST_TEST(m.columns() == (std::vector<std::string>{"x0", "x1"}));
    matrix<double> Y = X + 2.0;
    const auto rep = m.check(Y);
    BOOST_TEST(rep.dataset_drift);
    BOOST_TEST(!m.check(X).dataset_drift);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(monitor_bad_input)

template <class E>
void throws_with(const std::function<void()>& f, const std::string& text) {
    try {
        f();
        BOOST_ERROR("no exception; expected one mentioning: " + text);
    } catch (const E& e) {
        BOOST_TEST_INFO(e.what());
        BOOST_TEST(std::string(e.what()).find(text) != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(bad_params_and_frames) {
    const frame ref = one(column::float64("x", series(100, [](int i) { return i; })));
    throws_with<config_error>([&] { drift::monitor({.drift_share = 0.0}).fit(ref); }, "drift_share");
    throws_with<config_error>([&] { drift::monitor({.drift_share = 1.5}).fit(ref); }, "(0, 1]");
    throws_with<config_error>([&] { drift::monitor({.threshold = -1}).fit(ref); }, "threshold");
    throws_with<config_error>([&] { drift::monitor({.threshold_chunks = 1}).fit(ref); }, "threshold_chunks");
    throws_with<config_error>([&] { drift::monitor({.learn_thresholds = true, .threshold_chunks = 101}).fit(ref); },
                              "threshold_chunks");
    throws_with<config_error>([&] { drift::monitor({.threshold_k_std = std::nan("")}).fit(ref); }, "threshold_k_std");
    throws_with<config_error>([&] { drift::monitor({.categorical_method = method::ks}).fit(ref); }, "categorical_method");
    throws_with<data_error>([&] { drift::monitor({.columns = {"nope"}}).fit(ref); }, "'nope'");
    throws_with<data_error>([&] { drift::monitor({.per_column = {{.column = "zz"}}}).fit(ref); }, "'zz'");
    throws_with<shape_error>([&] { drift::monitor{}.fit(frame{}); }, "empty");
    throws_with<data_error>(
        [&] { drift::monitor{}.fit(one(column::float64("n", std::vector<double>(5, std::nan(""))))); },
        "column 'n' has no non-null finite value");
    const frame cat = one(column::categorical_from_labels("c", repeat({{"a", 3}, {"b", 3}})));
    throws_with<config_error>(
        [&] { drift::monitor({.per_column = {{.column = "c", .test = method::wasserstein}}}).fit(cat); },
        "needs a numerical column");
    throws_with<config_error>(
        [&] { drift::monitor({.per_column = {{.column = "x", .test = method::z}}}).fit(ref); }, "z-test");
    const auto m = drift::monitor{}.fit(ref);
    throws_with<data_error>([&] { (void)m.learned_threshold("q"); }, "'q'");
    throws_with<data_error>([&] { (void)m.check(ref).column("q"); }, "'q'");
    // An empty current frame is a report (every column missing), not a crash.
    const auto rep = m.check(frame{});
    BOOST_TEST((rep.columns[0].status == drift::column_status::missing));
}

BOOST_AUTO_TEST_SUITE_END()
