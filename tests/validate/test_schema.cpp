// validate::schema, fitted_validator, schema_learner: hand-computed GE-style
// results, brute-force references on random frames, bad parameters, the
// pipeline contracts, save/load.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/validate/schema.hpp>
#include <tessera/validate/schema_learner.hpp>

#include "checkers.hpp"
#include "frames.hpp"

using namespace tessera;
using validate::column_spec;
using validate::schema;

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();

frame people() {
    return frame::from_columns({
        column::int64("age", {25, 130, -1, 40, 0}, {true, true, true, true, false}),
        column::categorical_from_labels("name", {"ann", "bob", "x1", "ann", "eve"}),
        column::float64("score", {1.0, 2.0, 2.0, NaN, 1.5}),
        column::timestamp("t", {10, 20, 20, 15, 30}),
    });
}

const validate::check_result& find(const validate::validation_report& r, std::string_view column,
                                   std::string_view check) {
    for (const auto& c : r.checks)
        if (c.column == column && c.check == check) return c;
    BOOST_FAIL("no check " << check << " on " << column);
    return r.checks.front();
}

template <class F>
std::string message_of(F&& f) {
    try {
        f();
    } catch (const tessera::error& e) {
        return e.what();
    }
    return "<no exception>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(schema_checks)

BOOST_AUTO_TEST_CASE(contracts) {
    static_assert(validator<schema>);
    static_assert(validator<validate::fitted_validator>);
    static_assert(transformer<schema, frame>);
    static_assert(transformer<validate::schema_learner, frame>);
    static_assert(fitted_transformer<validate::fitted_validator, frame>);
    static_assert(serializable<validate::fitted_validator>);
}

BOOST_AUTO_TEST_CASE(between_counts_over_non_null_with_samples_and_mostly) {
    const frame f = people();
    // age non-null: 25, 130, -1, 40 -> 2 of 4 outside [0, 120].
    const auto r = schema({.columns = {{.name = "age", .min = 0, .max = 120}}}).check(f);
    const auto& c = find(r, "age", "between");
    BOOST_TEST(!c.passed);
    BOOST_TEST(c.element_count == 5u);
    BOOST_TEST(c.missing_count == 1u);
    BOOST_TEST(c.unexpected_count == 2u);
    BOOST_TEST(c.unexpected_share == 0.5);
    BOOST_REQUIRE(c.samples.size() == 2u);
    BOOST_TEST(c.samples[0].row == 1u);
    BOOST_TEST(c.samples[0].value == "130");
    BOOST_TEST(c.samples[1].row == 2u);
    BOOST_TEST(c.samples[1].value == "-1");
    BOOST_TEST(c.detail == "2 of 4 non-null values (50.0%) outside [0, 120]");
    BOOST_TEST(!r.passed());
    // mostly: 2 of 4 conform = 0.5.
    BOOST_TEST(schema({.columns = {{.name = "age", .min = 0, .max = 120, .mostly = 0.5}}}).check(f).passed());
    BOOST_TEST(!schema({.columns = {{.name = "age", .min = 0, .max = 120, .mostly = 0.51}}}).check(f).passed());
    // Strict bounds and K samples.
    const auto s = schema({.columns = {{.name = "age", .min = 25, .strict_min = true}}, .max_samples = 1})
                       .check(f);
    BOOST_TEST(find(s, "age", "between").unexpected_count == 2u);  // 25 and -1
    BOOST_TEST(find(s, "age", "between").samples.size() == 1u);
}

BOOST_AUTO_TEST_CASE(exists_type_not_null_and_extra_columns) {
    const frame f = people();
    const schema s({.columns = {{.name = "age", .type = dtype::float64, .nullable = false},
                                {.name = "missing"},
                                {.name = "optional", .required = false}},
                    .allow_extra_columns = false});
    const auto r = s.check(f);
    BOOST_TEST(find(r, "age", "exists").passed);
    BOOST_TEST(!find(r, "age", "type").passed);
    BOOST_TEST(find(r, "age", "type").detail == "expected float64, found int64");
    const auto& nn = find(r, "age", "not_null");
    BOOST_TEST(nn.unexpected_count == 1u);
    BOOST_TEST(nn.unexpected_share == 0.2);  // over all rows
    BOOST_TEST(nn.samples.at(0).row == 4u);
    BOOST_TEST(nn.samples.at(0).value == "null");
    BOOST_TEST(!find(r, "missing", "exists").passed);
    for (const auto& c : r.checks) BOOST_TEST(c.column != "optional");
    for (const char* extra : {"name", "score", "t"}) BOOST_TEST(!find(r, extra, "unexpected_column").passed);
    BOOST_TEST(r.failures().size() == 6u);
    // A NaN in a float column is null.
    const auto fr = schema({.columns = {{.name = "score", .nullable = false}}}).check(f);
    BOOST_TEST(find(fr, "score", "not_null").unexpected_count == 1u);
}

BOOST_AUTO_TEST_CASE(sets_regex_unique_monotonic) {
    const frame f = people();
    const auto r = schema({.columns = {
                               {.name = "name", .allowed = {"ann", "bob", "eve"}, .regex = "^[a-z]+$", .unique = true},
                               {.name = "score", .allowed = {"1", "2"}, .unique = true},
                               {.name = "age", .regex = "^\\d+$"},
                               {.name = "t", .monotonic = validate::order::increasing},
                           }})
                       .check(f);
    BOOST_TEST(find(r, "name", "in_set").unexpected_count == 1u);  // x1
    BOOST_TEST(find(r, "name", "in_set").samples.at(0).value == "x1");
    BOOST_TEST(find(r, "name", "match_regex").unexpected_count == 1u);  // x1
    BOOST_TEST(find(r, "name", "unique").unexpected_count == 2u);       // both "ann" (GE)
    BOOST_TEST(find(r, "score", "in_set").unexpected_count == 1u);      // 1.5
    BOOST_TEST(find(r, "score", "unique").unexpected_count == 2u);      // both 2.0
    BOOST_TEST(find(r, "age", "match_regex").unexpected_count == 1u);   // "-1"
    const auto& m = find(r, "t", "monotonic");                           // 10 20 20 15 30
    BOOST_TEST(m.unexpected_count == 1u);
    BOOST_TEST(m.samples.at(0).row == 3u);
    BOOST_TEST(m.samples.at(0).value == "1970-01-01T00:00:00.000000015Z");
    const auto strict = schema({.columns = {{.name = "t", .monotonic = validate::order::increasing,
                                             .strictly = true}}}).check(f);
    BOOST_TEST(find(strict, "t", "monotonic").unexpected_count == 2u);  // 20 after 20, 15
    const auto dec = schema({.columns = {{.name = "t", .monotonic = validate::order::decreasing}}}).check(f);
    BOOST_TEST(find(dec, "t", "monotonic").unexpected_count == 2u);  // 20 after 10, 30 after 15
    // Not applicable: min on a categorical, monotonic on a categorical.
    const auto na = schema({.columns = {{.name = "name", .min = 0, .monotonic = validate::order::increasing}}}).check(f);
    BOOST_TEST(find(na, "name", "between").detail ==
               "needs a numeric, bool or timestamp column; the column is categorical");
    BOOST_TEST(!find(na, "name", "monotonic").passed);
}

BOOST_AUTO_TEST_CASE(all_null_column_passes_map_checks_vacuously) {
    const frame f = frame::from_columns({column::float64("x", {NaN, NaN})});
    const auto r = schema({.columns = {{.name = "x", .min = 0, .max = 1, .unique = true}}}).check(f);
    BOOST_TEST(r.passed());
    BOOST_TEST(std::isnan(find(r, "x", "between").unexpected_share));
}

BOOST_AUTO_TEST_CASE(brute_force_on_random_frames) {
    for (std::uint64_t seed = 1; seed <= 8; ++seed) {
        const frame f = test_frames::random_frame(300 + seed * 7, seed);
        const auto r = schema({.columns = {{.name = "f", .min = 0.25, .max = 1.0, .unique = true},
                                           {.name = "i", .min = -1, .max = 2, .strict_max = true, .unique = true},
                                           {.name = "s", .allowed = {"red", "blue"}, .regex = "e", .unique = true},
                                           {.name = "b", .allowed = {"true"}}},
                               .max_samples = 1000})
                           .check(f);
        for (const char* name : {"f", "i", "s", "b"}) {
            const column& c = f.column(name);
            std::vector<std::size_t> nonnull;
            for (std::size_t r0 = 0; r0 < c.size(); ++r0) {
                bool null = c.is_null(r0);
                if (c.type() == dtype::float64 && std::isnan(c.values<double>()[r0])) null = true;
                if (!null) nonnull.push_back(r0);
            }
            const auto text = [&](std::size_t r0) { return validate::detail::text_at(c, r0); };
            // unique: O(n^2), -0.0 == 0.0
            if (std::string(name) != "b") {
                std::size_t rep = 0;
                const auto same = [&](std::size_t a, std::size_t b) {
                    return c.type() == dtype::categorical
                               ? text(a) == text(b)
                               : validate::detail::number_at(c, a) == validate::detail::number_at(c, b);
                };
                for (const auto a : nonnull) {
                    bool again = false;
                    for (const auto b : nonnull) again = again || (a != b && same(a, b));
                    rep += again;
                }
                BOOST_TEST(find(r, name, "unique").unexpected_count == rep, name << " seed " << seed);
            }
            std::size_t bad = 0;
            for (const auto a : nonnull) {
                const std::string s = name;
                if (s == "f") { const double v = c.values<double>()[a]; bad += !(v >= 0.25 && v <= 1.0); }
                if (s == "i") { const auto v = c.values<std::int64_t>()[a]; bad += !(v >= -1 && v < 2); }
                if (s == "s") { const auto t = text(a); bad += !(t == "red" || t == "blue"); }
                if (s == "b") bad += text(a) != "true";
            }
            const char* check = (std::string(name) == "f" || std::string(name) == "i") ? "between" : "in_set";
            const auto& got = find(r, name, check);
            BOOST_TEST(got.unexpected_count == bad, name << " seed " << seed);
            BOOST_TEST(got.missing_count == c.size() - nonnull.size());
            BOOST_TEST(got.samples.size() == bad);
            if (std::string(name) == "s") {
                std::size_t no_e = 0;
                for (const auto a : nonnull) no_e += text(a).find('e') == std::string::npos;
                BOOST_TEST(find(r, "s", "match_regex").unexpected_count == no_e);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(bad_parameters) {
    BOOST_TEST(message_of([] { schema({.columns = {{.name = "a", .mostly = 1.5}}}); }) ==
               "validate::schema: column 'a': mostly: 1.5 is out of range; valid range: [0, 1]");
    BOOST_TEST(message_of([] { schema({.columns = {{.name = "a", .regex = "("}}}); })
                   .starts_with("validate::schema: column 'a': regex: '(' does not compile: "));
    BOOST_TEST(message_of([] { schema({.columns = {{.name = "a", .min = 2, .max = 1}}}); }) ==
               "validate::schema: column 'a': min: 2 is greater than max = 1");
    BOOST_TEST(message_of([] { schema({.columns = {{.name = "a"}, {.name = "a"}}}); }) ==
               "validate::schema: column 'a': name: appears twice in the schema");
    BOOST_CHECK_THROW(schema({.columns = {{.name = "a", .strictly = true}}}), config_error);
    BOOST_CHECK_THROW(schema({.columns = {{.name = ""}}}), config_error);
}

BOOST_AUTO_TEST_CASE(report_renderings) {
    const auto r = schema({.columns = {{.name = "age", .min = 0, .max = 120}, {.name = "nope"}}}).check(people());
    BOOST_TEST(test_checkers::valid_json(r.to_json()));
    BOOST_TEST(test_checkers::valid_json(r.to_json(0)));
    BOOST_TEST(r.to_json(0).find(R"("unexpected_percent":50,"partial_unexpected_list":["130","-1"],)"
                                 R"("partial_unexpected_index_list":[1,2]})") != std::string::npos);
    BOOST_TEST(r.to_text() ==
               "PASS  column 'age': exists: present\n"
               "FAIL  column 'age': between: 2 of 4 non-null values (50.0%) outside [0, 120] "
               "(e.g. row 1 = 130, row 2 = -1)\n"
               "FAIL  column 'nope': exists: the column is missing from the frame\n"
               "FAILED\n");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fitted_validators)

BOOST_AUTO_TEST_CASE(schema_as_first_stage_throws_one_error_listing_every_failure) {
    const schema s({.columns = {{.name = "age", .min = 0, .max = 120}, {.name = "nope"}}});
    const std::string msg = message_of([&] { (void)s.fit(exec::seq, people()); });
    BOOST_TEST(msg ==
               "validate::fitted_validator: 2 of 3 checks failed:\n"
               "  - column 'age': between: 2 of 4 non-null values (50.0%) outside [0, 120] "
               "(e.g. row 1 = 130, row 2 = -1)\n"
               "  - column 'nope': exists: the column is missing from the frame");
    try {
        (void)s.fit(exec::seq, people());
    } catch (const data_error& e) {
        BOOST_TEST(e.column() == "");  // two columns failed
    }
    const auto ok = schema({.columns = {{.name = "age", .max = 200}}}).fit(exec::seq, people());
    const frame out = ok.transform(exec::seq, people());
    BOOST_TEST(out.fingerprint() == people().fingerprint());
}

BOOST_AUTO_TEST_CASE(report_mode_hands_the_report_over) {
    auto v = schema({.columns = {{.name = "age", .max = 100}}, .failure = validate::on_failure::report})
                 .fit(exec::seq, frame::from_columns({column::int64("age", {1, 2})}));
    std::size_t calls = 0, failed = 0;
    v.set_reporter([&](const validate::validation_report& r) { ++calls, failed += r.failures().size(); });
    const frame out = v.transform(exec::seq, people());
    BOOST_TEST(out.num_rows() == 5u);
    BOOST_TEST(calls == 1u);
    BOOST_TEST(failed == 1u);
}

BOOST_AUTO_TEST_CASE(learner_remembers_columns_types_ranges_categories) {
    const frame train = frame::from_columns({
        column::float64("x", {1.0, 2.0, 3.0}),
        column::categorical_from_labels("c", {"a", "b", "a"}),
        column::int64("n", {5, 6, 7}, {true, false, true}),
    });
    const auto v = validate::schema_learner{{.range_margin = 0.5}}.fit(exec::seq, train);
    const auto& spec = v.get_schema().get_params().columns;
    BOOST_REQUIRE(spec.size() == 3u);
    BOOST_TEST(*spec[0].min == 0.0);  // [1, 3] widened by 0.5 * 2
    BOOST_TEST(*spec[0].max == 4.0);
    BOOST_TEST(!spec[0].nullable);
    BOOST_TEST(spec[1].allowed == (std::vector<std::string>{"a", "b"}));
    BOOST_TEST(spec[2].nullable);
    BOOST_TEST(v.check(train).passed());
    const frame batch = frame::from_columns({
        column::float64("x", {0.5, 4.5, NaN}),
        column::categorical_from_labels("c", {"a", "z", "b"}),
        column::float64("n", {5.0, 6.0, 7.0}),
        column::int64("new", {1, 2, 3}),
    });
    const std::string msg = message_of([&] { (void)v.transform(exec::seq, batch); });
    BOOST_TEST(msg ==
               "validate::fitted_validator: 5 of 12 checks failed:\n"
               "  - column 'x': not_null: 1 of 3 values (33.3%) are null (e.g. row 2 = null)\n"
               "  - column 'x': between: 1 of 2 non-null values (50.0%) outside [0, 4] (e.g. row 1 = 4.5)\n"
               "  - column 'c': in_set: 1 of 3 non-null values (33.3%) not in the allowed set of 2 values (e.g. row 1 = z)\n"
               "  - column 'n': type: expected int64, found float64\n"
               "  - column 'new': unexpected_column: the schema does not name this column (allow_extra_columns = false)");
    BOOST_CHECK_THROW(validate::schema_learner{{.range_margin = -1}}.fit(train), config_error);
}

BOOST_AUTO_TEST_CASE(save_load_round_trip) {
    const schema s({.columns = {{.name = "age", .type = dtype::int64, .nullable = false, .min = 0,
                                 .max = 120, .strict_max = true, .allowed = {"1", "2"}, .regex = "\\d",
                                 .unique = true, .monotonic = validate::order::decreasing, .strictly = true,
                                 .mostly = 0.75},
                                {.name = "name", .required = false}},
                    .allow_extra_columns = false,
                    .max_samples = 3,
                    .failure = validate::on_failure::report});
    const validate::fitted_validator v(s);
    io::writer w;
    v.save(w);
    io::reader rd(w.bytes());
    const auto back = validate::fitted_validator::load(rd);
    rd.expect_end();
    io::writer w2;
    back.save(w2);
    BOOST_TEST(w2.bytes() == w.bytes());
    BOOST_TEST(back.check(people()).to_json() == v.check(people()).to_json());
    // Truncated and corrupted payloads are format errors.
    for (std::size_t cut : {std::size_t{0}, std::size_t{3}, w.bytes().size() / 2, w.bytes().size() - 1}) {
        io::reader t(std::string_view(w.bytes()).substr(0, cut));
        BOOST_CHECK_THROW(validate::fitted_validator::load(t), format_error);
    }
    std::string bad = w.bytes();
    bad[0] = 9;  // payload version
    io::reader t(bad);
    BOOST_CHECK_THROW(validate::fitted_validator::load(t), format_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(doc_examples)

BOOST_AUTO_TEST_CASE(quickstart) {
    const frame train = frame::from_columns({
        column::int64("age", {34, 51, 28, 45}),
        column::categorical_from_labels("plan", {"basic", "pro", "basic", "plus"}),
        column::float64("income", {41000, 72000, 38500, 56000}),
    });
    const frame batch = frame::from_columns({
        column::int64("age", {36, 230}),
        column::categorical_from_labels("plan", {"basic", "gold"}),
        column::float64("income", {45000, 51000}),
    });
    // example-begin validate_quickstart
    namespace v = tessera::validate;
    // Expectations written down ...
    const v::schema spec({.columns = {
        {.name = "age", .type = dtype::int64, .nullable = false, .min = 0, .max = 120},
        {.name = "plan", .allowed = {"basic", "plus", "pro"}},
        {.name = "income", .min = 0, .mostly = 0.99},
    }});
    const v::validation_report report = spec.check(batch);  // report.passed() == false
    // ... or learned from the training frame, then enforced on every batch.
    const auto guard = v::schema_learner{{.range_margin = 0.1}}.fit(exec::par, train);
    // guard.transform(exec::par, batch) throws one data_error listing every failure.
    // example-end validate_quickstart
    BOOST_TEST(!report.passed());
    BOOST_TEST(report.failures().size() == 2u);
    const std::string msg = message_of([&] { (void)guard.transform(exec::par, batch); });
    BOOST_TEST(msg ==
               "validate::fitted_validator: 2 of 12 checks failed:\n"
               "  - column 'age': between: 1 of 2 non-null values (50.0%) outside [25.7, 53.3] (e.g. row 1 = 230)\n"
               "  - column 'plan': in_set: 1 of 2 non-null values (50.0%) not in the allowed set of 3 values (e.g. row 1 = gold)");
}

BOOST_AUTO_TEST_SUITE_END()
