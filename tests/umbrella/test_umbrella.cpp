// The umbrella header pulls in every host module; one short end-to-end use
// through it names only public API.
#define BOOST_TEST_MODULE umbrella
#include <tessera/tessera.hpp>

#include <boost/test/unit_test.hpp>

#include <sstream>
#include <vector>

using namespace tessera;

static_assert(transformer<features::standard_scaler>);
static_assert(learner<learners::logistic_regression, matrix<float>, vector<std::int32_t>>);
static_assert(exec::execution_policy<exec::par_t>);

BOOST_AUTO_TEST_CASE(umbrella_end_to_end) {
    rng g(7);
    const std::size_t n = 300, d = 3;
    matrix<float> X = xt::empty<float>({n, d});
    vector<std::int32_t> y = xt::empty<std::int32_t>({n});
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < d; ++j) {
            X(i, j) = static_cast<float>(g.normal<double>() * 10.0 + 3.0);
            s += (j == 0 ? 1.0 : -0.5) * X(i, j);
        }
        y(i) = s > 0 ? 1 : 0;
    }
    auto model = (features::standard_scaler{} | learners::logistic_regression{}).fit(exec::par, X, y);
    const auto pred = model.predict(exec::par, X);
    BOOST_TEST(eval::accuracy_score(y, pred) > 0.9);
    const auto bytes = io::save_to_string(model);
    const auto again = io::load_from_string<decltype(model)>(bytes, "memory");
    const auto p2 = again.predict(exec::seq, X);
    BOOST_TEST(eval::accuracy_score(pred, p2) == 1.0);
    const std::vector<float> col0(X.data(), X.data() + 10);
    BOOST_TEST(kernels::sum(exec::seq, std::span<const float>(col0)) ==
               kernels::sum(exec::par, std::span<const float>(col0)));
}

// The data-in, validate and drift modules through the umbrella: CSV in, a quality
// report, a batch drift test and a streaming detector.
static_assert(drift_test<drift::ks_test>);
static_assert(drift_detector<drift::adwin, double>);
static_assert(drift_detector<drift::ddm, bool>);

BOOST_AUTO_TEST_CASE(umbrella_data_in_and_drift) {
    std::istringstream in("a,b,c\n1,2.5,x\n2,,y\n3,4.5,x\n");
    const frame f = io::read_csv(exec::seq, in);
    BOOST_TEST(f.num_rows() == 3u);
    BOOST_TEST(f.num_columns() == 3u);
    BOOST_TEST(f.column("b").null_count() == 1u);
    BOOST_TEST(f.column("c").type() == dtype::categorical);
    const auto q = validate::quality_report(exec::seq, f);
    BOOST_TEST(!q.to_json().empty());

    const std::vector<double> ref{0.1, 0.2, 0.3, 0.4, 0.5}, cur{0.6, 0.7, 0.8, 0.9, 1.0};
    const auto r = drift::ks_test{}.compare(exec::seq, ref, cur);
    BOOST_TEST(r.statistic == 1.0);  // the samples do not overlap
    drift::page_hinkley ph;
    for (int i = 0; i < 10; ++i) ph.update(0.0);
    BOOST_TEST(!ph.drift_detected());
}
