// The exec::cuda bodies of the scalers and the imputer
// (cuda/tessera/cuda/detail/features.hpp) compiled by g++ on Thrust's OMP device
// system, against exec::seq (cases.hpp).
#define BOOST_TEST_MODULE features_thrust_omp
#include <boost/mpl/list.hpp>
#include <boost/test/unit_test.hpp>

#include <tessera/cuda/detail/features.hpp>

#include "cases.hpp"

using namespace tessera;
using value_types = boost::mpl::list<float, double>;
namespace dd = tessera::device_detail;

namespace {

struct omp_run {
    dd::omp_backend be{};
    template <class E, class T>
    auto fit(const E& est, const matrix<T>& X) const {
        return dd::fit(be, est, X);
    }
    template <class F, class T>
    matrix<T> transform(const F& f, const matrix<T>& X) const {
        return dd::transform<false>(be, f, X);
    }
    template <class F, class T>
    matrix<T> inverse(const F& f, const matrix<T>& X) const {
        return dd::transform<true>(be, f, X);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE_TEMPLATE(device_bodies_match_seq, T, value_types) {
    features_cuda_test::check_all<T>(omp_run{});
}

BOOST_AUTO_TEST_CASE(wrong_column_count_is_a_shape_error) {
    const auto X = features_cuda_test::random_matrix<double>(10, 4, 1, 0.1, false);
    const auto Y = features_cuda_test::random_matrix<double>(10, 3, 2, 0.1, false);
    const omp_run run;
    const auto f = run.fit(features::robust_scaler{}, X);
    BOOST_CHECK_THROW((void)run.transform(f, Y), shape_error);
    const auto g = run.fit(features::simple_imputer{}, X);
    BOOST_CHECK_THROW((void)run.transform(g, Y), shape_error);
}
