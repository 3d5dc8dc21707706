// bench_mlp — tessera's side of the MLP comparison of issue 7: a 28 -> 256 ->
// 256 -> 1 ReLU network (nn::mlp<dense<relu>, dense<relu>, dense<>>, binary
// cross-entropy on the logit), Adam lr 1e-3, batch 256, 5 epochs, trained on
// standardized Higgs-like rows (bench/gbdt/make_higgs_like, raw float32 files),
// then the test AUC. Prints one line `MLP_RESULT {json}` that
// bench/compare/mlp_torch_sklearn.py reads.
//
//   bench_mlp --train train.f32 --test test.f32 [--threads 2] [--epochs 5]
//             [--batch 256] [--seed 0] [--policy par|simd|seq]
//             [--init automatic|he_uniform|xavier_uniform|torch_linear]
//
// Standardization: features::standard_scaler fitted on the training rows,
// applied to both (outside the timed training, as in the Python peers).
// Seconds per epoch: wall time between the fit's start and each epoch's end
// (the progress callback), so the first epoch includes setup; fit_cpu_s: CPU
// seconds of the process (all threads) during the fit.
#include <sys/resource.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <tessera/eval/metrics.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/learners/nn.hpp>

using namespace tessera;

namespace {

struct table {
    matrix<float> X;
    vector<std::int32_t> y;
};

// make_higgs_like --bin: "TSRF32V1", uint64 rows, uint64 cols, rows x cols
// float32 row-major with the label first.
table read_f32(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("bench_mlp: cannot open " + path);
    char magic[8];
    std::uint64_t rows = 0, cols = 0;
    in.read(magic, 8);
    in.read(reinterpret_cast<char*>(&rows), 8);
    in.read(reinterpret_cast<char*>(&cols), 8);
    if (!in || std::memcmp(magic, "TSRF32V1", 8) != 0 || cols < 2)
        throw std::runtime_error("bench_mlp: " + path + " is not a make_higgs_like --bin file");
    std::vector<float> raw(rows * cols);
    in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size() * sizeof(float)));
    if (!in) throw std::runtime_error("bench_mlp: " + path + " is truncated");
    table t{xt::empty<float>({rows, cols - 1}), xt::empty<std::int32_t>({rows})};
    for (std::size_t i = 0; i < rows; ++i) {
        t.y(i) = raw[i * cols] > 0.5f ? 1 : 0;
        for (std::size_t j = 1; j < cols; ++j) t.X(i, j - 1) = raw[i * cols + j];
    }
    return t;
}

struct args {
    std::string train, test, policy = "par", init = "automatic";
    unsigned threads = 2;
    int epochs = 5, batch = 256;
    std::uint64_t seed = 0;
};

args parse(int argc, char** argv) {
    args a;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        if (i + 1 >= argc) throw std::runtime_error("bench_mlp: " + k + " needs a value");
        const std::string v = argv[++i];
        if (k == "--train") a.train = v;
        else if (k == "--test") a.test = v;
        else if (k == "--threads") a.threads = static_cast<unsigned>(std::stoul(v));
        else if (k == "--epochs") a.epochs = std::stoi(v);
        else if (k == "--batch") a.batch = std::stoi(v);
        else if (k == "--seed") a.seed = std::stoull(v);
        else if (k == "--policy") a.policy = v;
        else if (k == "--init") a.init = v;
        else throw std::runtime_error("bench_mlp: unknown option " + k);
    }
    if (a.train.empty() || a.test.empty()) throw std::runtime_error("bench_mlp: --train and --test are required");
    return a;
}

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

using net = nn::mlp<nn::dense<nn::relu>, nn::dense<nn::relu>, nn::dense<>>;

template <class P>
int run(const P& policy, const args& a) {
    table train = read_f32(a.train);
    table test = read_f32(a.test);
    const auto scaler = features::standard_scaler{}.fit(policy, train.X);
    train.X = scaler.transform(policy, train.X);
    test.X = scaler.transform(policy, test.X);

    const net model_spec{{.hidden = {256, 256},
                          .optimizer = nn::optimizer_kind::adam,
                          .learning_rate = 1e-3,
                          .epochs = a.epochs,
                          .batch_size = a.batch,
                          .dropout = 0.0,
                          .init = a.init == "torch_linear"   ? nn::init_kind::torch_linear
                                  : a.init == "xavier_uniform" ? nn::init_kind::xavier_uniform
                                  : a.init == "he_uniform"   ? nn::init_kind::he_uniform
                                                             : nn::init_kind::automatic,
                          .seed = a.seed}};
    using clock = std::chrono::steady_clock;
    std::vector<double> epoch_end;
    std::vector<double> losses;
    const double c0 = cpu_seconds();
    const auto t0 = clock::now();
    nn::fit_options<vector<std::int32_t>, float> opt;
    opt.on_epoch = [&](const nn::epoch_record& r) {
        epoch_end.push_back(std::chrono::duration<double>(clock::now() - t0).count());
        losses.push_back(r.train_loss);
        return true;
    };
    const auto model = model_spec.fit(policy, train.X, train.y, opt);
    const double fit_s = std::chrono::duration<double>(clock::now() - t0).count();
    const double fit_cpu_s = cpu_seconds() - c0;

    const auto t1 = clock::now();
    const matrix<float> z = model.decision_function(policy, test.X);
    const double predict_s = std::chrono::duration<double>(clock::now() - t1).count();
    vector<float> score = xt::empty<float>({z.shape()[0]});
    for (std::size_t i = 0; i < score.size(); ++i) score(i) = z(i, 0);
    const double auc = eval::roc_auc_score(test.y, score);

    std::printf("MLP_RESULT {\"engine\": \"tessera\", \"init\": \"%s\", \"policy\": \"%s\", \"threads\": %u, \"epochs\": %d, "
                "\"train_rows\": %zu, \"test_rows\": %zu, \"fit_s\": %.4f, \"fit_cpu_s\": %.4f, "
                "\"sec_per_epoch\": %.4f, \"epoch_s\": [",
                a.init.c_str(), a.policy.c_str(), a.threads, a.epochs, train.X.shape()[0], test.X.shape()[0], fit_s,
                fit_cpu_s, fit_s / a.epochs);
    for (std::size_t e = 0; e < epoch_end.size(); ++e)
        std::printf("%s%.4f", e ? ", " : "", epoch_end[e] - (e ? epoch_end[e - 1] : 0.0));
    std::printf("], \"train_loss\": [");
    for (std::size_t e = 0; e < losses.size(); ++e) std::printf("%s%.5f", e ? ", " : "", losses[e]);
    std::printf("], \"predict_s\": %.4f, \"test_auc\": %.5f}\n", predict_s, auc);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const args a = parse(argc, argv);
        if (a.policy == "seq") return run(exec::seq, a);
        if (a.policy == "simd") return run(exec::simd, a);
        if (a.policy == "par") return run(exec::par_t{.threads = a.threads}, a);
        throw std::runtime_error("bench_mlp: --policy must be seq, simd or par");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
