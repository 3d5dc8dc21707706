// mlp_classify — train a small neural network on tabular data: make a
// nonlinear two-class dataset, compose `standard_scaler | nn::mlp<...>`, train
// with early stopping on a held-out share of the training rows (best weights
// restored), print the learning curve and the test AUC and accuracy, save the
// fitted pipeline to a model file, load it back and check the loaded model
// predicts exactly the same bits.
//
//   mlp_classify [model-path]     (default: <temp dir>/tessera_mlp_classify.tsm)
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include <tessera/core/random.hpp>
#include <tessera/eval/metrics.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/learners/nn.hpp>
#include <tessera/pipeline/pipeline.hpp>

using namespace tessera;

struct dataset {
    matrix<float> X;
    vector<std::int32_t> y;
};

// n rows of 10 features on different scales; the label is a noisy nonlinear
// function of five of them (no linear model separates it well).
dataset make_dataset(std::size_t n, std::uint64_t seed) {
    constexpr std::size_t d = 10;
    const double unit[d] = {1.0, 10.0, 0.1, 1.0, 100.0, 1.0, 5.0, 0.5, 1.0, 20.0};
    rng g(seed);
    dataset ds{xt::empty<float>({n, d}), xt::empty<std::int32_t>({n})};
    double z[d];
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < d; ++j) {
            z[j] = g.normal<double>();
            ds.X(i, j) = static_cast<float>(unit[j] * (z[j] + 2.0));
        }
        const double score = 2.0 * std::sin(2.0 * z[0]) + 1.5 * z[1] * z[2] - z[3] * z[3] + 0.8 * z[4] + 0.7;
        ds.y(i) = g.uniform<double>() < 1.0 / (1.0 + std::exp(-2.0 * score)) ? 1 : 0;
    }
    return ds;
}

int main(int argc, char** argv) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::filesystem::path path =
        argc > 1 ? std::filesystem::path(argv[1])
                 : std::filesystem::temp_directory_path() / "tessera_mlp_classify.tsm";

    const dataset train = make_dataset(12000, 1);
    const dataset test = make_dataset(4000, 2);

    // example-begin mlp_classify
    using net = nn::mlp<nn::dense<nn::relu>, nn::dropout, nn::dense<nn::relu>, nn::dense<>>;
    auto pipe = features::standard_scaler{} |
                net{{.hidden = {64, 32},
                     .learning_rate = 3e-3,
                     .schedule = nn::schedule_kind::cosine,
                     .warmup_epochs = 2,
                     .epochs = 60,
                     .batch_size = 128,
                     .dropout = 0.1,
                     .early_stopping = true,  // on 15% of the training rows
                     .patience = 8,
                     .validation_fraction = 0.15,
                     .seed = 42}};
    auto model = pipe.fit(exec::par, train.X, train.y);

    const auto proba = model.predict_proba(exec::par, test.X);  // n x 2
    vector<float> p1 = xt::empty<float>({proba.shape()[0]});
    for (std::size_t i = 0; i < p1.size(); ++i) p1(i) = proba(i, 1);
    const double auc = eval::roc_auc_score(test.y, p1);
    const double accuracy = eval::accuracy_score(test.y, model.predict(exec::par, test.X));

    io::save(model, path);                               // atomic write, checksummed
    const auto again = io::load<decltype(model)>(path);  // checks magic, version, tag, checksum
    // example-end mlp_classify

    const auto& mlp = model.stage<1>();
    std::printf("data:     %zu training rows (15%% held out for early stopping), %zu test rows, %zu features\n",
                train.X.shape()[0], test.X.shape()[0], train.X.shape()[1]);
    std::printf("network:  %s, %zu parameters\n", net::network_type::signature().c_str(),
                mlp.parameters().size());
    std::printf("learning curve (epoch, learning rate, train loss, validation loss):\n");
    for (const auto& e : mlp.history())
        std::printf("  %3d  %.5f  %.4f  %.4f%s\n", e.epoch, e.learning_rate, e.train_loss, e.valid_loss,
                    e.epoch == mlp.best_epoch() ? "  <- best, kept" : "");
    std::printf("test:     AUC %.4f, accuracy %.4f\n", auc, accuracy);

    const auto q = again.predict_proba(exec::par, test.X);
    const bool identical = std::memcmp(q.data(), proba.data(), q.size() * sizeof(float)) == 0;
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::printf("saved:    %s (%ju bytes); reloaded predictions %s\n", path.string().c_str(),
                static_cast<std::uintmax_t>(std::filesystem::file_size(path)),
                identical ? "bitwise identical" : "DIFFER");
    std::printf("time:     %.1f ms\n", ms);
    return identical && auc > 0.8 ? 0 : 1;
}
