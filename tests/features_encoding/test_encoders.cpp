// one_hot_encoder, ordinal_encoder and to_matrix: scikit-learn goldens
// (data/make_encoding_golden.py), hand-computed cases, bad input, save/load.
#define BOOST_TEST_MODULE test_features_encoding
#include <boost/test/included/unit_test.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/features/one_hot_encoder.hpp>
#include <tessera/features/ordinal_encoder.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/features/to_matrix.hpp>
#include <tessera/pipeline/pipeline.hpp>

#include "helpers.hpp"

using namespace tessera;
using namespace enc_test;
namespace ft = tessera::features;

namespace {

ft::unknown_category parse_unknown(const std::string& s) {
    if (s == "ignore") return ft::unknown_category::ignore;
    if (s == "infrequent_if_exist") return ft::unknown_category::infrequent_if_exist;
    return ft::unknown_category::error;
}
ft::drop_policy parse_drop(const std::string& s) {
    if (s == "first") return ft::drop_policy::first;
    if (s == "if_binary") return ft::drop_policy::if_binary;
    return ft::drop_policy::none;
}

frame mixed() {
    return frame::from_columns(
        {column::float64("num", {1.5, 2.5, 3.5, 4.5}),
         column::categorical_from_labels("color", {"red", "blue", "red", ""}, {true, true, true, false}),
         column::boolean("flag", {true, false, true, true})});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(one_hot)

BOOST_AUTO_TEST_CASE(sklearn_golden) {
    golden g("onehot_golden.txt");
    int cases = 0;
    while (!g.done()) {
        g.expect("case");
        const std::string name = g.word();
        const auto hu = parse_unknown(g.word());
        const double mf = std::stod(g.word());
        const auto mc = static_cast<std::size_t>(g.integer());
        const auto drop = parse_drop(g.word());
        g.expect("fit");
        const auto fit = g.label_list();
        g.expect("transform");
        const auto test = g.label_list();
        g.expect("names");
        const auto n_names = static_cast<std::size_t>(g.integer());
        std::vector<std::string> names;
        for (std::size_t i = 0; i < n_names; ++i) names.push_back(g.word());
        g.expect("values");
        const auto values = g.numbers(test.values.size() * n_names);
        BOOST_TEST_CONTEXT("case " << name) {
            const ft::one_hot_encoder enc{{.columns = {"f"}, .handle_unknown = hu,
                                           .min_frequency = mf, .max_categories = mc, .drop = drop}};
            const auto fitted = enc.fit(exec::seq, frame::from_columns({categorical("f", fit)}));
            const frame X = frame::from_columns({categorical("f", test)});
            for (const auto& f : {fitted, round_trip(fitted)}) {
                const frame out = f.transform(exec::seq, X);
                BOOST_TEST(out.names() == names, boost::test_tools::per_element());
                BOOST_TEST(f.feature_names_out(0) == names, boost::test_tools::per_element());
                const auto m = out.to_matrix<double>(exec::seq, out.names());
                BOOST_REQUIRE_EQUAL(m.size(), values.size());
                for (std::size_t i = 0; i < values.size(); ++i) BOOST_TEST(m.data()[i] == values[i]);
            }
        }
        ++cases;
    }
    BOOST_TEST(cases == 11);
}

BOOST_AUTO_TEST_CASE(doc_example) {
    // example-begin encoders
    const frame X = frame::from_columns(
        {column::float64("num", {1.5, 2.5, 3.5, 4.5}),
         column::categorical_from_labels("color", {"red", "blue", "red", ""}, {true, true, true, false}),
         column::boolean("flag", {true, false, true, true})});
    const auto onehot = ft::one_hot_encoder{{.handle_unknown = ft::unknown_category::ignore}}.fit(exec::par, X);
    const frame Y = onehot.transform(exec::par, X);
    // Y: num, color=blue, color=red, color=null, flag=false, flag=true (float64 0/1)
    const auto ordinal = ft::ordinal_encoder{{.columns = {"color"}}}.fit(exec::par, X);
    const frame Z = ordinal.transform(exec::par, X);  // color: 1, 0, 1, NaN (blue < red)
    const matrix<double> M = ft::to_matrix{}.fit(exec::par, Y).transform(exec::par, Y);  // 4 x 6
    // example-end encoders
    BOOST_TEST(Y.names() == (std::vector<std::string>{"num", "color=blue", "color=red", "color=null",
                                                      "flag=false", "flag=true"}),
               boost::test_tools::per_element());
    const auto z = doubles(Z, "color");
    BOOST_TEST(z[0] == 1.0);
    BOOST_TEST(z[1] == 0.0);
    BOOST_TEST(std::isnan(z[3]));
    BOOST_TEST(M.shape()[1] == 6u);
}

BOOST_AUTO_TEST_CASE(default_columns_in_place_and_float32) {
    const frame X = mixed();
    const auto f = ft::one_hot_encoder{{.dtype = ft::output_dtype::float32}}.fit(exec::par, X);
    const frame out = f.transform(exec::par, X);
    const std::vector<std::string> names = {"num", "color=blue", "color=red", "color=null",
                                            "flag=false", "flag=true"};
    BOOST_TEST(out.names() == names, boost::test_tools::per_element());
    BOOST_TEST(out.column("color=red").type() == dtype::float32);
    BOOST_TEST(out.column("num").type() == dtype::float64);
    const auto m = out.to_matrix<double>(exec::seq, out.names());
    const std::vector<double> want = {1.5, 0, 1, 0, 0, 1, 2.5, 1, 0, 0, 1, 0,
                                      3.5, 0, 1, 0, 0, 1, 4.5, 0, 0, 1, 0, 1};
    BOOST_TEST(std::vector<double>(m.begin(), m.end()) == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(int64_columns_sort_numerically) {
    const frame X = frame::from_columns({column::int64("k", {10, 9, 100, 9})});
    const auto f = ft::one_hot_encoder{{.columns = {"k"}}}.fit(exec::seq, X);
    const std::vector<std::string> names = {"k=9", "k=10", "k=100"};
    BOOST_TEST(f.feature_names_out(0) == names, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_input) {
    const frame X = mixed();
    BOOST_TEST(has(message_of<data_error>([&] { ft::one_hot_encoder{{.columns = {"nope"}}}.fit(exec::seq, X); }),
                   "one_hot_encoder::fit: no column named 'nope'"));
    BOOST_TEST(has(message_of<data_error>([&] { ft::one_hot_encoder{{.columns = {"num"}}}.fit(exec::seq, X); }),
                   "one_hot_encoder::fit: column 'num' has type float64, expected categorical, bool or int64"));
    BOOST_TEST(has(message_of<config_error>([&] { ft::one_hot_encoder{{.min_frequency = 2.5}}.fit(exec::seq, X); }),
                   "parameter 'min_frequency' = 2.5 is out of range"));
    BOOST_TEST(has(message_of<config_error>([&] {
                       ft::one_hot_encoder{{.handle_unknown = ft::unknown_category::use_encoded_value}}.fit(exec::seq, X);
                   }),
                   "parameter 'handle_unknown' = use_encoded_value is not supported"));
    BOOST_CHECK_THROW((ft::one_hot_encoder{}.fit(exec::seq, X.slice(0, 0))), shape_error);

    const auto f = ft::one_hot_encoder{{.columns = {"color"}}}.fit(exec::seq, X.slice(0, 3));  // no null seen
    const frame unseen = frame::from_columns({column::categorical_from_labels("color", {"red", "green"})});
    const auto msg = message_of<data_error>([&] { f.transform(exec::seq, unseen); });
    BOOST_TEST(has(msg, "one_hot_encoder::transform: column 'color' has the category 'green' at row 1, a category fit did not see"));
    BOOST_TEST(has(message_of<data_error>([&] { f.transform(exec::seq, X); }), "has a null at row 3"));
    try {
        f.transform(exec::seq, unseen);
    } catch (const data_error& e) {
        BOOST_TEST(e.column() == "color");
        BOOST_TEST(e.row() == 1u);
    }
    BOOST_TEST(has(message_of<data_error>([&] { f.transform(exec::seq, X.select({"num"})); }),
                   "one_hot_encoder::transform: no column named 'color'"));
    const frame wrong = frame::from_columns({column::int64("color", {1, 2})});
    BOOST_TEST(has(message_of<data_error>([&] { f.transform(exec::seq, wrong); }),
                   "column 'color' has type int64, expected categorical"));
}

BOOST_AUTO_TEST_CASE(load_rejects_bad_payload) {
    const auto f = ft::one_hot_encoder{}.fit(exec::seq, mixed());
    io::writer w;
    f.save(w);
    std::string bytes = w.bytes();
    bytes[4] = 9;  // handle_unknown
    io::reader r(bytes);
    BOOST_TEST(has(message_of<format_error>([&] { ft::one_hot_encoder::fitted::load(r); }),
                   "one_hot_encoder: field 'handle_unknown' is 9, expected 0 to 2"));
    bytes = w.bytes();
    bytes[0] = 7;
    io::reader r2(bytes);
    BOOST_TEST(has(message_of<format_error>([&] { ft::one_hot_encoder::fitted::load(r2); }),
                   "one_hot_encoder: payload version 7 is not one this build reads (1)"));
    io::reader r3(std::string_view(w.bytes()).substr(0, w.bytes().size() - 3));
    BOOST_CHECK_THROW(ft::one_hot_encoder::fitted::load(r3), format_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ordinal)

BOOST_AUTO_TEST_CASE(sklearn_golden) {
    golden g("ordinal_golden.txt");
    g.expect("fit");
    const auto fit = g.label_list();
    g.expect("categories");
    const auto cats = g.label_list();
    g.expect("transform");
    const auto test = g.label_list();
    g.expect("values");
    const auto values = g.numbers(test.values.size());
    const ft::ordinal_encoder enc{{.handle_unknown = ft::unknown_category::use_encoded_value,
                                   .unknown_value = -1}};
    const auto f = enc.fit(exec::seq, frame::from_columns({categorical("f", fit)}));
    BOOST_TEST(f.columns()[0].categories == cats.values, boost::test_tools::per_element());
    for (const auto& h : {f, round_trip(f)}) {
        const auto got = doubles(h.transform(exec::par, frame::from_columns({categorical("f", test)})), "f");
        for (std::size_t i = 0; i < values.size(); ++i) BOOST_TEST(close(got[i], values[i], 0.0));
    }
}

BOOST_AUTO_TEST_CASE(appearance_order_nulls_and_errors) {
    const frame X = mixed();
    const auto f = ft::ordinal_encoder{{.order = ft::category_order::appearance}}.fit(exec::seq, X);
    const frame out = f.transform(exec::seq, X);
    BOOST_TEST(out.names() == X.names(), boost::test_tools::per_element());
    const auto color = doubles(out, "color");  // red first seen, then blue; null -> NaN
    BOOST_TEST(color[0] == 0.0);
    BOOST_TEST(color[1] == 1.0);
    BOOST_TEST(color[2] == 0.0);
    BOOST_TEST(std::isnan(color[3]));
    const auto flag = doubles(out, "flag");  // true first
    BOOST_TEST(flag[0] == 0.0);
    BOOST_TEST(flag[1] == 1.0);
    const frame unseen = frame::from_columns(
        {column::float64("num", {1.0}), column::categorical_from_labels("color", {"green"}),
         column::boolean("flag", {true})});
    BOOST_TEST(has(message_of<data_error>([&] { f.transform(exec::seq, unseen); }),
                   "ordinal_encoder::transform: column 'color' has the category 'green' at row 0"));
    BOOST_TEST(has(message_of<config_error>([&] {
                       ft::ordinal_encoder{{.handle_unknown = ft::unknown_category::use_encoded_value,
                                            .unknown_value = 1}}
                           .fit(exec::seq, X);
                   }),
                   "parameter 'unknown_value' = 1 is out of range"));
    BOOST_TEST(has(message_of<config_error>([&] {
                       ft::ordinal_encoder{{.handle_unknown = ft::unknown_category::ignore}}.fit(exec::seq, X);
                   }),
                   "'handle_unknown' = ignore is not supported"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(to_matrix_stage)

BOOST_AUTO_TEST_CASE(columns_nulls_and_rejects) {
    const frame X = frame::from_columns(
        {column::float64("a", {1.0, 2.0}), column::int64("b", {5, 6}, {true, false}),
         column::boolean("c", {true, false}), column::categorical_from_labels("d", {"x", "y"})});
    const auto f = ft::to_matrix{{.columns = {"c", "b", "a"}}}.fit(exec::seq, X);
    static_assert(std::is_same_v<decltype(f), const ft::to_matrix<double>::fitted>);
    const matrix<double> m = round_trip(f).transform(exec::seq, X);
    BOOST_TEST(m(0, 0) == 1.0);
    BOOST_TEST(m(0, 1) == 5.0);
    BOOST_TEST(std::isnan(m(1, 1)));
    BOOST_TEST(m(1, 2) == 2.0);
    BOOST_TEST(has(message_of<data_error>([&] { ft::to_matrix<float>{}.fit(exec::seq, X); }),
                   "to_matrix::fit: column 'd' has type categorical, expected float64, float32, int64 or bool"));
    BOOST_TEST(has(message_of<data_error>([&] { f.transform(exec::seq, X.select({"a", "c"})); }),
                   "to_matrix::transform: no column named 'b'"));
}

BOOST_AUTO_TEST_CASE(frame_pipeline_equals_stages_by_hand) {
    const frame X = mixed();
    auto pipe = ft::one_hot_encoder{} | ft::to_matrix{} | ft::standard_scaler{};
    const auto model = pipe.fit(exec::par, X);
    const auto a = ft::one_hot_encoder{}.fit(exec::par, X);
    const frame xa = a.transform(exec::par, X);
    const auto b = ft::to_matrix{}.fit(exec::par, xa);
    const matrix<double> xb = b.transform(exec::par, xa);
    const auto c = ft::standard_scaler{}.fit(exec::par, xb);
    const matrix<double> want = c.transform(exec::par, xb);
    const matrix<double> got = model.transform(exec::par, X);
    BOOST_TEST(got == want);
    const auto again = round_trip(model);
    BOOST_TEST(again.transform(exec::seq, X) == want);
}

BOOST_AUTO_TEST_SUITE_END()
