// The three transformers compose in a pipeline (poly | kbins-free numeric chain,
// kbins ordinal | pca), give the same result as chaining fit/transform by hand,
// and a fitted pipeline saves and loads.
#include <boost/test/unit_test.hpp>

#include <span>
#include <string>
#include <vector>

#include <tessera/features/kbins_discretizer.hpp>
#include <tessera/features/pca.hpp>
#include <tessera/features/polynomial_features.hpp>
#include <tessera/pipeline/pipeline.hpp>

#include "helpers.hpp"

using namespace tessera;
using namespace decomp_test;

BOOST_AUTO_TEST_SUITE(compose)

BOOST_AUTO_TEST_CASE(pipelines_match_manual_chains) {
    const auto X = random_matrix<double>(200, 4, 77);
    const features::polynomial_features poly{{.degree = 2}};
    const features::pca pc{{.n_components = 3}};
    const auto model = (poly | pc).fit(exec::seq, X);
    const auto f1 = poly.fit(exec::seq, X);
    const auto X1 = f1.transform(exec::seq, X);
    const auto f2 = pc.fit(exec::seq, X1);
    BOOST_TEST(same_bits(model.transform(exec::seq, X), f2.transform(exec::seq, X1)));

    const features::kbins_discretizer kb{{.n_bins = 4, .encode = features::kbins_encode::onehot_dense}};
    const auto m2 = (kb | pc).fit(exec::par_t{.threads = 2, .grain = 64}, X);
    const auto Y2 = m2.transform(exec::seq, X);
    BOOST_TEST(Y2.shape()[1] == 3u);

    io::writer w;
    m2.save(w);
    io::reader r(w.bytes());
    const auto again = std::remove_cvref_t<decltype(m2)>::load(r);
    BOOST_TEST(same_bits(again.transform(exec::seq, X), Y2));
}

// The snippets in docs/features_decomposition.md.
BOOST_AUTO_TEST_CASE(doc_examples) {
    const matrix<double> X = random_matrix<double>(500, 6, 3);
    const std::vector<double> reference(X.begin(), X.begin() + 100);
    // example-begin decomp_usage
    namespace ft = tessera::features;
    // Quantile bins (numpy 'linear' percentiles, as sklearn < 1.9), one-hot columns.
    const auto bins = ft::kbins_discretizer{{.n_bins = 5}}.fit(exec::par, X);
    const matrix<double> onehot = bins.transform(exec::par, X);  // 500 x 30
    // All degree-2 products, sklearn's column order and names.
    const auto poly = ft::polynomial_features{{.degree = 2, .include_bias = false}}.fit(X);
    const std::vector<std::string> names = poly.feature_names_out();  // x0, ..., x0^2, x0 x1, ...
    // PCA keeping 95% of the variance, whitened; components equal sklearn's.
    const auto pca = ft::pca{{.variance_fraction = 0.95, .whiten = true}}.fit(exec::par, X);
    const matrix<double> Z = pca.transform(exec::par, X);
    // Bin edges for drift statistics: reference quantiles, values outside in bins of their own.
    const std::vector<double> edges = kernels::quantile_edges(std::span<const double>(reference), 10);
    const std::size_t b = kernels::bin_of_with_overflow(std::span<const double>(edges), 3.5);
    // example-end decomp_usage
    BOOST_TEST(onehot.shape()[1] == 30u);
    BOOST_TEST(names.size() == 27u);
    BOOST_TEST(names[6] == "x0^2");
    BOOST_TEST(Z.shape()[1] == pca.n_components());
    BOOST_TEST(pca.n_components() >= 5u);
    BOOST_TEST(b <= kernels::bin_count(std::span<const double>(edges)) + 1);
}

BOOST_AUTO_TEST_SUITE_END()
