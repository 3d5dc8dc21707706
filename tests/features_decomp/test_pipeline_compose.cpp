// The three transformers compose in a pipeline (poly | kbins-free numeric chain,
// kbins ordinal | pca), give the same result as chaining fit/transform by hand,
// and a fitted pipeline saves and loads.
#include <boost/test/unit_test.hpp>

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

BOOST_AUTO_TEST_SUITE_END()
