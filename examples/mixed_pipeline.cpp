// mixed_pipeline — a churn model from a CSV with mixed types and missing values:
// read the file into a frame, then one pipeline of
//   frame_imputer     (median for numbers, a "missing_value" label for categories,
//                      missing-indicator columns)
//   time_features     (hour, weekday, month, ... of the signup timestamp)
//   one_hot_encoder   (plan; rare plans grouped as "infrequent")
//   target_encoder    (city; out-of-fold encodings while fitting)
//   to_matrix         (frame -> matrix<double>)
//   standard_scaler
//   logistic_regression
// fitted on the first 900 rows, scored on the last 300 (accuracy, ROC AUC, log
// loss against the majority-class baseline), saved to a model file and loaded
// back with bitwise-identical probabilities.
//
//   mixed_pipeline [csv] [model-path]
//     defaults: examples/data/mixed.csv (run from the repository root),
//               <temp dir>/tessera_mixed.tsm
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>
#include <tessera/eval/metrics.hpp>
#include <tessera/features/frame_imputer.hpp>
#include <tessera/features/one_hot_encoder.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/features/target_encoder.hpp>
#include <tessera/features/time_features.hpp>
#include <tessera/features/to_matrix.hpp>
#include <tessera/io/csv.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/learners/linear.hpp>
#include <tessera/pipeline.hpp>

using namespace tessera;

// The bool label column as class indices 0 / 1.
labels_class labels_of(const frame& f, const std::string& name) {
    const column& c = f.column(name);
    if (c.type() != dtype::boolean || c.null_count() > 0)
        throw data_error("mixed_pipeline: the label column '" + name + "' must be bool without nulls",
                         name);
    const auto v = c.values<bool>();
    auto y = labels_class::from_shape({v.size()});
    for (std::size_t i = 0; i < v.size(); ++i) y(i) = v[i] ? 1 : 0;
    return y;
}

int main(int argc, char** argv) try {
    const std::filesystem::path csv = argc > 1 ? argv[1] : "examples/data/mixed.csv";
    const std::filesystem::path model_path =
        argc > 2 ? std::filesystem::path(argv[2])
                 : std::filesystem::temp_directory_path() / "tessera_mixed.tsm";

    // example-begin mixed_pipeline
    const frame data = io::read_csv(exec::par, csv);  // int64, float64, categorical, timestamp, bool
    const std::vector<std::string> inputs = {"age", "income", "plan", "city", "signup", "autopay"};
    const std::size_t n_train = 900;
    const frame train = data.slice(0, n_train).select(inputs);
    const frame test = data.slice(n_train, data.num_rows()).select(inputs);
    const labels_class y_train = labels_of(data.slice(0, n_train), "churned");
    const labels_class y_test = labels_of(data.slice(n_train, data.num_rows()), "churned");

    using namespace features;
    auto pipe = frame_imputer{{.numeric_strategy = impute::median,
                               .categorical_strategy = impute::constant,
                               .add_indicator = true}}
              | time_features{{.column = "signup"}}
              | one_hot_encoder{{.columns = {"plan"},
                                 .handle_unknown = unknown_category::infrequent_if_exist,
                                 .min_frequency = 50}}
              | target_encoder{{.columns = {"city"}, .seed = 7}}
              | to_matrix{}
              | standard_scaler{}
              | learners::logistic_regression{{.C = 1.0}};
    const auto model = pipe.fit(exec::par, train, y_train);  // target_encoder gets y

    const matrix<double> proba = model.predict_proba(exec::par, test);
    const auto predicted = model.predict(exec::par, test);
    // example-end mixed_pipeline

    std::vector<double> p1(y_test.size());
    for (std::size_t i = 0; i < p1.size(); ++i) p1[i] = proba(i, 1);
    const double accuracy = eval::accuracy_score(y_test, predicted);
    const double auc = eval::roc_auc_score(y_test, p1);
    const double loss = eval::log_loss(y_test, proba);
    std::int64_t positives = 0;
    for (const auto v : y_train) positives += v;
    const int majority = 2 * positives > static_cast<std::int64_t>(y_train.size()) ? 1 : 0;
    std::int64_t right = 0;
    for (const auto v : y_test) right += v == majority;

    io::save(model, model_path);
    const auto again = io::load<decltype(model)>(model_path);
    const matrix<double> proba2 = again.predict_proba(exec::par, test);
    const bool identical = std::memcmp(proba.data(), proba2.data(), proba.size() * sizeof(double)) == 0;

    const auto& features_used = model.stage<4>().columns();
    const auto& onehot = model.stage<2>();
    const auto& city = model.stage<3>();
    std::printf("data:     %zu rows from %s (%zu training, %zu test), churn rate %.3f in training\n",
                data.num_rows(), csv.string().c_str(), train.num_rows(), test.num_rows(),
                static_cast<double>(positives) / static_cast<double>(y_train.size()));
    std::printf("nulls:    age %zu, income %zu, plan %zu, city %zu, autopay %zu\n",
                data.column("age").null_count(), data.column("income").null_count(),
                data.column("plan").null_count(), data.column("city").null_count(),
                data.column("autopay").null_count());
    std::printf("plan:     one-hot columns");
    for (const auto& n : onehot.feature_names_out(0)) std::printf(" %s", n.c_str());
    std::printf(" (infrequent:");
    for (const auto& n : onehot.infrequent_categories(0)) std::printf(" %s", n.c_str());
    std::printf(")\ncity:     target-encoded, %zu categories, target mean %.3f\n",
                city.columns()[0].categories.size(), city.target_mean());
    std::printf("features: %zu model inputs:", features_used.size());
    for (const auto& n : features_used) std::printf(" %s", n.c_str());
    std::printf("\ntest:     accuracy %.4f (majority class %.4f), ROC AUC %.4f, log loss %.4f\n",
                accuracy, static_cast<double>(right) / static_cast<double>(y_test.size()), auc, loss);
    std::printf("saved:    %s (%ju bytes); reloaded probabilities %s\n", model_path.string().c_str(),
                static_cast<std::uintmax_t>(std::filesystem::file_size(model_path)),
                identical ? "bitwise identical" : "DIFFER");
    return identical ? 0 : 1;
} catch (const tessera::error& e) {
    std::fprintf(stderr, "mixed_pipeline: %s\n", e.what());
    return 2;
}
