// gbdt_classify — gradient-boosted trees on a CSV: read the file, split its rows
// (seeded) into training / validation / test, train a gbdt::classifier that
// watches the validation log loss and stops early, save the model file, load it
// back (bitwise-identical probabilities), and print the test ROC AUC, log loss
// and accuracy and the features with the largest total split gain.
//
//   gbdt_classify [csv] [model-path]
//     csv: a header, a column named "label" holding the classes 0..K-1, and
//          numeric feature columns (empty fields are missing values).
//          Default: a 6,000-row two-class file the example writes itself
//          (<temp dir>/tessera_gbdt_classify.csv; nonlinear, noisy, with NaNs).
//     model-path: default <temp dir>/tessera_gbdt_classify.tsm
//   e.g. gbdt_classify /tmp/tessera_gbdt/higgs_train.csv   (bench/gbdt/run_all.sh data)
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>
#include <tessera/core/random.hpp>
#include <tessera/eval/metrics.hpp>
#include <tessera/io/csv.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/learners/gbdt.hpp>

using namespace tessera;

namespace {

// A small nonlinear two-class problem: 8 features, the label depends on a
// threshold, an interaction and a smooth bump, 10% of x3 missing, label noise
// from the Bernoulli draw.
void write_demo_csv(const std::filesystem::path& path, std::size_t rows) {
    std::ofstream out(path);
    out << "label,x0,x1,x2,x3,x4,x5,x6,x7\n";
    const rng g(2026, 11);
    std::uint64_t d = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        double x[8];
        for (double& v : x) v = g.normal_at(d++);
        const double s = 1.5 * (x[0] > 0.3) + 1.2 * std::tanh(x[1] * x[2]) +
                         1.5 * std::exp(-x[3] * x[3]) - 0.8 * x[4] + 0.3 * x[5] - 1.2;
        const int label = g.uniform_at(d++) < 1.0 / (1.0 + std::exp(-2.0 * s)) ? 1 : 0;
        const bool missing = g.uniform_at(d++) < 0.1;
        out << label;
        for (int j = 0; j < 8; ++j) {
            out << ',';
            if (!(j == 3 && missing)) out << static_cast<float>(x[j]);
        }
        out << '\n';
    }
    if (!out) throw io_error("gbdt_classify: cannot write " + path.string());
}

// Rows `idx` of X and y.
matrix<float> take_rows(const matrix<float>& X, const std::vector<std::size_t>& idx) {
    const std::size_t F = X.shape()[1];
    auto out = matrix<float>::from_shape({idx.size(), F});
    for (std::size_t i = 0; i < idx.size(); ++i)
        std::memcpy(out.data() + i * F, X.data() + idx[i] * F, F * sizeof(float));
    return out;
}
vector<std::int32_t> take(const vector<std::int32_t>& y, const std::vector<std::size_t>& idx) {
    auto out = vector<std::int32_t>::from_shape({idx.size()});
    for (std::size_t i = 0; i < idx.size(); ++i) out(i) = y(idx[i]);
    return out;
}

}  // namespace

int main(int argc, char** argv) try {
    const auto tmp = std::filesystem::temp_directory_path();
    std::filesystem::path csv = argc > 1 ? std::filesystem::path(argv[1]) : tmp / "tessera_gbdt_classify.csv";
    const std::filesystem::path model_path = argc > 2 ? std::filesystem::path(argv[2]) : tmp / "tessera_gbdt_classify.tsm";
    if (argc <= 1) write_demo_csv(csv, 6000);

    // Features and labels from the CSV.
    const frame data = io::read_csv(exec::par, csv);
    if (!data.contains("label"))
        throw data_error("gbdt_classify: " + csv.string() + " has no column named 'label'", "label");
    std::vector<std::string> names;
    for (const auto& n : data.names())
        if (n != "label") names.push_back(n);
    const matrix<float> X = data.to_matrix<float>(names);  // nulls -> NaN (missing)
    const matrix<float> label = data.to_matrix<float>({"label"});
    auto y = vector<std::int32_t>::from_shape({data.num_rows()});
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (!(label(i, 0) >= 0.0f) || label(i, 0) != std::floor(label(i, 0)))
            throw data_error("gbdt_classify: label must hold class indices 0, 1, ...", "label", i);
        y(i) = static_cast<std::int32_t>(label(i, 0));
    }

    // 60% training, 20% validation (early stopping), 20% test, by a seeded shuffle.
    std::vector<std::size_t> order(y.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    rng(7, 0).shuffle(order);
    const std::size_t n_train = order.size() * 6 / 10, n_valid = order.size() * 2 / 10;
    const std::vector<std::size_t> i_train(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_train));
    const std::vector<std::size_t> i_valid(order.begin() + static_cast<std::ptrdiff_t>(n_train),
                                           order.begin() + static_cast<std::ptrdiff_t>(n_train + n_valid));
    const std::vector<std::size_t> i_test(order.begin() + static_cast<std::ptrdiff_t>(n_train + n_valid), order.end());
    const matrix<float> X_train = take_rows(X, i_train), X_valid = take_rows(X, i_valid), X_test = take_rows(X, i_test);
    const vector<std::int32_t> y_train = take(y, i_train), y_valid = take(y, i_valid), y_test = take(y, i_test);

    // example-begin gbdt_classify
    const exec::par_t policy{.threads = 2};
    gbdt::classifier clf{{.rounds = 500, .learning_rate = 0.1, .max_leaves = 31,
                          .early_stopping_rounds = 20}};
    gbdt::fit_options opt;
    opt.eval = {&X_valid, &y_valid};  // early stopping watches this set
    opt.metric = gbdt::metric_kind::logloss;
    const gbdt::model m = clf.fit(policy, X_train, y_train, opt);

    const matrix<double> proba = m.predict_proba(policy, X_test);   // rows x classes
    io::save(m, model_path);
    const auto again = io::load<gbdt::model>(model_path);
    // example-end gbdt_classify
    const matrix<double> proba2 = again.predict_proba(policy, X_test);
    const bool identical = std::memcmp(proba.data(), proba2.data(), proba.size() * sizeof(double)) == 0;

    const std::size_t K = proba.shape()[1];
    auto predicted = vector<std::int32_t>::from_shape({y_test.size()});
    for (std::size_t i = 0; i < y_test.size(); ++i) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < K; ++k)
            if (proba(i, k) > proba(i, best)) best = k;
        predicted(i) = static_cast<std::int32_t>(best);
    }
    double auc = 0.0;
    if (K == 2) {
        std::vector<double> p1(y_test.size());
        for (std::size_t i = 0; i < p1.size(); ++i) p1[i] = proba(i, 1);
        auc = eval::roc_auc_score(y_test, p1);
    } else {
        auc = eval::roc_auc_ovr_score(y_test, proba);
    }
    const double loss = eval::log_loss(y_test, proba);
    const double accuracy = eval::accuracy_score(y_test, predicted);

    const auto& curve = m.history().eval.at(0);
    std::printf("data:     %zu rows x %zu features from %s (%zu training, %zu validation, %zu test), %zu classes\n",
                data.num_rows(), names.size(), csv.string().c_str(), n_train, n_valid, i_test.size(), K);
    std::printf("training: stopped after %zu rounds, best round %lld (validation log loss %.4f), %zu trees\n",
                curve.size(), static_cast<long long>(m.best_iteration()),
                m.best_iteration() > 0 ? curve[static_cast<std::size_t>(m.best_iteration() - 1)] : curve.back(),
                m.trees().size());
    std::printf("test:     ROC AUC %.4f, log loss %.4f, accuracy %.4f\n", auc, loss, accuracy);
    const std::vector<double> gain = m.feature_importance(gbdt::importance::gain);
    const std::vector<double> splits = m.feature_importance(gbdt::importance::split);
    std::vector<std::size_t> top(gain.size());
    std::iota(top.begin(), top.end(), std::size_t{0});
    std::stable_sort(top.begin(), top.end(), [&](std::size_t a, std::size_t b) { return gain[a] > gain[b]; });
    const double total = std::accumulate(gain.begin(), gain.end(), 0.0);
    std::printf("top features by total gain:\n");
    for (std::size_t r = 0; r < std::min<std::size_t>(5, top.size()); ++r)
        std::printf("  %-10s gain %6.2f%%  splits %g\n", names[top[r]].c_str(),
                    total > 0 ? 100.0 * gain[top[r]] / total : 0.0, splits[top[r]]);
    std::printf("model:    %s (%llu bytes); reloaded predictions %s\n", model_path.string().c_str(),
                static_cast<unsigned long long>(std::filesystem::file_size(model_path)),
                identical ? "bitwise identical" : "DIFFER");
    return identical ? 0 : 1;
} catch (const std::exception& e) {
    std::fprintf(stderr, "gbdt_classify: %s\n", e.what());
    return 1;
}
