// tests/core: frame and column — construction, typed access, nulls, buffer
// sharing of select/slice, to_matrix (seq vs par), every error message, and the
// fingerprint (checked against an independent Python computation of the layout
// documented in docs/core.md; see tests/data/make_hash_vectors.py).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>

using namespace tessera;

namespace {

// Expects `f` to throw E whose what() is exactly `text`.
template <class E, class F>
void expect_error(F&& f, const std::string& text) {
    try {
        f();
        BOOST_ERROR("no exception; expected: " << text);
    } catch (const E& e) {
        BOOST_TEST(std::string(e.what()) == text);
    }
}

frame sample() {
    return frame::from_columns({
        column::float64("x", {1.5, -2.0, 3.25, 4.0, 0.0}, {true, true, false, true, true}),
        column::float32("y", {1.0f, 2.0f, 3.0f, 4.0f, 5.0f}),
        column::int64("n", {10, 20, 30, 40, 50}, {true, false, true, true, true}),
        column::boolean("b", {true, false, true, false, true}),
        column::categorical("c", {0, 1, -1, 2, 0}, {"blue", "green", "red"}),
        column::timestamp("t", {0, 1'000'000'000, 2'000'000'000, 3, 4},
                          {true, true, true, true, false}),
    });
}

}  // namespace

BOOST_AUTO_TEST_SUITE(frame_tests)

BOOST_AUTO_TEST_CASE(construction_and_typed_access) {
    const frame f = sample();
    BOOST_TEST(f.num_rows() == 5u);
    BOOST_TEST(f.num_columns() == 6u);
    BOOST_TEST((f.names() == std::vector<std::string>{"x", "y", "n", "b", "c", "t"}));
    BOOST_TEST(f.contains("c"));
    BOOST_TEST(!f.contains("z"));
    BOOST_TEST(f.column("x").type() == dtype::float64);
    BOOST_TEST(f.column(1).name() == "y");
    BOOST_TEST(f.column("c").type() == dtype::categorical);
    BOOST_TEST(dtype_name(f.column("b").type()) == "bool");

    BOOST_TEST(f.column("x").values<double>()[1] == -2.0);
    BOOST_TEST(f.column("y").values<float>()[4] == 5.0f);
    BOOST_TEST(f.column("n").values<std::int64_t>()[4] == 50);
    BOOST_TEST(f.column("b").values<bool>()[0]);
    BOOST_TEST(f.column("c").values<std::int32_t>()[3] == 2);
    BOOST_TEST(f.column("t").values<std::int64_t>()[1] == 1'000'000'000);
    BOOST_TEST((f.column("c").dictionary() == std::vector<std::string>{"blue", "green", "red"}));

    frame g;
    BOOST_TEST(g.num_rows() == 0u);
    g.add_column(column::int64("a", {1, 2})).add_column(column::int64("b", {3, 4}));
    BOOST_TEST(g.num_rows() == 2u);
    BOOST_TEST(g.num_columns() == 2u);
}

BOOST_AUTO_TEST_CASE(nulls_and_canonical_values) {
    const frame f = sample();
    BOOST_TEST(f.column("x").null_count() == 1u);
    BOOST_TEST(f.column("x").is_null(2));
    BOOST_TEST(!f.column("x").is_null(1));
    BOOST_TEST(std::isnan(f.column("x").values<double>()[2]));  // was 3.25, masked
    BOOST_TEST(f.column("n").values<std::int64_t>()[1] == 0);    // was 20, masked
    BOOST_TEST(f.column("t").values<std::int64_t>()[4] == std::numeric_limits<std::int64_t>::min());
    // Categorical: code -1 is null, and a false validity flag sets code -1.
    BOOST_TEST(f.column("c").null_count() == 1u);
    BOOST_TEST(f.column("c").is_null(2));
    const auto c = column::categorical("c", {0, 1}, {"a", "b"}, {true, false});
    BOOST_TEST(c.values<std::int32_t>()[1] == -1);
    BOOST_TEST(c.null_count() == 1u);
    // No nulls: no mask at all, even when an all-true mask was passed.
    BOOST_TEST(!f.column("y").nullable());
    BOOST_TEST(f.column("y").null_count() == 0u);
    BOOST_TEST(f.column("y").validity().empty());
    BOOST_TEST(!column::int64("a", {1, 2}, {true, true}).nullable());
    // A NaN value with no mask is a value, not a null.
    const auto nan = column::float64("nan", {std::nan("")});
    BOOST_TEST(nan.null_count() == 0u);
    BOOST_TEST(!nan.is_null(0));
}

BOOST_AUTO_TEST_CASE(categorical_from_labels_sorts_the_dictionary) {
    const auto c = column::categorical_from_labels("city", {"paris", "oslo", "paris", "", "bern"},
                                                   {true, true, true, false, true});
    BOOST_TEST((c.dictionary() == std::vector<std::string>{"bern", "oslo", "paris"}));
    const auto codes = c.values<std::int32_t>();
    BOOST_TEST((std::vector<std::int32_t>(codes.begin(), codes.end()) ==
                std::vector<std::int32_t>{2, 1, 2, -1, 0}));
    BOOST_TEST(c.null_count() == 1u);
}

BOOST_AUTO_TEST_CASE(select_and_slice_share_buffers) {
    const frame f = sample();
    const frame s = f.select({"c", "x"});
    BOOST_TEST((s.names() == std::vector<std::string>{"c", "x"}));
    BOOST_TEST(s.num_rows() == 5u);
    BOOST_TEST(s.column("x").data() == f.column("x").data());
    BOOST_TEST(s.column("c").data() == f.column("c").data());
    BOOST_TEST(&s.column("c").dictionary() == &f.column("c").dictionary());

    const frame t = f.slice(1, 4);
    BOOST_TEST(t.num_rows() == 3u);
    BOOST_TEST(t.column("x").values<double>().data() == f.column("x").values<double>().data() + 1);
    BOOST_TEST(t.column("b").values<bool>().data() == f.column("b").values<bool>().data() + 1);
    BOOST_TEST(t.column("x").validity().data() == f.column("x").validity().data() + 1);
    BOOST_TEST(t.column("x").is_null(1));  // row 2 of f
    BOOST_TEST(t.column("x").null_count() == 1u);
    BOOST_TEST(t.column("t").null_count() == 0u);  // the null row 4 is outside
    BOOST_TEST(t.column("t").nullable());

    const frame u = t.slice(2, 3).select({"n"});
    BOOST_TEST(u.num_rows() == 1u);
    BOOST_TEST(u.column(0).values<std::int64_t>()[0] == 40);
    BOOST_TEST(u.column(0).values<std::int64_t>().data() ==
               f.column("n").values<std::int64_t>().data() + 3);
    BOOST_TEST(f.slice(5, 5).num_rows() == 0u);
    BOOST_TEST(f.select({}).num_columns() == 0u);

    // The storage outlives the frame it came from.
    column kept = frame::from_columns({column::int64("k", {7, 8, 9})}).column("k").slice(1, 3);
    BOOST_TEST(kept.values<std::int64_t>()[1] == 9);
    BOOST_TEST(kept.renamed("kk").name() == "kk");
    BOOST_TEST(kept.renamed("kk").data() == kept.data());
}

BOOST_AUTO_TEST_CASE(to_matrix_rules) {
    const frame f = sample();
    const auto m = f.to_matrix<double>(exec::seq, {"x", "n", "b", "c", "t", "y"});
    BOOST_TEST(m.shape()[0] == 5u);
    BOOST_TEST(m.shape()[1] == 6u);
    BOOST_TEST(m(0, 0) == 1.5);
    BOOST_TEST(std::isnan(m(2, 0)));  // null float
    BOOST_TEST(m(0, 1) == 10.0);
    BOOST_TEST(std::isnan(m(1, 1)));  // null int64
    BOOST_TEST(m(0, 2) == 1.0);
    BOOST_TEST(m(1, 2) == 0.0);
    BOOST_TEST(m(3, 3) == 2.0);        // categorical code
    BOOST_TEST(std::isnan(m(2, 3)));  // null category
    BOOST_TEST(m(1, 4) == 1e9);        // timestamp ns
    BOOST_TEST(std::isnan(m(4, 4)));  // null timestamp
    BOOST_TEST(m(4, 5) == 5.0);

    const auto all = f.to_matrix<float>();
    BOOST_TEST(all.shape()[1] == 6u);
    BOOST_TEST(all(0, 1) == 1.0f);  // column order is the frame's

    const auto sliced = f.slice(2, 5).to_matrix<double>(exec::simd, {"n", "x"});
    BOOST_TEST(sliced(0, 0) == 30.0);
    BOOST_TEST(std::isnan(sliced(0, 1)));
    BOOST_TEST(f.to_matrix<double>({}).shape()[1] == 0u);
    BOOST_TEST(f.slice(0, 0).to_matrix<double>({"x"}).shape()[0] == 0u);
}

BOOST_AUTO_TEST_CASE(to_matrix_par_matches_seq_bitwise) {
    const std::size_t n = 100003;
    std::vector<double> x(n);
    std::vector<std::int64_t> k(n);
    std::vector<bool> valid(n), flag(n);
    std::vector<std::int32_t> codes(n);
    for (std::size_t i = 0; i < n; ++i) {
        x[i] = std::sin(static_cast<double>(i)) * 1e3;
        k[i] = static_cast<std::int64_t>(i * 2654435761u % 1000003) - 500000;
        valid[i] = i % 7 != 3;
        flag[i] = i % 3 == 0;
        codes[i] = static_cast<std::int32_t>(i % 5) - 1;
    }
    x[17] = std::nan("");
    const frame f = frame::from_columns({column::float64("x", x, valid), column::int64("k", k, valid),
                                         column::boolean("f", flag),
                                         column::categorical("c", codes, {"a", "b", "c", "d"})});
    const auto cols = std::vector<std::string>{"c", "x", "f", "k"};
    for (const frame& g : {f, f.slice(1, n)}) {  // also an unaligned start
        const auto ref = g.to_matrix<float>(exec::seq, cols);
        for (unsigned threads : {1u, 2u, 7u}) {
            const auto p = g.to_matrix<float>(exec::par_t{.threads = threads, .grain = 4096}, cols);
            BOOST_TEST(std::memcmp(p.data(), ref.data(), ref.size() * sizeof(float)) == 0);
        }
        const auto s = g.to_matrix<float>(exec::simd, cols);
        BOOST_TEST(std::memcmp(s.data(), ref.data(), ref.size() * sizeof(float)) == 0);
    }
}

BOOST_AUTO_TEST_CASE(error_messages) {
    const frame f = sample();
    expect_error<data_error>([&] { (void)f.column("x").values<std::int64_t>(); },
                             "column::values: column 'x' has type float64, expected int64_t "
                             "(int64 or timestamp)");
    expect_error<data_error>([&] { (void)f.column("t").values<double>(); },
                             "column::values: column 't' has type timestamp, expected double "
                             "(float64)");
    expect_error<data_error>([&] { (void)f.column("b").values<std::uint8_t>(); },
                             "column::values: column 'b' has type bool, expected a type no "
                             "column stores");
    expect_error<data_error>([&] { (void)f.column("x").dictionary(); },
                             "column::dictionary: column 'x' has type float64, expected categorical");
    expect_error<data_error>([&] { (void)f.column("z"); }, "frame::column: no column named 'z'");
    expect_error<data_error>([&] { (void)f.select({"x", "q"}); },
                             "frame::select: no column named 'q'");
    expect_error<data_error>([&] { (void)f.select({"x", "x"}); },
                             "frame::select: duplicate column name 'x'");
    expect_error<data_error>([&] { (void)f.to_matrix<double>({"y", "w"}); },
                             "frame::to_matrix: no column named 'w'");
    expect_error<shape_error>([&] { (void)f.column(6); },
                              "frame::column: column index 6 is out of bounds; size is 6");
    expect_error<shape_error>([&] { (void)f.slice(2, 6); },
                              "frame::slice: row range [2, 6) is invalid for 5 rows; need begin <= end <= 5");
    expect_error<shape_error>([&] { (void)f.slice(3, 2); },
                              "frame::slice: row range [3, 2) is invalid for 5 rows; need begin <= end <= 5");
    expect_error<shape_error>([&] { (void)f.column("x").is_null(5); },
                              "column::is_null: column 'x': row 5 is out of bounds; size is 5");
    expect_error<data_error>(
        [] { (void)frame::from_columns({column::int64("a", {1}), column::float64("a", {2.0})}); },
        "frame::add_column: duplicate column name 'a'");
    expect_error<data_error>(
        [] { (void)frame::from_columns({column::int64("a", {1, 2}), column::float64("b", {2.0})}); },
        "frame::add_column: column 'b' has 1 rows, expected 2");
    expect_error<data_error>([] { (void)column::float64("v", {1.0, 2.0}, {true}); },
                             "column::float64: validity mask: column 'v' has 1 rows, expected 2");
    expect_error<data_error>([] { (void)column::boolean("v", {true}, {true, false}); },
                             "column::boolean: validity mask: column 'v' has 2 rows, expected 1");
    expect_error<shape_error>([&] { (void)f.column("x").slice(1, 9); },
                              "column::slice: column 'x': row range [1, 9) is invalid for 5 "
                              "rows; need begin <= end <= 5");
    expect_error<data_error>([] { (void)column::categorical("c", {0, 3}, {"a", "b"}); },
                             "column::categorical: column 'c' has code 3 at row 1; valid codes "
                             "are -1 (null) to 1");
    expect_error<data_error>([] { (void)column::categorical("c", {-2}, {"a"}); },
                             "column::categorical: column 'c' has code -2 at row 0; valid codes "
                             "are -1 (null) to 0");
    expect_error<data_error>([] { (void)column::categorical("c", {0}, {"a", "b", "a"}); },
                             "column::categorical: column 'c' has the category 'a' twice in its "
                             "dictionary");
    // data_error carries the column.
    try {
        (void)f.column("y").values<double>();
    } catch (const data_error& e) {
        BOOST_TEST(e.column() == "y");
    }
}

BOOST_AUTO_TEST_CASE(fingerprint_follows_logical_content) {
    const frame f = sample();
    BOOST_TEST(f.fingerprint() == sample().fingerprint());  // separate buffers, same data
    // A slice equals the same rows built from scratch; a mask with no nulls in
    // view equals no mask.
    const frame built = frame::from_columns({
        column::float64("x", {-2.0, 0.0, 4.0}, {true, false, true}),
        column::timestamp("t", {1'000'000'000, 2'000'000'000, 3}),
    });
    BOOST_TEST(f.slice(1, 4).select({"x", "t"}).fingerprint() == built.fingerprint());
    // A masked value's original content does not matter.
    const auto masked = [](double v) {
        return frame::from_columns({column::float64("x", {1.0, v}, {true, false})}).fingerprint();
    };
    BOOST_TEST(masked(5.0) == masked(-7.0));

    const auto one = [](column c) { return frame::from_columns({std::move(c)}).fingerprint(); };
    const auto base = one(column::int64("a", {1, 2, 3}));
    BOOST_TEST(base != one(column::int64("a", {1, 2, 4})));                        // value
    BOOST_TEST(base != one(column::int64("b", {1, 2, 3})));                        // name
    BOOST_TEST(base != one(column::timestamp("a", {1, 2, 3})));                    // type, same bytes
    BOOST_TEST(base != one(column::int64("a", {1, 2, 0}, {true, true, false})));  // null vs 0
    BOOST_TEST(base != one(column::int64("a", {1, 2})));                           // rows
    BOOST_TEST(one(column::categorical("c", {0, 1}, {"p", "q"})) !=
               one(column::categorical("c", {0, 1}, {"p", "r"})));  // dictionary
    BOOST_TEST(f.select({"x", "y"}).fingerprint() != f.select({"y", "x"}).fingerprint());
    BOOST_TEST(frame{}.fingerprint() == frame{}.fingerprint());
}

BOOST_AUTO_TEST_CASE(fingerprint_matches_python_reference) {
    // The layout of docs/core.md, computed independently by
    // tests/data/make_hash_vectors.py (frame_fingerprint_reference) with python-xxhash.
    const frame f = frame::from_columns({
        column::float64("x", {1.5, -2.0, 0.0}, {true, true, false}),
        column::int64("n", {7, -1, 3}),
        column::boolean("b", {true, false, true}),
        column::categorical("c", {1, -1, 0}, {"lo", "hi"}),
    });
    BOOST_TEST(f.fingerprint() == 0x4dfb98c5f9449146ull);
}

BOOST_AUTO_TEST_SUITE_END()
