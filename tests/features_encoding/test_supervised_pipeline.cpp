// Pipelines pass y to supervised transformers: fit_transform(policy, X, y) when
// the stage has one (target_encoder's out-of-fold values), else fit(policy, X, y)
// then transform; a stage with both fits uses the one with y when labels are given.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/random.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/features/one_hot_encoder.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/features/target_encoder.hpp>
#include <tessera/features/to_matrix.hpp>
#include <tessera/learners/linear/logistic_regression.hpp>
#include <tessera/pipeline/pipeline.hpp>

using namespace tessera;
namespace ft = tessera::features;

namespace {

// Adds a constant to every element; records in the fitted type how it was fitted.
struct shift_fitted {
    static constexpr std::string_view type_tag = "test.shift";
    double by = 0;
    int how = 0;  // 1 fit(X), 2 fit(X, y), 3 fit_transform
    template <class P>
    matrix<double> transform(const P&, const matrix<double>& X) const {
        return X + by;
    }
    void save(io::writer& w) const {
        w.put(by);
        w.put(how);
    }
    static shift_fitted load(io::reader& r) {
        shift_fitted f;
        f.by = r.get<double>();
        f.how = r.get<int>();
        return f;
    }
};

// Supervised only: shifts by the mean of y.
struct y_shift {
    template <class P, class Y>
    shift_fitted fit(const P&, const matrix<double>&, const Y& y) const {
        double s = 0;
        for (auto v : y) s += v;
        return {s / static_cast<double>(y.size()), 2};
    }
};
// Both fits and a fit_transform whose output is marked (+1000) so the test sees it was used.
struct both {
    template <class P>
    shift_fitted fit(const P&, const matrix<double>&) const {
        return {1.0, 1};
    }
    template <class P, class Y>
    shift_fitted fit(const P&, const matrix<double>&, const Y&) const {
        return {2.0, 2};
    }
    template <class P, class Y>
    std::pair<shift_fitted, matrix<double>> fit_transform(const P&, const matrix<double>& X, const Y&) const {
        return {shift_fitted{2.0, 3}, X + 1000.0};
    }
};
using tessera::operator|;

struct data {
    frame X;
    labels_class y;
};
data make(std::size_t n, std::uint64_t seed) {
    rng g(seed);
    std::vector<std::string> city(n);
    std::vector<double> x(n);
    auto y = labels_class::from_shape({n});
    const char* names[] = {"paris", "lyon", "nice", "lille", "brest"};
    for (std::size_t r = 0; r < n; ++r) {
        const auto c = g.uniform_int(0, 4);
        city[r] = names[c];
        x[r] = g.normal();
        y(r) = g.uniform() < (0.15 + 0.15 * c + 0.1 * x[r]) ? 1 : 0;
    }
    return {frame::from_columns({column::categorical_from_labels("city", city), column::float64("x", x)}), y};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(supervised_pipeline)

BOOST_AUTO_TEST_CASE(target_encoder_pipeline_uses_out_of_fold_values) {
    const data d = make(400, 1);
    // example-begin target_pipeline
    const ft::target_encoder te{{.cv = 4, .seed = 9}};
    const learners::logistic_regression lr{};
    auto pipe = te | ft::to_matrix{} | ft::standard_scaler{} | lr;
    // fit: te.fit_transform(X, y) (out of fold) feeds to_matrix, the scaler and the learner;
    // predict: the full-data encoder (te.fit(X, y)) encodes new rows.
    const auto model = pipe.fit(exec::par, d.X, d.y);  // d.X: frame, d.y: labels_class
    // example-end target_pipeline
    static_assert(learner<decltype(pipe), frame, labels_class>);
    static_assert(!transformer<decltype(te | ft::to_matrix{}), frame>);  // needs y

    // By hand: fit_transform (out of fold) feeds the next stages.
    auto [enc, oof] = te.fit_transform(exec::par, d.X, d.y);
    const auto tm = ft::to_matrix{}.fit(exec::par, oof);
    const matrix<double> m = tm.transform(exec::par, oof);
    const auto sc = ft::standard_scaler{}.fit(exec::par, m);
    const auto lrf = lr.fit(exec::par, sc.transform(exec::par, m), d.y);

    BOOST_TEST(model.stage<0>().columns()[0].encodings == enc.columns()[0].encodings);
    BOOST_TEST(model.stage<2>().mean() == sc.mean());
    const data test = make(200, 2);
    const auto want = lrf.predict_proba(exec::par, sc.transform(exec::par, tm.transform(exec::par, enc.transform(exec::par, test.X))));
    const auto got = model.predict_proba(exec::par, test.X);
    BOOST_TEST(std::memcmp(got.data(), want.data(), got.size() * sizeof(double)) == 0);
    // The in-sample (fit then transform) encoding differs from the out-of-fold one.
    BOOST_TEST(model.stage<0>().transform(exec::seq, d.X).fingerprint() != oof.fingerprint());
}

BOOST_AUTO_TEST_CASE(matrix_stages_fit_with_y) {
    const matrix<double> X = {{1.0, 2.0}, {3.0, 4.0}, {5.0, 7.0}, {0.0, 1.0}};
    const labels_class y = {0, 1, 1, 0};
    const auto a = (y_shift{} | ft::standard_scaler{} | learners::logistic_regression{}).fit(exec::seq, X, y);
    BOOST_TEST(a.stage<0>().how == 2);
    BOOST_TEST(a.stage<0>().by == 0.5);
    const auto b = (both{} | ft::standard_scaler{} | learners::logistic_regression{}).fit(exec::seq, X, y);
    BOOST_TEST(b.stage<0>().how == 3);
    BOOST_TEST(b.stage<1>().mean()(0) == 1000.0 + 2.25);  // the scaler saw fit_transform's output
    // Without labels, a stage with both fits is an ordinary transformer.
    const auto c = (both{} | ft::standard_scaler{}).fit(exec::seq, X);
    BOOST_TEST(c.stage<0>().how == 1);
    // Save / load of a pipeline with a frame encoder.
    const data d = make(50, 3);
    const auto model = (ft::one_hot_encoder{} | ft::to_matrix{} | learners::logistic_regression{}).fit(exec::seq, d.X, d.y);
    io::writer w;
    model.save(w);
    io::reader r(w.bytes());
    const auto again = decltype(model)::load(r);
    BOOST_TEST(again.predict(exec::seq, d.X) == model.predict(exec::seq, d.X));
}

BOOST_AUTO_TEST_SUITE_END()
