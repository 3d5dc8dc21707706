// validate::quality_report, quality_gate, class_imbalance: pandas/numpy golden
// values (tests/data/make_validate_golden.py), hand-computed cases, O(n^2)
// duplicate and direct numpy-style IQR references on random frames, seq vs par,
// well-formed renderings, the gate's single error, save/load.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/pipeline/pipeline.hpp>
#include <tessera/validate/schema.hpp>
#include <tessera/validate/quality_gate.hpp>
#include <tessera/validate/quality_report.hpp>

#include "checkers.hpp"
#include "frames.hpp"

using namespace tessera;

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();

template <class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const tessera::error& e) {
        return e.what();
    }
    return "<no exception>";
}

// The golden input: a,b,d float64 and c categorical; empty field = null.
frame read_golden_input() {
    std::ifstream in(TESSERA_TEST_DATA_DIR "/validate_quality_input.csv");
    BOOST_REQUIRE(in);
    std::string line;
    std::getline(in, line);
    std::vector<double> a, b, d;
    std::vector<std::string> c;
    std::vector<bool> cv;
    const auto num = [](const std::string& s) { return s.empty() ? NaN : std::stod(s); };
    while (std::getline(in, line)) {
        std::vector<std::string> f;
        std::stringstream ss(line);
        for (std::string x; std::getline(ss, x, ',');) f.push_back(x);
        if (line.back() == ',') f.push_back("");
        BOOST_REQUIRE(f.size() == 4u);
        a.push_back(num(f[0]));
        b.push_back(num(f[1]));
        c.push_back(f[2]);
        cv.push_back(!f[2].empty());
        d.push_back(num(f[3]));
    }
    return frame::from_columns({column::float64("a", a), column::float64("b", b),
                                column::categorical_from_labels("c", c, cv), column::float64("d", d)});
}

// numpy.quantile 'linear' with numpy's _lerp, over the non-NaN values.
double np_quantile(std::vector<double> v, double q) {
    std::erase_if(v, [](double x) { return std::isnan(x); });
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    const double t = pos - static_cast<double>(lo), diff = v[hi] - v[lo];
    return t >= 0.5 ? v[hi] - diff * (1.0 - t) : v[lo] + diff * t;
}

bool close(double a, double b, double rel = 1e-12) {
    return std::abs(a - b) <= rel * std::max(1.0, std::abs(b));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(quality_report)

BOOST_AUTO_TEST_CASE(matches_pandas_golden) {
    const frame f = read_golden_input();
    const auto q = validate::quality_report(exec::seq, f);
    std::ifstream g(TESSERA_TEST_DATA_DIR "/validate_quality_golden.txt");
    BOOST_REQUIRE(g);
    std::string line;
    std::size_t checked = 0;
    while (std::getline(g, line)) {
        std::stringstream ss(line);
        std::string kind;
        ss >> kind;
        if (kind == "column") {
            std::string name;
            std::size_t nulls = 0, distinct = 0;
            ss >> name >> nulls >> distinct;
            const auto& c = q.column(name);
            BOOST_TEST(c.null_count == nulls, name);
            BOOST_TEST(c.distinct == distinct, name);
            if (name == "c") continue;
            double mean, sd, mn, q1, q2, q3, mx;
            std::size_t outliers;
            ss >> mean >> sd >> mn >> q1 >> q2 >> q3 >> mx >> outliers;
            BOOST_TEST(close(c.mean, mean), name);
            BOOST_TEST(close(c.std, sd), name);
            BOOST_TEST(c.min == mn);
            BOOST_TEST(c.q25 == q1);  // numpy-bitwise quantiles
            BOOST_TEST(c.median == q2);
            BOOST_TEST(c.q75 == q3);
            BOOST_TEST(c.max == mx);
            BOOST_TEST(c.outlier_count == outliers, name);
            ++checked;
        } else if (kind == "duplicates") {
            std::size_t n;
            ss >> n;
            BOOST_TEST(q.duplicate_rows == n);
        } else if (kind == "dup_rows") {
            std::vector<std::size_t> rows;
            for (std::size_t r; ss >> r;) rows.push_back(r);
            BOOST_REQUIRE(q.duplicate_samples.size() == rows.size());
            for (std::size_t i = 0; i < rows.size(); ++i) BOOST_TEST(q.duplicate_samples[i].first == rows[i]);
        }
    }
    BOOST_TEST(checked == 3u);
}

BOOST_AUTO_TEST_CASE(hand_computed_profile) {
    // x: 1..9 and 100 -> numpy quartiles 3.25, 5.5, 7.75; IQR 4.5; fences -3.5, 14.5.
    std::vector<double> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
    const frame f = frame::from_columns({
        column::float64("x", x),
        column::int64("k", {7, 7, 7, 7, 7, 7, 7, 7, 7, 7}),
        column::categorical_from_labels("c", {"a", "a", "a", "a", "a", "a", "a", "a", "a", "b"}),
        column::float64("n", std::vector<double>(10, NaN)),
        column::boolean("y", {true, false, false, false, false, false, false, false, true, false}),
    });
    const auto q = validate::quality_report(exec::seq, f, {.target = "y", .near_constant_share = 0.9});
    const auto& cx = q.column("x");
    BOOST_TEST(cx.q25 == 3.25);
    BOOST_TEST(cx.median == 5.5);
    BOOST_TEST(cx.q75 == 7.75);
    BOOST_TEST(cx.lower_fence == -3.5);
    BOOST_TEST(cx.upper_fence == 14.5);
    BOOST_TEST(cx.outlier_count == 1u);
    BOOST_TEST(cx.outlier_share == 0.1);
    BOOST_TEST(cx.mean == 14.5);
    BOOST_TEST(cx.distinct == 10u);
    BOOST_TEST(cx.top_value == "1");  // ties: the value seen first
    BOOST_TEST(q.column("k").constant);
    BOOST_TEST(q.column("k").std == 0.0);
    BOOST_TEST(q.column("c").near_constant);  // 90% 'a' >= 0.9
    BOOST_TEST(q.column("c").top_share == 0.9);
    BOOST_TEST(!q.column("c").constant);
    BOOST_TEST(q.column("n").constant);  // all null
    BOOST_TEST(q.column("n").null_share == 1.0);
    BOOST_TEST(std::isnan(q.column("n").mean));
    BOOST_TEST(!q.column("y").numeric);
    BOOST_TEST(q.duplicate_rows == 0u);  // x differs in every row
    BOOST_REQUIRE(q.balance.has_value());
    BOOST_TEST(q.balance->labels == (std::vector<std::string>{"false", "true"}));
    BOOST_TEST(q.balance->counts == (std::vector<std::size_t>{8, 2}));
    BOOST_TEST(q.balance->weights == (std::vector<double>{10.0 / 16.0, 10.0 / 4.0}));
    BOOST_TEST(q.balance->imbalance_ratio == 4.0);
}

BOOST_AUTO_TEST_CASE(duplicates_and_outliers_against_brute_force) {
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const frame f = test_frames::random_frame(200 + 13 * seed, seed, seed % 3 == 0 ? 1 : 3);
        const auto q = validate::quality_report(exec::seq, f, {.max_samples = 100000});
        const auto cols = validate::detail::columns_of(f);
        // O(n^2): a row is a duplicate when an earlier row has equal cells.
        const auto same = [&](std::size_t a, std::size_t b) {
            for (const column* c : cols) {
                const bool na = validate::detail::is_null(*c, a), nb = validate::detail::is_null(*c, b);
                if (na != nb) return false;
                if (na) continue;
                if (c->type() == dtype::categorical) {
                    if (validate::detail::text_at(*c, a) != validate::detail::text_at(*c, b)) return false;
                } else if (validate::detail::number_at(*c, a) != validate::detail::number_at(*c, b)) {
                    return false;
                }
            }
            return true;
        };
        std::vector<std::size_t> dups;
        for (std::size_t r = 0; r < f.num_rows(); ++r)
            for (std::size_t e = 0; e < r; ++e)
                if (same(e, r)) {
                    dups.push_back(r);
                    break;
                }
        BOOST_TEST(q.duplicate_rows == dups.size(), "seed " << seed);
        BOOST_REQUIRE(q.duplicate_samples.size() == dups.size());
        for (std::size_t i = 0; i < dups.size(); ++i) {
            BOOST_TEST(q.duplicate_samples[i].first == dups[i]);
            BOOST_TEST(same(q.duplicate_samples[i].second, dups[i]));
        }
        // IQR outliers of the numeric columns, computed directly.
        for (const char* name : {"f", "i"}) {
            const auto v = validate::detail::numbers(f.column(name));
            const double q1 = np_quantile(v, 0.25), q3 = np_quantile(v, 0.75), iqr = q3 - q1;
            std::size_t out = 0, nonnull = 0;
            for (const double x : v) {
                if (std::isnan(x)) continue;
                ++nonnull;
                out += x < q1 - 1.5 * iqr || x > q3 + 1.5 * iqr;
            }
            const auto& c = q.column(name);
            BOOST_TEST(c.q25 == q1);
            BOOST_TEST(c.q75 == q3);
            BOOST_TEST(c.outlier_count == out, name << " seed " << seed);
            BOOST_TEST(c.null_count == f.num_rows() - nonnull);
        }
        // par gives the same profile, whatever the thread count.
        const std::string ref = validate::quality_report(exec::seq, f).to_json();
        for (const unsigned threads : {1u, 2u, 7u})
            BOOST_TEST(validate::quality_report(exec::par_t{.threads = threads, .grain = 16}, f).to_json() == ref);
    }
}

BOOST_AUTO_TEST_CASE(renderings_are_well_formed) {
    const frame f = read_golden_input();
    const auto q = validate::quality_report(f, {.target = "c"});
    const std::string json = q.to_json();
    BOOST_TEST(test_checkers::valid_json(json));
    BOOST_TEST(test_checkers::valid_json(q.to_json(0)));
    BOOST_TEST(json.find("\"duplicates\": {\n    \"count\": 4,") != std::string::npos);
    const std::string text = q.to_text();
    BOOST_TEST(text.starts_with("Data quality: 400 rows x 4 columns\nDuplicate rows: 4 (1.0%)  e.g. row 50 = row 3"));
    BOOST_TEST(text.find("Class balance of 'c'") != std::string::npos);
    const std::string html = q.to_html();
    BOOST_TEST(test_checkers::html_problem(html) == "");
    BOOST_TEST(html.find("<svg") != std::string::npos);
    BOOST_TEST(html.find("<script") == std::string::npos);
    BOOST_TEST(html.find("&#39;a&#39; has 9 IQR outliers") != std::string::npos);
    // Empty frame: no crash, still well formed.
    const frame empty = frame::from_columns({column::float64("x", {})});
    const auto e = validate::quality_report(exec::seq, empty);
    BOOST_TEST(test_checkers::valid_json(e.to_json()));
    BOOST_TEST(test_checkers::html_problem(e.to_html()) == "");
    BOOST_CHECK_THROW(validate::quality_report(f, {.near_constant_share = 0}), config_error);
    BOOST_TEST(message_of([&] { (void)validate::quality_report(f, {.target = "nope"}); }) ==
               "validate::quality_report: target: no column named 'nope'");
    BOOST_TEST(message_of([&] { (void)validate::quality_report(f, {.columns = {"a", "zz"}}); }) ==
               "validate::quality_report: no column named 'zz'");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(quality_gate)

BOOST_AUTO_TEST_CASE(contracts) {
    static_assert(validator<validate::quality_gate>);
    static_assert(transformer<validate::quality_gate, frame>);
    static_assert(fitted_transformer<validate::quality_gate_fitted, frame>);
}

BOOST_AUTO_TEST_CASE(one_error_lists_every_failed_check) {
    // 10 rows: x 30% null, rows 8 and 9 repeat rows 0 and 1 (20% duplicates).
    const frame f = frame::from_columns({
        column::float64("x", {1, 2, NaN, NaN, NaN, 6, 7, 8, 1, 2}),
        column::int64("k", {1, 2, 3, 4, 5, 6, 7, 8, 1, 2}),
    });
    const validate::quality_gate gate({.max_null_share = 0.2, .max_duplicate_share = 0.01});
    const std::string msg = message_of([&] { gate.enforce(f); });
    BOOST_TEST(msg ==
               "validate::quality_gate: 2 of 3 checks failed:\n"
               "  - column 'x': null_share: null share 30.0% (3 of 10) > max_null_share 20.0%\n"
               "  - table: duplicate_rows: duplicate share 20.0% (2 of 10) > max_duplicate_share 1.0% "
               "(e.g. row 8 = row 0, row 9 = row 1)");
    BOOST_CHECK_THROW(gate.enforce(f), data_error);
    // Per-column limit overrides the global one; limits are inclusive.
    const validate::quality_gate lenient({.max_null_share = 0.0,
                                          .column_limits = {{"x", 0.3}},
                                          .max_duplicate_share = 0.2});
    BOOST_TEST(lenient.check(f).passed());
    const auto r = validate::quality_gate({.min_rows = 11, .fail_on_constant = true}).check(f);
    BOOST_TEST(r.failures().size() == 1u);
    BOOST_TEST(r.failures()[0].detail == "10 rows; min_rows 11");
    BOOST_TEST(test_checkers::valid_json(r.to_json()));
}

BOOST_AUTO_TEST_CASE(constant_checks_and_config_errors) {
    const frame f = frame::from_columns({column::int64("k", {3, 3, 3}), column::float64("n", {NaN, NaN, NaN})});
    const auto r = validate::quality_gate({.fail_on_constant = true}).check(f);
    BOOST_TEST(r.failures().size() == 2u);
    BOOST_TEST(r.failures()[0].describe() == "column 'k': not_constant: constant: every non-null value is '3'");
    BOOST_TEST(r.failures()[1].describe() == "column 'n': not_constant: constant: every value is null");
    BOOST_TEST(message_of([] { validate::quality_gate({.max_null_share = 1.5}); }) ==
               "validate::quality_gate: parameter 'max_null_share' = 1.5 is out of range; valid range: [0, 1]");
    BOOST_CHECK_THROW(validate::quality_gate({.column_limits = {{"x", -0.1}}}), config_error);
}

BOOST_AUTO_TEST_CASE(fitted_gate_stage_and_save_load) {
    const frame good = frame::from_columns({column::float64("x", {1, 2, 3, 4})});
    const frame bad = frame::from_columns({column::float64("x", {1, NaN, NaN, 4})});
    const validate::quality_gate gate({.max_null_share = 0.25, .column_limits = {{"x", 0.3}},
                                       .quality = {.near_constant_share = 0.8}});
    const auto fitted = gate.fit(exec::seq, good);
    BOOST_TEST(fitted.transform(exec::seq, good).fingerprint() == good.fingerprint());
    BOOST_CHECK_THROW((void)fitted.transform(exec::seq, bad), data_error);
    BOOST_CHECK_THROW((void)gate.fit(exec::seq, bad), data_error);
    io::writer w;
    fitted.save(w);
    io::reader r(w.bytes());
    const auto back = validate::quality_gate_fitted::load(r);
    r.expect_end();
    io::writer w2;
    back.save(w2);
    BOOST_TEST(w2.bytes() == w.bytes());
    BOOST_TEST(back.gate().get_params().column_limits.at(0).max_null_share == 0.3);
    BOOST_CHECK_THROW((void)back.transform(exec::seq, bad), data_error);
    io::reader t(std::string_view(w.bytes()).substr(0, 20));
    BOOST_CHECK_THROW(validate::quality_gate_fitted::load(t), format_error);
    // Report mode returns the batch.
    auto lenient = validate::quality_gate({.max_null_share = 0.1, .failure = validate::on_failure::report})
                       .fit(exec::seq, good);
    int calls = 0;
    lenient.set_reporter([&](const validate::validation_report&) { ++calls; });
    BOOST_TEST(lenient.transform(exec::seq, bad).num_rows() == 4u);
    BOOST_TEST(calls == 1);
}

BOOST_AUTO_TEST_CASE(validators_compose_as_the_first_stages_of_a_pipeline) {
    const frame train = frame::from_columns({column::float64("x", {1, 2, 3})});
    const frame bad = frame::from_columns({column::float64("x", {1, 20, NaN})});
    auto pipe = validate::schema({.columns = {{.name = "x", .max = 10}}}) |
                validate::quality_gate({.max_null_share = 0.2});
    static_assert(transformer<decltype(pipe), frame>);
    const auto fitted = pipe.fit(exec::seq, train);
    BOOST_TEST(fitted.transform(exec::seq, train).fingerprint() == train.fingerprint());
    io::writer w;
    fitted.save(w);
    io::reader r(w.bytes());
    const auto back = decltype(fitted)::load(r);
    // The first stage rejects the batch before the gate sees it.
    BOOST_TEST(message_of([&] { (void)back.transform(exec::seq, bad); }) ==
               "validate::fitted_validator: 1 of 2 checks failed:\n"
               "  - column 'x': between: 1 of 2 non-null values (50.0%) outside (-inf, 10] (e.g. row 1 = 20)");
}

BOOST_AUTO_TEST_SUITE_END()
