// The umbrella header pulls in every host module; one short end-to-end use
// through it names only public API.
#define BOOST_TEST_MODULE umbrella
#include <tessera/tessera.hpp>

#include <boost/test/unit_test.hpp>

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
