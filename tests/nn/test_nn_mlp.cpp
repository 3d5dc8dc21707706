// Tests of nn::mlp: learns XOR and a linear function to known accuracy, early
// stopping keeps the best epoch's weights (the restored model reproduces the
// best recorded validation loss), the progress callback stops training, the
// weights are bitwise identical for 1, 2 and 7 threads, seq and par predict
// alike, save/load round trips and corrupted payloads are rejected, bad
// parameters throw config_error naming the field, and the model composes in a
// pipeline after features::standard_scaler.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/random.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/learners/nn.hpp>
#include <tessera/pipeline/pipeline.hpp>

using namespace tessera;

namespace {

using relu_net = nn::mlp<nn::dense<nn::relu>, nn::dense<>>;
using deep_net = nn::mlp<nn::dense<nn::relu>, nn::dropout, nn::dense<nn::gelu>, nn::batch_norm, nn::dense<>>;

static_assert(learner<relu_net, matrix<float>, vector<std::int32_t>>);
static_assert(learner<relu_net, matrix<float>, vector<float>>);
static_assert(learner<relu_net, matrix<double>, vector<float>>);
static_assert(probabilistic_predictor<relu_net::classifier_model>);
static_assert(predictor<relu_net::regressor_model>);
static_assert(serializable<deep_net::classifier_model>);

struct data {
    matrix<float> X;
    vector<std::int32_t> y;
    vector<float> t;
};

// Two interleaved noisy classes in d dimensions: y = [x0 x1 + 0.5 x2 > 0];
// t = a linear function of x.
data make_data(std::size_t n, std::size_t d, std::uint64_t seed) {
    const rng r(seed, 1);
    data out{xt::empty<float>({n, d}), xt::empty<std::int32_t>({n}), xt::empty<float>({n})};
    for (std::size_t i = 0; i < n; ++i) {
        double lin = 0.5;
        for (std::size_t j = 0; j < d; ++j) {
            out.X(i, j) = r.normal_at<float>(i * d + j);
            lin += (0.3 * static_cast<double>(j) - 0.4) * out.X(i, j);
        }
        out.y(i) = out.X(i, 0) * out.X(i, 1) + 0.5 * out.X(i, 2) > 0 ? 1 : 0;
        out.t(i) = static_cast<float>(lin);
    }
    return out;
}

double accuracy(const vector<std::int32_t>& a, const vector<std::int32_t>& b) {
    std::size_t k = 0;
    for (std::size_t i = 0; i < a.size(); ++i) k += a(i) == b(i);
    return static_cast<double>(k) / static_cast<double>(a.size());
}

template <class F>
void expect_config_error(F&& f, const std::string& field) {
    try {
        f();
        BOOST_ERROR("expected config_error for " << field);
    } catch (const config_error& e) {
        BOOST_TEST(e.field() == field, e.what());
        BOOST_TEST(std::string(e.what()).find(field) != std::string::npos);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(mlp_training)

BOOST_AUTO_TEST_CASE(learns_xor) {
    matrix<float> X = xt::empty<float>({64, 2});
    vector<std::int32_t> y = xt::empty<std::int32_t>({64});
    for (std::size_t i = 0; i < 64; ++i) {
        const int a = static_cast<int>(i & 1), b = static_cast<int>((i >> 1) & 1);
        X(i, 0) = static_cast<float>(a);
        X(i, 1) = static_cast<float>(b);
        y(i) = a ^ b;
    }
    using tanh_net = nn::mlp<nn::dense<nn::tanh>, nn::dense<>>;
    const auto model = tanh_net{{.hidden = {8}, .learning_rate = 0.05, .epochs = 150, .batch_size = 16,
                                 .seed = 3}}.fit(exec::seq, X, y);
    BOOST_TEST(accuracy(model.predict(exec::seq, X), y) == 1.0);
    const auto p = model.predict_proba(exec::seq, X);
    for (std::size_t i = 0; i < 4; ++i) BOOST_TEST(p(i, static_cast<std::size_t>(y(i))) > 0.9);
    BOOST_TEST(model.history().back().train_loss < 0.1);
}

BOOST_AUTO_TEST_CASE(learns_linear_regression) {
    const auto d = make_data(400, 3, 5);
    // a single dense layer is linear regression: coefficients 0.3 j - 0.4, intercept 0.5
    const auto lin = nn::mlp<nn::dense<>>{{.learning_rate = 0.05, .epochs = 150, .batch_size = 32, .seed = 1}}
                         .fit(exec::seq, d.X, d.t);
    const auto& w = lin.parameters();
    for (std::size_t j = 0; j < 3; ++j) BOOST_TEST(w[j] == 0.3 * static_cast<double>(j) - 0.4, boost::test_tools::tolerance(0.02));
    BOOST_TEST(std::abs(w[3] - 0.5) < 0.01);
    BOOST_TEST(lin.history().back().train_loss < 1e-4);
    // huber loss + sgd nesterov + step schedule + clipping on a hidden layer
    const auto hub = nn::mlp<nn::dense<nn::leaky_relu>, nn::dense<>>{
        {.hidden = {16}, .loss = nn::loss_kind::huber, .optimizer = nn::optimizer_kind::sgd,
         .learning_rate = 0.02, .nesterov = true, .schedule = nn::schedule_kind::step, .step_size = 40,
         .gamma = 0.5, .clip_norm = 5.0, .epochs = 80, .batch_size = 32, .seed = 2}}
                         .fit(exec::par, d.X, d.t);
    const auto pred = hub.predict(exec::par, d.X);
    double sse = 0, sst = 0, mean = 0;
    for (std::size_t i = 0; i < 400; ++i) mean += d.t(i) / 400.0;
    for (std::size_t i = 0; i < 400; ++i) {
        sse += (pred(i) - d.t(i)) * (pred(i) - d.t(i));
        sst += (d.t(i) - mean) * (d.t(i) - mean);
    }
    BOOST_TEST(1 - sse / sst > 0.99);
}

BOOST_AUTO_TEST_CASE(early_stopping_restores_best_weights) {
    // a wide net on few noisy rows overfits: validation loss rises after a minimum
    auto d = make_data(60, 6, 9);
    const auto v = make_data(200, 6, 10);
    const rng r(4, 4);
    for (std::size_t i = 0; i < 60; ++i)
        if (r.uniform_at(i) < 0.3) d.y(i) = 1 - d.y(i);
    std::vector<nn::epoch_record> seen;
    nn::fit_options<vector<std::int32_t>> opt{&v.X, &v.y, [&](const nn::epoch_record& e) {
                                                 seen.push_back(e);
                                                 return true;
                                             }};
    const auto model = nn::mlp<nn::dense<nn::relu>, nn::dense<nn::relu>, nn::dense<>>{
        {.hidden = {128, 128}, .learning_rate = 0.01, .epochs = 300, .batch_size = 16, .early_stopping = true,
         .patience = 15, .seed = 7}}
                           .fit(exec::par, d.X, d.y, opt);
    const auto& h = model.history();
    BOOST_TEST(seen.size() == h.size());
    const int best = model.best_epoch();
    BOOST_TEST_REQUIRE(best >= 0);
    BOOST_TEST(h.size() == static_cast<std::size_t>(best) + 16);  // stopped after `patience` stalls
    for (const auto& e : h) BOOST_TEST(e.valid_loss >= h[static_cast<std::size_t>(best)].valid_loss);
    BOOST_TEST(h.back().valid_loss > h[static_cast<std::size_t>(best)].valid_loss);
    // the returned weights are the best epoch's: their validation loss is the recorded one
    const auto z = model.decision_function(exec::par, v.X);
    std::vector<float> t(v.y.begin(), v.y.end());
    const double loss = nn::loss_value_and_grad(nn::loss_kind::binary_cross_entropy, 1.0, z.data(), 200, 1,
                                                t.data(), nullptr, nullptr);
    BOOST_TEST(loss == h[static_cast<std::size_t>(best)].valid_loss, boost::test_tools::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(callback_stops_and_validation_split) {
    const auto d = make_data(300, 4, 11);
    int calls = 0;
    nn::fit_options<vector<std::int32_t>> opt;
    opt.on_epoch = [&](const nn::epoch_record& e) {
        ++calls;
        return e.epoch < 2;
    };
    const auto m = relu_net{{.hidden = {8}, .epochs = 50}}.fit(exec::seq, d.X, d.y, opt);
    BOOST_TEST(calls == 3);
    BOOST_TEST(m.history().size() == 3u);
    BOOST_TEST(std::isnan(m.history()[0].valid_loss));  // no validation set, no early stopping
    // early stopping without a validation set holds out validation_fraction
    const auto e = relu_net{{.hidden = {8}, .epochs = 3, .early_stopping = true, .validation_fraction = 0.2}}
                       .fit(exec::seq, d.X, d.y);
    BOOST_TEST(!std::isnan(e.history()[0].valid_loss));
}

BOOST_AUTO_TEST_CASE(history_follows_the_schedule) {
    // warm-up 2 epochs then cosine over the remaining 4 (closed forms as in docs/nn.md)
    const auto d = make_data(100, 3, 14);
    const auto m = relu_net{{.hidden = {4}, .learning_rate = 0.02, .schedule = nn::schedule_kind::cosine,
                             .min_learning_rate = 0.002, .warmup_epochs = 2, .epochs = 6}}
                       .fit(exec::seq, d.X, d.y);
    const auto& h = m.history();
    BOOST_TEST_REQUIRE(h.size() == 6u);
    BOOST_TEST(h[0].learning_rate == 0.01, boost::test_tools::tolerance(1e-15));
    BOOST_TEST(h[1].learning_rate == 0.02, boost::test_tools::tolerance(1e-15));
    for (int e = 2; e < 6; ++e)
        BOOST_TEST(h[static_cast<std::size_t>(e)].learning_rate ==
                       0.002 + 0.018 * (1 + std::cos(3.141592653589793 * (e - 2) / 4.0)) / 2,
                   boost::test_tools::tolerance(1e-14));
    for (std::size_t e = 0; e < 6; ++e) BOOST_TEST(h[e].epoch == static_cast<int>(e));
}

BOOST_AUTO_TEST_CASE(class_weights_shift_decisions) {
    auto d = make_data(400, 4, 12);
    const auto plain = relu_net{{.hidden = {8}, .epochs = 10, .seed = 1}}.fit(exec::seq, d.X, d.y);
    const auto heavy = relu_net{{.hidden = {8}, .epochs = 10, .class_weight = {1.0, 20.0}, .seed = 1}}
                           .fit(exec::seq, d.X, d.y);
    std::size_t pos_plain = 0, pos_heavy = 0;
    const auto a = plain.predict(exec::seq, d.X), b = heavy.predict(exec::seq, d.X);
    for (std::size_t i = 0; i < 400; ++i) {
        pos_plain += a(i);
        pos_heavy += b(i);
    }
    BOOST_TEST(pos_heavy > pos_plain);
    const auto bw = nn::balanced_class_weight(vector<std::int32_t>{0, 0, 0, 1});
    BOOST_TEST(bw[0] == 4.0 / 6.0);
    BOOST_TEST(bw[1] == 2.0);
}

BOOST_AUTO_TEST_CASE(multiclass_softmax) {
    auto d = make_data(600, 3, 13);
    for (std::size_t i = 0; i < 600; ++i) d.y(i) = d.X(i, 0) > 0.5 ? 2 : (d.X(i, 0) < -0.5 ? 0 : 1);
    const auto m = nn::mlp<nn::dense<nn::relu>, nn::layer_norm, nn::dense<>>{
        {.hidden = {16}, .learning_rate = 0.01, .epochs = 40, .batch_size = 32}}.fit(exec::par, d.X, d.y);
    BOOST_TEST(m.n_outputs() == 3u);
    BOOST_TEST(accuracy(m.predict(exec::par, d.X), d.y) > 0.95);
    const auto p = m.predict_proba(exec::par, d.X);
    BOOST_TEST(p(0, 0) + p(0, 1) + p(0, 2) == 1.0f, boost::test_tools::tolerance(1e-6f));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(mlp_contracts)

BOOST_AUTO_TEST_CASE(bitwise_identical_weights_for_1_2_7_threads_and_simd) {
    const auto d = make_data(700, 28, 21);
    const deep_net net{{.hidden = {64, 48}, .epochs = 2, .batch_size = 128, .dropout = 0.2, .seed = 5}};
    const auto m1 = net.fit(exec::par_t{.threads = 1}, d.X, d.y);
    const auto m2 = net.fit(exec::par_t{.threads = 2}, d.X, d.y);
    const auto m7 = net.fit(exec::par_t{.threads = 7}, d.X, d.y);
    BOOST_TEST((m1.parameters() == m2.parameters()));
    BOOST_TEST((m1.parameters() == m7.parameters()));
    BOOST_TEST((m1.buffers() == m7.buffers()));
    BOOST_TEST(io::save_to_string(m1) == io::save_to_string(m2));
    // exec::simd runs the same packed kernel on one thread: the same weights
    const auto ms = net.fit(exec::simd, d.X, d.y);
    BOOST_TEST((ms.parameters() == m1.parameters()));
    // and predictions on 1 / 7 threads
    const auto p1 = m1.decision_function(exec::par_t{.threads = 1}, d.X);
    const auto p7 = m1.decision_function(exec::par_t{.threads = 7}, d.X);
    BOOST_TEST((p1 == p7));
}

BOOST_AUTO_TEST_CASE(seq_simd_par_predict_alike) {
    const auto d = make_data(3000, 10, 22);  // > one predict block
    const auto m = deep_net{{.hidden = {32, 16}, .epochs = 1, .seed = 6}}.fit(exec::par, d.X, d.y);
    const auto a = m.decision_function(exec::seq, d.X);
    const auto b = m.decision_function(exec::simd, d.X);
    const auto c = m.decision_function(exec::par, d.X);
    for (std::size_t i = 0; i < a.size(); ++i) {
        BOOST_TEST_REQUIRE(std::abs(a.data()[i] - b.data()[i]) <= 1e-4f * (1 + std::abs(a.data()[i])));
        BOOST_TEST_REQUIRE(std::abs(a.data()[i] - c.data()[i]) <= 1e-4f * (1 + std::abs(a.data()[i])));
    }
    BOOST_TEST(accuracy(m.predict(exec::seq, d.X), m.predict(exec::par, d.X)) > 0.999);
    // double input predicts as its float conversion
    matrix<double> Xd = xt::cast<double>(d.X);
    BOOST_TEST((m.decision_function(exec::par, Xd) == c));
}

BOOST_AUTO_TEST_CASE(save_load_round_trip_and_corruption) {
    const auto d = make_data(200, 5, 23);
    const auto m = deep_net{{.hidden = {12, 6}, .epochs = 2, .seed = 8}}.fit(exec::seq, d.X, d.y);
    const std::string bytes = io::save_to_string(m);
    const auto back = io::load_from_string<deep_net::classifier_model>(bytes);
    BOOST_TEST((back.parameters() == m.parameters()));
    BOOST_TEST((back.predict_proba(exec::seq, d.X) == m.predict_proba(exec::seq, d.X)));
    BOOST_TEST(back.history().size() == 2u);
    BOOST_TEST(back.history()[1].train_loss == m.history()[1].train_loss);
    // a flipped byte fails the container checksum
    std::string bad = bytes;
    bad[bad.size() / 2] ^= 0x20;
    BOOST_CHECK_THROW(io::load_from_string<deep_net::classifier_model>(bad), format_error);
    // a payload for another layer stack, a truncated one, a wrong version
    io::writer w;
    m.save(w);
    const std::string payload = w.bytes();
    {
        io::reader r(payload);
        BOOST_CHECK_THROW(relu_net::classifier_model::load(r), format_error);
    }
    {
        const std::string cut = payload.substr(0, payload.size() - 7);
        io::reader r(cut);
        BOOST_CHECK_THROW(deep_net::classifier_model::load(r), format_error);
    }
    {
        std::string v = payload;
        v[0] = 9;
        io::reader r(v);
        BOOST_CHECK_THROW(deep_net::classifier_model::load(r), format_error);
    }
    // a regressor file is not a classifier
    const auto reg = relu_net{{.hidden = {4}, .epochs = 1}}.fit(exec::seq, d.X, d.t);
    BOOST_CHECK_THROW(io::load_from_string<relu_net::classifier_model>(io::save_to_string(reg)), format_error);
}

BOOST_AUTO_TEST_CASE(bad_parameters_name_the_field) {
    const auto d = make_data(50, 3, 24);
    expect_config_error([&] { relu_net{{.hidden = {}}}.fit(exec::seq, d.X, d.y); }, "hidden");
    expect_config_error([&] { relu_net{{.hidden = {0}}}.fit(exec::seq, d.X, d.y); }, "hidden");
    expect_config_error([&] { relu_net{{.hidden = {4}, .learning_rate = -1}}.fit(exec::seq, d.X, d.y); },
                        "learning_rate");
    expect_config_error([&] { relu_net{{.hidden = {4}, .dropout = 1.0}}.fit(exec::seq, d.X, d.y); }, "dropout");
    expect_config_error([&] { relu_net{{.hidden = {4}, .epochs = 0}}.fit(exec::seq, d.X, d.y); }, "epochs");
    expect_config_error([&] { relu_net{{.hidden = {4}, .warmup_epochs = 20}}.fit(exec::seq, d.X, d.y); },
                        "warmup_epochs");
    expect_config_error([&] { relu_net{{.hidden = {4}, .beta2 = 1.0}}.fit(exec::seq, d.X, d.y); }, "beta2");
    expect_config_error([&] { relu_net{{.hidden = {4}, .batch_size = 0}}.fit(exec::seq, d.X, d.y); }, "batch_size");
    expect_config_error([&] { relu_net{{.hidden = {4}, .loss = nn::loss_kind::mse}}.fit(exec::seq, d.X, d.y); },
                        "loss");
    expect_config_error(
        [&] { relu_net{{.hidden = {4}, .loss = nn::loss_kind::binary_cross_entropy}}.fit(exec::seq, d.X, d.t); },
        "loss");
    expect_config_error([&] { relu_net{{.hidden = {4}, .class_weight = {1.0}}}.fit(exec::seq, d.X, d.y); },
                        "class_weight");
    // bad data: non-finite X, a missing class, wrong predict width
    auto X = d.X;
    X(3, 1) = std::nanf("");
    BOOST_CHECK_THROW(relu_net{{.hidden = {4}}}.fit(exec::seq, X, d.y), data_error);
    vector<std::int32_t> y2 = d.y;
    for (auto& v : y2) v = v ? 2 : 0;
    BOOST_CHECK_THROW(relu_net{{.hidden = {4}}}.fit(exec::seq, d.X, y2), data_error);
    const auto m = relu_net{{.hidden = {4}, .epochs = 1}}.fit(exec::seq, d.X, d.y);
    BOOST_CHECK_THROW(m.predict(exec::seq, matrix<float>(xt::zeros<float>({2, 4}))), shape_error);
}

BOOST_AUTO_TEST_CASE(pipeline_after_standard_scaler) {
    auto d = make_data(300, 4, 25);
    for (std::size_t i = 0; i < 300; ++i) d.X(i, 1) = 100.0f + 50.0f * d.X(i, 1);  // badly scaled column
    const auto pipe = features::standard_scaler{} | relu_net{{.hidden = {16}, .learning_rate = 0.01, .epochs = 30}};
    const auto model = pipe.fit(exec::par, d.X, d.y);
    BOOST_TEST(accuracy(model.predict(exec::par, d.X), d.y) > 0.85);
    const auto p = model.predict_proba(exec::par, d.X);
    BOOST_TEST(p.shape()[1] == 2u);
    const auto again = io::load_from_string<std::remove_cvref_t<decltype(model)>>(io::save_to_string(model));
    BOOST_TEST((again.predict_proba(exec::par, d.X) == p));
}

BOOST_AUTO_TEST_SUITE_END()
