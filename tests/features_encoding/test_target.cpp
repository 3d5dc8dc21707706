// target_encoder: scikit-learn goldens with the same folds (PredefinedSplit),
// a brute-force reference, the no-own-target property, errors, save/load.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>
#include <tessera/core/random.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/features/target_encoder.hpp>

#include "helpers.hpp"

using namespace tessera;
using namespace enc_test;
namespace ft = tessera::features;

namespace {

struct target_data {
    frame X, test;
    std::vector<std::int32_t> folds;
    labels_class y_bin;
    vector<double> y_cont;
};

target_data read_target() {
    golden g("target_golden.txt");
    target_data d;
    g.expect("a");
    const auto a = g.label_list();
    g.expect("b");
    const auto b = g.label_list();
    g.expect("test_a");
    const auto ta = g.label_list();
    g.expect("test_b");
    const auto tb = g.label_list();
    d.X = frame::from_columns({categorical("a", a), categorical("b", b)});
    d.test = frame::from_columns({categorical("a", ta), categorical("b", tb)});
    g.expect("folds");
    const auto n = static_cast<std::size_t>(g.integer());
    for (std::size_t i = 0; i < n; ++i) d.folds.push_back(static_cast<std::int32_t>(g.integer()));
    g.expect("y_binary");
    g.integer();
    d.y_bin = labels_class::from_shape({n});
    for (auto& v : d.y_bin) v = static_cast<std::int32_t>(g.integer());
    g.expect("y_continuous");
    g.integer();
    d.y_cont = vector<double>::from_shape({n});
    for (auto& v : d.y_cont) v = g.number();
    return d;
}

// Brute force: the encoding of the category of row r of `col` (labels as
// strings, "" = null) from the rows `use`, straight from the definitions.
double brute(const std::vector<std::string>& col, const std::vector<double>& y,
             const std::vector<std::size_t>& use, const std::string& cat, std::optional<double> smooth) {
    double sy = 0, m = 0, v = 0;
    for (auto r : use) sy += y[r];
    m = sy / use.size();
    for (auto r : use) v += (y[r] - m) * (y[r] - m);
    v /= use.size();
    std::vector<double> in;
    for (auto r : use)
        if (col[r] == cat) in.push_back(y[r]);
    if (in.empty()) return m;
    double s = 0;
    for (double x : in) s += x;
    const double n = in.size(), mc = s / n;
    if (smooth) return (s + *smooth * m) / (n + *smooth);
    double ss = 0;
    for (double x : in) ss += (x - mc) * (x - mc);
    const double l = v * n / (v * n + ss / n);
    return std::isnan(l) ? m : l * mc + (1 - l) * m;
}

std::vector<std::string> strings(const column& c) {
    std::vector<std::string> out(c.size());
    const auto codes = c.values<std::int32_t>();
    for (std::size_t r = 0; r < c.size(); ++r) out[r] = codes[r] < 0 ? "" : "=" + c.dictionary()[codes[r]];
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(target)

BOOST_AUTO_TEST_CASE(sklearn_golden_same_folds) {
    const target_data d = read_target();
    golden g("target_golden.txt");
    for (int skip = 0; skip < 7; ++skip) {  // the data lines
        g.word();
        g.label_list();
    }
    int cases = 0;
    while (!g.done()) {
        g.expect("case");
        const std::string kind = g.word(), smooth_s = g.word();
        const double mean = g.number();
        g.expect("oof");
        const auto oof = g.numbers(d.X.num_rows() * 2);
        g.expect("transform");
        const auto tr = g.numbers(d.test.num_rows() * 2);
        BOOST_TEST_CONTEXT(kind << " smooth " << smooth_s) {
            ft::target_encoder::params p;
            if (smooth_s != "auto") p.smooth = std::stod(smooth_s);
            const ft::target_encoder enc(p);
            const auto check = [&](const auto& y) {
                auto [f, out] = enc.fit_transform(exec::seq, d.X, y, d.folds);
                BOOST_TEST(close(f.target_mean(), mean, 1e-14));
                const auto m = out.template to_matrix<double>(exec::seq, {"a", "b"});
                for (std::size_t i = 0; i < oof.size(); ++i) BOOST_TEST(close(m.data()[i], oof[i], 1e-12));
                for (const auto& h : {f}) {
                    const auto t = h.transform(exec::par, d.test).template to_matrix<double>(exec::seq, {"a", "b"});
                    for (std::size_t i = 0; i < tr.size(); ++i) BOOST_TEST(close(t.data()[i], tr[i], 1e-12));
                }
                // fit alone gives the same full-data encoder
                const auto full = enc.fit(exec::seq, d.X, y);
                BOOST_TEST(full.columns()[0].encodings == f.columns()[0].encodings);
            };
            if (kind == "binary") {
                check(d.y_bin);
                BOOST_TEST((enc.fit(exec::seq, d.X, d.y_bin).target_type() == ft::target_kind::binary));
            } else {
                check(d.y_cont);
            }
        }
        ++cases;
    }
    BOOST_TEST(cases == 6);
}

BOOST_AUTO_TEST_CASE(brute_force_random) {
    rng g(11);
    for (int trial = 0; trial < 6; ++trial) {
        const std::size_t n = 20 + 37 * trial;
        std::vector<std::string> labels(n);
        std::vector<bool> valid(n);
        auto y = vector<double>::from_shape({n});
        for (std::size_t r = 0; r < n; ++r) {
            labels[r] = std::string(1, static_cast<char>('a' + g.uniform_int(0, 6)));
            valid[r] = g.uniform() > 0.1;
            y(r) = g.normal() * 3 + (labels[r][0] - 'a');
        }
        const frame X = frame::from_columns({column::categorical_from_labels("c", labels, valid)});
        const auto col = strings(X.column("c"));
        const std::vector<double> yv(y.begin(), y.end());
        for (const auto smooth : {std::optional<double>{}, std::optional<double>{1.5}}) {
            const ft::target_encoder enc{{.smooth = smooth, .cv = 3, .seed = 5u + trial}};
            auto [f, out] = enc.fit_transform(exec::par, X, y);
            const auto got = doubles(out, "c");
            // Reconstruct the folds: a row's value must equal the brute force on
            // the rows of the other folds for one of the 3 folds, and the full
            // encoder must equal the brute force on all rows.
            std::vector<std::size_t> all(n);
            for (std::size_t r = 0; r < n; ++r) all[r] = r;
            const auto full = doubles(f.transform(exec::seq, X), "c");
            for (std::size_t r = 0; r < n; ++r)
                BOOST_TEST(close(full[r], brute(col, yv, all, col[r], smooth), 1e-12));
            // Same folds as the encoder draws: KFold over the Philox permutation.
            std::vector<std::size_t> perm = all;
            rng(5u + trial).shuffle(perm);
            std::vector<int> fold(n);
            for (std::size_t i = 0, pos = 0; i < 3; ++i)
                for (std::size_t k = 0; k < n / 3 + (i < n % 3); ++k) fold[perm[pos++]] = static_cast<int>(i);
            for (std::size_t r = 0; r < n; ++r) {
                std::vector<std::size_t> train;
                for (std::size_t q = 0; q < n; ++q)
                    if (fold[q] != fold[r]) train.push_back(q);
                BOOST_TEST(close(got[r], brute(col, yv, train, col[r], smooth), 1e-12));
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(training_rows_never_see_their_own_target) {
    const target_data d = read_target();
    const ft::target_encoder enc{{.cv = 4, .seed = 3}};
    const auto base = doubles(enc.fit_transform(exec::seq, d.X, d.y_cont).second, "a");
    for (std::size_t r = 0; r < d.X.num_rows(); r += 7) {
        auto y = d.y_cont;
        y(r) += 1000.0;
        const auto moved = doubles(enc.fit_transform(exec::seq, d.X, y).second, "a");
        BOOST_TEST(moved[r] == base[r]);  // bit for bit: y(r) is not in its own training folds
    }
    // and seq / par give the same bits; the seed changes the folds
    const auto par = doubles(enc.fit_transform(exec::par, d.X, d.y_cont).second, "a");
    BOOST_TEST(std::memcmp(par.data(), base.data(), base.size() * sizeof(double)) == 0);
    const auto other = doubles(ft::target_encoder{{.cv = 4, .seed = 4}}.fit_transform(exec::seq, d.X, d.y_cont).second, "a");
    BOOST_TEST(other != base);
}

BOOST_AUTO_TEST_CASE(errors_and_save_load) {
    const target_data d = read_target();
    const auto f = ft::target_encoder{}.fit(exec::seq, d.X, d.y_bin);
    const auto g = round_trip(f);
    BOOST_TEST(f.transform(exec::seq, d.test).fingerprint() == g.transform(exec::seq, d.test).fingerprint());

    labels_class three = d.y_bin;
    three(0) = 2;
    const auto msg = [](auto&& fn) { return message_of<error>(fn); };
    BOOST_TEST(msg([&] { ft::target_encoder{}.fit(exec::seq, d.X, three); }).find(
                   "target_type binary needs at most 2 distinct values of y, found 3") != std::string::npos);
    BOOST_TEST(msg([&] { ft::target_encoder{{.smooth = -1.0}}.fit(exec::seq, d.X, d.y_cont); }).find(
                   "parameter 'smooth' = -1 is out of range") != std::string::npos);
    BOOST_TEST(msg([&] { ft::target_encoder{{.cv = 1}}.fit_transform(exec::seq, d.X, d.y_cont); }).find(
                   "parameter 'cv' = 1 is out of range") != std::string::npos);
    BOOST_TEST(msg([&] { ft::target_encoder{}.fit(exec::seq, d.X, vector<double>::from_shape({3})); }).find(
                   "target_encoder::fit: y vs rows of X: size mismatch") != std::string::npos);
    std::vector<std::int32_t> bad(d.folds.size(), 0);
    BOOST_TEST(msg([&] { ft::target_encoder{}.fit_transform(exec::seq, d.X, d.y_cont, bad); }).find(
                   "fold 0 holds every row") != std::string::npos);
    BOOST_TEST(msg([&] { ft::target_encoder{{.columns = {"zz"}}}.fit(exec::seq, d.X, d.y_cont); }).find(
                   "target_encoder::fit: no column named 'zz'") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
