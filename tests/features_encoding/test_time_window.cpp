// time_features against Python's datetime (negative epochs, leap years, UTC
// offsets); window_features against pandas groupby().shift / rolling and a
// brute-force reference, seq vs par (1, 2, 7 threads) bit for bit.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>
#include <tessera/core/random.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/features/time_features.hpp>
#include <tessera/features/window_features.hpp>

#include "helpers.hpp"

using namespace tessera;
using namespace enc_test;
namespace ft = tessera::features;

namespace {

std::vector<std::int64_t> ints(const frame& f, const std::string& name) {
    const auto v = f.column(name).values<std::int64_t>();
    return {v.begin(), v.end()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(time_features_suite)

BOOST_AUTO_TEST_CASE(civil_round_trip) {
    using namespace ft::detail::calendar;
    for (std::int64_t z = -1'000'000; z <= 1'000'000; z += 7) {
        const civil c = civil_from_days(z);
        BOOST_REQUIRE(days_from_civil(c.year, c.month, c.day) == z);
    }
    static_assert(civil_from_days(0).year == 1970 && civil_from_days(-1).day == 31);
    static_assert(civil_from_days(11016).month == 2 && civil_from_days(11016).day == 29);  // 2000-02-29
}

BOOST_AUTO_TEST_CASE(python_datetime_golden) {
    golden g("time_golden.txt");
    int offsets = 0;
    while (!g.done()) {
        g.expect("offset");
        const auto offset = static_cast<std::int32_t>(g.integer());
        g.integer();
        std::vector<std::int64_t> ns;
        std::vector<std::int64_t> want[5];
        for (std::string w = g.word(); w != "end"; w = g.word()) {
            ns.push_back(std::stoll(w));
            for (auto& v : want) v.push_back(g.integer());
        }
        BOOST_TEST_CONTEXT("offset " << offset) {
            const frame X = frame::from_columns({column::timestamp("ts", ns)});
            const auto f = ft::time_features{{.column = "ts", .utc_offset_minutes = offset}}.fit(exec::seq, X);
            for (const auto& h : {f, round_trip(f)}) {
                const frame out = h.transform(exec::par, X);
                const char* names[5] = {"ts.hour", "ts.weekday", "ts.month", "ts.day", "ts.day_of_year"};
                for (int i = 0; i < 5; ++i)
                    BOOST_TEST(ints(out, names[i]) == want[i], boost::test_tools::per_element());
                const auto wd = out.column("ts.weekday").values<std::int64_t>();
                const auto hr = out.column("ts.hour").values<std::int64_t>();
                const auto we = out.column("ts.weekend").values<bool>();
                const auto bh = out.column("ts.business_hours").values<bool>();
                for (std::size_t r = 0; r < ns.size(); ++r) {
                    BOOST_TEST(we[r] == (wd[r] >= 5));
                    BOOST_TEST(bh[r] == (wd[r] < 5 && hr[r] >= 9 && hr[r] < 17));
                }
            }
        }
        ++offsets;
    }
    BOOST_TEST(offsets == 5);
}

BOOST_AUTO_TEST_CASE(nulls_options_and_errors) {
    // 2024-06-03 is a Monday; 08:30, 12:00 and 20:00 UTC, then a null.
    const std::int64_t day = 1717372800LL * 1'000'000'000;
    const std::int64_t h = 3'600'000'000'000;
    const frame X = frame::from_columns(
        {column::float64("x", {1, 2, 3, 4}),
         column::timestamp("ts", {day + 8 * h + h / 2, day + 12 * h, day + 20 * h, 0}, {true, true, true, false})});
    const auto f = ft::time_features{{.column = "ts", .business_start = 8, .business_end = 20,
                                      .keep_original = true}}.fit(exec::seq, X);
    const frame out = f.transform(exec::seq, X);
    const std::vector<std::string> names = {"x", "ts", "ts.hour", "ts.weekday", "ts.month", "ts.day",
                                            "ts.day_of_year", "ts.weekend", "ts.business_hours"};
    BOOST_TEST(out.names() == names, boost::test_tools::per_element());
    BOOST_TEST(out.column("ts.business_hours").values<bool>()[0] == true);
    BOOST_TEST(out.column("ts.business_hours").values<bool>()[2] == false);  // end is exclusive
    for (const auto& n : names)
        if (n != "x") BOOST_TEST(out.column(n).is_null(3));
    BOOST_TEST(out.column("ts.day_of_year").values<std::int64_t>()[0] == 155);
    BOOST_CHECK_THROW((ft::time_features{{.column = "x"}}.fit(exec::seq, X)), data_error);
    BOOST_CHECK_THROW((ft::time_features{{.column = "nope"}}.fit(exec::seq, X)), data_error);
    BOOST_CHECK_THROW((ft::time_features{}.fit(exec::seq, X)), config_error);
    BOOST_CHECK_THROW((ft::time_features{{.column = "ts", .utc_offset_minutes = 2000}}.fit(exec::seq, X)), config_error);
    BOOST_CHECK_THROW((ft::time_features{{.column = "ts", .business_start = 10, .business_end = 10}}.fit(exec::seq, X)),
                      config_error);
    BOOST_CHECK_THROW(f.transform(exec::seq, X.select({"x"})), data_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(window_features_suite)

BOOST_AUTO_TEST_CASE(pandas_golden) {
    golden g("window_golden.txt");
    g.expect("g");
    const auto groups = g.label_list();
    g.expect("t");
    const auto n = static_cast<std::size_t>(g.integer());
    std::vector<std::int64_t> t(n);
    for (auto& v : t) v = g.integer();
    g.expect("v");
    g.integer();
    const auto v = g.numbers(n);
    std::vector<bool> valid(n);
    for (std::size_t i = 0; i < n; ++i) valid[i] = !std::isnan(v[i]);
    const frame X = frame::from_columns({categorical("g", groups), column::timestamp("t", t),
                                         column::float64("v", v, valid)});
    int checked = 0;
    while (!g.done()) {
        const std::string what = g.word();
        ft::window_features::params p{.columns = {"v"}, .group_by = "g", .order_by = "t"};
        std::string name;
        if (what == "lag") {
            const auto k = static_cast<std::uint64_t>(g.integer());
            p.lags = {k};
            name = "v.lag" + std::to_string(k);
        } else {
            const auto w = static_cast<std::uint64_t>(g.integer());
            p.min_periods = static_cast<std::uint64_t>(g.integer());
            const std::string stat = g.word();
            p.windows = {w};
            p.stats = {stat == "mean" ? ft::rolling_stat::mean
                       : stat == "std" ? ft::rolling_stat::std
                       : stat == "min" ? ft::rolling_stat::min
                                       : ft::rolling_stat::max};
            name = "v.roll" + std::to_string(w) + "." + stat;
        }
        const auto want = g.numbers(n);
        BOOST_TEST_CONTEXT(name << " min_periods " << p.min_periods) {
            const auto f = ft::window_features(p).fit(exec::seq, X);
            const auto got = doubles(round_trip(f).transform(exec::seq, X), name);
            for (std::size_t i = 0; i < n; ++i) BOOST_TEST(close(got[i], want[i], 1e-12), "row " << i);
        }
        ++checked;
    }
    BOOST_TEST(checked == 14);
}

// Brute force: for each row, scan the whole frame for the rows of its group
// with a smaller time (strictly before it), take the last w of them.
BOOST_AUTO_TEST_CASE(brute_force_and_policies) {
    rng g(21);
    for (const std::size_t n : {0, 1, 2, 17, 300, 2000}) {
        std::vector<std::int64_t> key(n), time(n);
        std::vector<double> v(n);
        std::vector<bool> valid(n);
        for (std::size_t r = 0; r < n; ++r) {
            key[r] = g.uniform_int(0, 9);
            time[r] = static_cast<std::int64_t>(r) * 7919 % static_cast<std::int64_t>(n + 13);  // distinct
            v[r] = g.normal();
            valid[r] = g.uniform() > 0.15;
        }
        const frame X = frame::from_columns({column::int64("k", key), column::int64("t", time),
                                             column::float64("v", v, valid)});
        const ft::window_features wf{{.columns = {"v"}, .group_by = "k", .order_by = "t",
                                      .lags = {1, 2}, .windows = {3, 5}, .min_periods = 2}};
        const auto f = wf.fit(exec::seq, X);
        const frame seq = f.transform(exec::seq, X);
        const auto names = f.feature_names_out();
        BOOST_REQUIRE_EQUAL(names.size(), 2u + 2u * 4u);
        std::map<std::string, std::vector<double>> got;
        for (const auto& name : names) got[name] = doubles(seq, name);
        for (std::size_t r = 0; r < n; ++r) {
            std::vector<std::pair<std::int64_t, double>> before;  // (time, value) of earlier rows
            for (std::size_t q = 0; q < n; ++q)
                if (key[q] == key[r] && time[q] < time[r])
                    before.emplace_back(time[q], valid[q] ? v[q] : enc_test::nan);
            std::sort(before.begin(), before.end());
            const std::size_t m = before.size();
            BOOST_TEST(close(got["v.lag1"][r], m >= 1 ? before[m - 1].second : enc_test::nan, 0));
            BOOST_TEST(close(got["v.lag2"][r], m >= 2 ? before[m - 2].second : enc_test::nan, 0));
            for (const std::size_t w : {3, 5}) {
                std::vector<double> win;
                for (std::size_t i = m > w ? m - w : 0; i < m; ++i)
                    if (!std::isnan(before[i].second)) win.push_back(before[i].second);
                double mean = enc_test::nan, sd = enc_test::nan, lo = enc_test::nan, hi = enc_test::nan;
                if (win.size() >= 2) {
                    double s = 0;
                    for (double x : win) s += x;
                    mean = s / win.size();
                    double q = 0;
                    for (double x : win) q += (x - mean) * (x - mean);
                    sd = std::sqrt(q / (win.size() - 1));
                    lo = *std::min_element(win.begin(), win.end());
                    hi = *std::max_element(win.begin(), win.end());
                }
                const std::string p = "v.roll" + std::to_string(w) + ".";
                BOOST_TEST(close(got[p + "mean"][r], mean, 1e-12));
                BOOST_TEST(close(got[p + "std"][r], sd, 1e-12));
                BOOST_TEST(close(got[p + "min"][r], lo, 0));
                BOOST_TEST(close(got[p + "max"][r], hi, 0));
            }
        }
        for (const unsigned threads : {1u, 2u, 7u}) {
            const frame par = f.transform(exec::par_t{.threads = threads, .grain = 64}, X);
            for (const auto& name : names) {
                const auto a = doubles(seq, name), b = doubles(par, name);
                BOOST_TEST(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0, name);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(doc_example) {
    const std::int64_t h = 3'600'000'000'000;
    // example-begin time_window
    const frame sales = frame::from_columns(
        {column::categorical_from_labels("store", {"a", "b", "a", "a", "b"}),
         column::timestamp("ts", {0, 0, h, 2 * h, h}),  // ns since 1970-01-01 UTC
         column::float64("units", {3, 10, 5, 4, 12})});
    const auto lags = ft::window_features{{.columns = {"units"}, .group_by = "store", .order_by = "ts",
                                           .lags = {1}, .windows = {2},
                                           .stats = {ft::rolling_stat::mean}, .min_periods = 1}}
                          .fit(exec::par, sales);
    const frame with_lags = lags.transform(exec::par, sales);
    // units.lag1       = NaN, NaN, 3, 5, 10    (the previous row of the same store)
    // units.roll2.mean = NaN, NaN, 3, 4, 10    (mean of the up to 2 rows before, not the row itself)
    const auto cal = ft::time_features{{.column = "ts", .utc_offset_minutes = 60}}.fit(exec::par, with_lags);
    const frame out = cal.transform(exec::par, with_lags);
    // ts is replaced by ts.hour (1, 1, 2, 3, 2 at UTC+1), ts.weekday (3: a Thursday), ts.month,
    // ts.day, ts.day_of_year, ts.weekend, ts.business_hours
    // example-end time_window
    const auto lag = doubles(out, "units.lag1"), mean = doubles(out, "units.roll2.mean");
    BOOST_TEST(std::isnan(lag[0]));
    BOOST_TEST(std::isnan(lag[1]));
    BOOST_TEST(lag[2] == 3.0);
    BOOST_TEST(lag[3] == 5.0);
    BOOST_TEST(lag[4] == 10.0);
    BOOST_TEST(mean[3] == 4.0);
    BOOST_TEST(mean[4] == 10.0);
    BOOST_TEST(ints(out, "ts.hour") == (std::vector<std::int64_t>{1, 1, 2, 3, 2}), boost::test_tools::per_element());
    BOOST_TEST(ints(out, "ts.weekday")[0] == 3);
    BOOST_TEST(!out.contains("ts"));
}

BOOST_AUTO_TEST_CASE(nulls_row_order_and_errors) {
    // No group or order column: row order; a null group key gives NaN.
    const frame X = frame::from_columns(
        {column::float64("v", {1, 2, 3, 4, 5}),
         column::categorical_from_labels("g", {"a", "a", "", "a", "b"}, {true, true, false, true, true})});
    const auto lag = doubles(ft::window_features{{.columns = {"v"}, .lags = {1}}}.fit(exec::seq, X).transform(exec::seq, X),
                             "v.lag1");
    BOOST_TEST(std::isnan(lag[0]));
    BOOST_TEST(lag[4] == 4.0);
    const auto grouped = doubles(
        ft::window_features{{.columns = {"v"}, .group_by = "g", .lags = {1}}}.fit(exec::seq, X).transform(exec::seq, X),
        "v.lag1");
    BOOST_TEST(grouped[1] == 1.0);
    BOOST_TEST(std::isnan(grouped[2]));
    BOOST_TEST(grouped[3] == 2.0);
    BOOST_TEST(std::isnan(grouped[4]));
    BOOST_CHECK_THROW((ft::window_features{}.fit(exec::seq, X)), config_error);
    BOOST_CHECK_THROW((ft::window_features{{.columns = {"v"}}}.fit(exec::seq, X)), config_error);
    BOOST_CHECK_THROW((ft::window_features{{.columns = {"v"}, .lags = {0}}}.fit(exec::seq, X)), config_error);
    BOOST_CHECK_THROW((ft::window_features{{.columns = {"v"}, .windows = {2}, .min_periods = 3}}.fit(exec::seq, X)),
                      config_error);
    BOOST_CHECK_THROW((ft::window_features{{.columns = {"g"}, .lags = {1}}}.fit(exec::seq, X)), data_error);
    BOOST_CHECK_THROW((ft::window_features{{.columns = {"v"}, .group_by = "v", .lags = {1}}}.fit(exec::seq, X)),
                      data_error);
    BOOST_CHECK_THROW((ft::window_features{{.columns = {"v"}, .order_by = "zz", .lags = {1}}}.fit(exec::seq, X)),
                      data_error);
}

BOOST_AUTO_TEST_SUITE_END()
