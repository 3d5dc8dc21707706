// quickstart — the shortest complete tessera program: make a dataset, compose
// `standard_scaler | logistic_regression`, fit it with exec::par, measure
// accuracy on held-out rows, save the fitted pipeline to a model file, load it
// back and check the loaded model predicts exactly the same bits.
//
//   quickstart [model-path]     (default: <temp dir>/tessera_quickstart.tsm)
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include <tessera/core/random.hpp>
#include <tessera/eval/metrics.hpp>
#include <tessera/features.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/learners/linear.hpp>
#include <tessera/pipeline.hpp>

using namespace tessera;

struct dataset {
    matrix<float> X;
    vector<std::int32_t> y;
};

// n rows of 6 features on wildly different scales (so scaling matters to the
// solver); the label is drawn from a logistic model of a linear score.
dataset make_dataset(std::size_t n, std::uint64_t seed) {
    constexpr std::size_t d = 6;
    const double weight[d] = {1.2, -0.8, 0.5, 0.0, 2.0, -1.5};
    const double unit[d] = {1.0, 100.0, 0.01, 10.0, 1000.0, 0.1};
    rng g(seed);
    dataset ds{xt::empty<float>({n, d}), xt::empty<std::int32_t>({n})};
    for (std::size_t i = 0; i < n; ++i) {
        double score = 0.3;
        for (std::size_t j = 0; j < d; ++j) {
            const double z = g.normal<double>();
            ds.X(i, j) = static_cast<float>(z * unit[j] + 5.0 * unit[j]);
            score += weight[j] * z;
        }
        ds.y(i) = g.uniform<double>() < 1.0 / (1.0 + std::exp(-score)) ? 1 : 0;
    }
    return ds;
}

int main(int argc, char** argv) {
    const auto t0 = std::chrono::steady_clock::now();
    const std::filesystem::path path =
        argc > 1 ? std::filesystem::path(argv[1])
                 : std::filesystem::temp_directory_path() / "tessera_quickstart.tsm";

    // example-begin quickstart
    const dataset train = make_dataset(4000, 1);
    const dataset test = make_dataset(1000, 2);

    auto pipe = features::standard_scaler{} | learners::logistic_regression{{.C = 1.0}};
    auto model = pipe.fit(exec::par, train.X, train.y);

    const auto predicted = model.predict(exec::par, test.X);
    const double accuracy = eval::accuracy_score(test.y, predicted);

    io::save(model, path);                              // atomic write, checksummed
    const auto again = io::load<decltype(model)>(path);  // checks magic, version, tag, checksum
    // example-end quickstart

    const auto p1 = model.predict_proba(exec::par, test.X);
    const auto p2 = again.predict_proba(exec::par, test.X);
    const bool identical = std::memcmp(p1.data(), p2.data(), p1.size() * sizeof(double)) == 0;
    const auto& scaler = model.stage<0>();
    const auto& logistic = model.stage<1>();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    std::printf("data:     %zu training rows, %zu test rows, %zu features\n",
                train.X.shape()[0], test.X.shape()[0], train.X.shape()[1]);
    std::printf("pipeline: %s\n", std::string(decltype(model)::type_tag).c_str());
    std::printf("scaler:   feature 1 mean %.3f, scale %.3f; feature 4 mean %.3f, scale %.3f\n",
                scaler.mean()(1), scaler.scale()(1), scaler.mean()(4), scaler.scale()(4));
    std::printf("model:    %zu classes, coefficients on standardized features:",
                logistic.n_classes());
    for (std::size_t j = 0; j < logistic.coef().shape()[1]; ++j)
        std::printf(" %.3f", logistic.coef()(0, j));
    std::printf("\naccuracy: %.4f on held-out rows\n", accuracy);
    std::printf("saved:    %s (%ju bytes); reloaded predictions %s\n", path.string().c_str(),
                static_cast<std::uintmax_t>(std::filesystem::file_size(path)),
                identical ? "bitwise identical" : "DIFFER");
    std::printf("time:     %.1f ms\n", ms);
    return identical ? 0 : 1;
}
