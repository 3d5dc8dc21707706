#define BOOST_TEST_MODULE pipeline
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <tessera/core/version.hpp>
#include <tessera/features.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/learners/linear.hpp>
#include <tessera/pipeline.hpp>

#include "helpers.hpp"

using namespace tessera;
using test_helpers::mean_learner;
using test_helpers::random_matrix;
using test_helpers::same_bits;
using scaler = features::standard_scaler;

namespace {

// Two Gaussian blobs in 5 features with very different scales, labels 0/1.
struct blobs {
    matrix<float> X;
    vector<std::int32_t> y;
};
blobs make_blobs(std::size_t n, std::uint64_t seed) {
    blobs b{random_matrix<float>(n, 5, seed), vector<std::int32_t>::from_shape({n})};
    for (std::size_t i = 0; i < n; ++i) {
        b.y(i) = static_cast<std::int32_t>(i % 2);
        for (std::size_t j = 0; j < 5; ++j)
            b.X(i, j) = static_cast<float>((b.X(i, j) + (b.y(i) ? 1.0 : -1.0)) * std::pow(10.0, j));
    }
    return b;
}

struct not_a_stage {
    int fit = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(composition)

BOOST_AUTO_TEST_CASE(operators_build_flat_stage_lists) {
    // example-begin compose
    const scaler s{};
    const scaler no_mean{{.with_mean = false}};
    const learners::logistic_regression lr{{.C = 0.5}};

    auto ab = s | lr;  // pipeline<scaler, logistic_regression>
    auto abc = s | no_mean | lr;
    // pipeline | stage appends, stage | pipeline prepends, pipeline | pipeline concatenates;
    // pipeline(a, b, c) builds the same value.
    static_assert(std::is_same_v<decltype(pipeline(s, no_mean) | lr), decltype(abc)>);
    static_assert(std::is_same_v<decltype(pipeline(s, no_mean, lr)), decltype(abc)>);
    // example-end compose

    static_assert(std::is_same_v<decltype(ab), pipeline<scaler, learners::logistic_regression>>);
    static_assert(std::is_same_v<decltype(abc), pipeline<scaler, scaler, learners::logistic_regression>>);
    static_assert(std::is_same_v<decltype(s | pipeline(no_mean, lr)), decltype(abc)>);
    static_assert(std::is_same_v<decltype(pipeline(s) | pipeline(no_mean) | pipeline(lr)), decltype(abc)>);
    static_assert(decltype(abc)::size() == 3);
    // The hyperparameters travel with the stages.
    BOOST_TEST(!abc.stage<1>().get_params().with_mean);
    BOOST_TEST(abc.stage<2>().config.C == 0.5);
    // A user type in another namespace composes through pipeline(...).
    auto user = pipeline(s) | mean_learner{};
    static_assert(std::is_same_v<decltype(user), pipeline<scaler, mean_learner>>);
}

BOOST_AUTO_TEST_CASE(pipelines_satisfy_the_contracts) {
    using transformers = pipeline<scaler, scaler>;
    using classifier = pipeline<scaler, learners::logistic_regression>;
    using regressor = pipeline<scaler, learners::linear_regression>;
    // Only transformers: itself a transformer (fit(policy, X)), not a learner.
    static_assert(transformer<transformers, matrix<float>>);
    static_assert(transformer<transformers, matrix<double>>);
    static_assert(!learner<transformers>);
    // Ends in a learner: a learner, not a transformer.
    static_assert(learner<regressor, matrix<float>, vector<float>>);
    static_assert(learner<classifier, matrix<double>, labels_class>);
    static_assert(!transformer<classifier>);
    // Ill-formed pipelines satisfy nothing (and checking that is not an error).
    using backwards = pipeline<learners::logistic_regression, scaler>;
    static_assert(!transformer<backwards> && !learner<backwards, matrix<float>, labels_class>);
    static_assert(!transformer<pipeline<scaler, not_a_stage>>);
    static_assert(!transformer<pipeline<>>);

    using fitted_c = decltype(classifier{}.fit(exec::seq, matrix<float>{}, labels_class{}));
    using fitted_r = decltype(regressor{}.fit(exec::seq, matrix<float>{}, vector<float>{}));
    using fitted_t = decltype(transformers{}.fit(exec::seq, matrix<float>{}));
    static_assert(std::is_same_v<fitted_c, fitted_pipeline<scaler::fitted,
                                                            learners::logistic_regression::fitted>>);
    static_assert(probabilistic_predictor<fitted_c>);
    static_assert(predictor<fitted_r> && !probabilistic_predictor<fitted_r>);
    static_assert(fitted_transformer<fitted_t> && !predictor<fitted_t>);
    static_assert(serializable<fitted_c> && serializable<fitted_t>);
    // A pipeline of transformers nests as a stage.
    using nested = pipeline<transformers, learners::logistic_regression>;
    static_assert(learner<nested, matrix<float>, labels_class>);

    BOOST_TEST(fitted_c::type_tag ==
               "tessera.pipeline<tessera.features.standard_scaler,"
               "tessera.learners.logistic_regression>");
    using fitted_n = decltype(nested{}.fit(exec::seq, matrix<float>{}, labels_class{}));
    BOOST_TEST(fitted_n::type_tag ==
               "tessera.pipeline<tessera.pipeline<tessera.features.standard_scaler,"
               "tessera.features.standard_scaler>,tessera.learners.logistic_regression>");
}

BOOST_AUTO_TEST_CASE(version_matches_cmake_project) {
    BOOST_TEST(std::string(tessera::version_string) == TESSERA_PROJECT_VERSION);
    const std::string parts = std::to_string(tessera::version.major) + "." +
                              std::to_string(tessera::version.minor) + "." +
                              std::to_string(tessera::version.patch);
    BOOST_TEST(parts == TESSERA_PROJECT_VERSION);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(fitting)

// The fitted pipeline must equal fitting the stages by hand, in order, each on
// the previous stage's output: bitwise, since the same calls run.
BOOST_AUTO_TEST_CASE(equals_stage_by_stage_fit) {
    const auto d = make_blobs(300, 1);
    const scaler s1{};
    const scaler s2{{.with_mean = false}};
    const learners::logistic_regression lr{{.C = 2.0}};
    for (const auto policy : {exec::par_t{.threads = 1, .grain = 128},
                              exec::par_t{.threads = 2, .grain = 128}}) {
        const auto model = (s1 | s2 | lr).fit(policy, d.X, d.y);
        const auto f1 = s1.fit(policy, d.X);
        const auto x1 = f1.transform(policy, d.X);
        const auto f2 = s2.fit(policy, x1);
        const auto x2 = f2.transform(policy, x1);
        const auto f3 = lr.fit(policy, x2, d.y);
        BOOST_TEST(same_bits(model.stage<0>().scale(), f1.scale()));
        BOOST_TEST(same_bits(model.stage<1>().scale(), f2.scale()));
        BOOST_TEST(same_bits(model.transform(policy, d.X), x2));
        BOOST_TEST(same_bits(model.predict(policy, d.X), f3.predict(policy, x2)));
        BOOST_TEST(same_bits(model.predict_proba(policy, d.X), f3.predict_proba(policy, x2)));
    }
}

BOOST_AUTO_TEST_CASE(classifier_learns_and_policies_agree) {
    const auto train = make_blobs(400, 2);
    const auto test = make_blobs(200, 3);
    const auto pipe = scaler{} | learners::logistic_regression{};
    const auto model = pipe.fit(exec::par, train.X, train.y);
    const auto pred = model.predict(exec::seq, test.X);
    std::size_t right = 0;
    for (std::size_t i = 0; i < pred.size(); ++i) right += pred(i) == test.y(i) ? 1 : 0;
    BOOST_TEST(right >= 190u);  // the blobs are 2 standard deviations apart in every feature
    BOOST_TEST(same_bits(model.predict(exec::simd, test.X), pred));
    BOOST_TEST(same_bits(model.predict(test.X), pred));  // no policy: exec::par
    const auto proba = model.predict_proba(exec::seq, test.X);
    BOOST_TEST(proba.shape()[1] == 2u);
    // The scaler stage saw the raw features: its means are those of train.X.
    const auto direct = scaler{}.fit(exec::par, train.X);
    BOOST_TEST(same_bits(model.stage<0>().mean(), direct.mean()));
}

BOOST_AUTO_TEST_CASE(learner_receives_transformed_features) {
    const auto X = random_matrix<double>(100, 3, 4, 0.0, 50.0, 10.0);
    const vector<float> y = xt::arange<float>(100);
    const auto model = (scaler{} | mean_learner{}).fit(exec::simd, X, y);
    // Standardized column 0 has mean ~0 where the raw one has mean ~50.
    BOOST_TEST(std::abs(model.stage<1>().seen_col0_mean) < 1e-12);
    BOOST_TEST(model.stage<1>().y_mean == 49.5);
    const auto p = model.predict(exec::seq, X);
    const auto z = model.stage<0>().transform(exec::seq, X);
    BOOST_TEST(p(7) == static_cast<float>(49.5 + z(7, 0)));
}

BOOST_AUTO_TEST_CASE(transformer_pipeline_and_regression) {
    const auto X = random_matrix<double>(120, 4, 5, 0.0, 3.0, 2.0);
    const auto tp = (scaler{} | scaler{{.with_std = false}}).fit(exec::seq, X);
    static_assert(decltype(tp)::size() == 2);
    const auto once = scaler{}.fit(exec::seq, X).transform(exec::seq, X);
    const auto twice = tp.transform(exec::par, X);
    BOOST_TEST(twice.shape() == once.shape());
    // Centering already-centered data moves it by at most rounding.
    for (std::size_t i = 0; i < once.size(); ++i)
        BOOST_TEST(std::abs(twice.data()[i] - once.data()[i]) <= 1e-14);

    // Linear regression through a scaler recovers an exact linear target.
    vector<double> y = vector<double>::from_shape({120});
    for (std::size_t i = 0; i < 120; ++i) y(i) = 2.0 * X(i, 0) - 0.5 * X(i, 3) + 7.0;
    const auto reg = (scaler{} | learners::linear_regression{}).fit(exec::par, X, y);
    const auto yhat = reg.predict(exec::seq, X);
    for (std::size_t i = 0; i < 120; ++i) BOOST_TEST(std::abs(yhat(i) - y(i)) <= 1e-9);
}

BOOST_AUTO_TEST_CASE(nested_transformer_pipeline_as_stage) {
    const auto d = make_blobs(200, 6);
    const auto inner = scaler{} | scaler{{.with_mean = false}};
    const auto model = pipeline(inner, learners::logistic_regression{}).fit(exec::seq, d.X, d.y);
    const auto flat = (inner | learners::logistic_regression{}).fit(exec::seq, d.X, d.y);
    BOOST_TEST(same_bits(model.predict_proba(exec::seq, d.X), flat.predict_proba(exec::seq, d.X)));
    const auto back = io::load_from_string<decltype(model)>(io::save_to_string(model));
    BOOST_TEST(same_bits(back.predict_proba(exec::seq, d.X), model.predict_proba(exec::seq, d.X)));
}

BOOST_AUTO_TEST_CASE(errors_propagate_from_stages) {
    const auto d = make_blobs(50, 7);
    const auto model = (scaler{} | learners::logistic_regression{}).fit(exec::seq, d.X, d.y);
    const auto narrow = random_matrix<float>(3, 4, 8);
    BOOST_CHECK_THROW((void)model.predict(exec::seq, narrow), shape_error);
    BOOST_CHECK_THROW((void)(scaler{} | learners::logistic_regression{})
                          .fit(exec::seq, matrix<float>::from_shape({0, 5}), labels_class{}),
                      shape_error);
}

BOOST_AUTO_TEST_CASE(save_load_file_predictions_identical) {
    const auto d = make_blobs(300, 9);
    const auto model =
        (scaler{} | learners::logistic_regression{{.C = 0.3}}).fit(exec::par, d.X, d.y);
    const auto path = std::filesystem::temp_directory_path() /
                      ("tessera_pipeline_" + std::to_string(::getpid()) + ".tsm");
    io::save(model, path);
    const auto back = io::load<decltype(model)>(path);
    std::filesystem::remove(path);
    const auto test = make_blobs(100, 10);
    BOOST_TEST(same_bits(back.predict_proba(exec::seq, test.X), model.predict_proba(exec::seq, test.X)));
    BOOST_TEST(same_bits(back.predict(exec::par, test.X), model.predict(exec::par, test.X)));
    BOOST_TEST(same_bits(back.transform(exec::simd, test.X), model.transform(exec::simd, test.X)));

    // A file of the same stages in another order is refused by its tag.
    using other = decltype((scaler{} | learners::linear_regression{})
                               .fit(exec::seq, matrix<float>{}, vector<float>{}));
    BOOST_CHECK_THROW((void)io::load_from_string<other>(io::save_to_string(model)), format_error);
}

BOOST_AUTO_TEST_SUITE_END()
