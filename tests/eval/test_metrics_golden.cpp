// Golden values from scikit-learn (tests/data/metrics_golden.txt, written by
// tests/data/make_metrics_golden.py; the sklearn version is in its first line).
// Every case is checked to 1e-12 relative, under seq and par (tiny grain).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <tessera/eval/metrics.hpp>

using namespace tessera;
using namespace tessera::eval;

namespace {

struct golden_case {
    std::string metric;
    std::map<std::string, std::string> kv;
    std::size_t line;

    bool has(const std::string& k) const { return kv.count(k) != 0; }
    const std::string& raw(const std::string& k) const {
        auto it = kv.find(k);
        BOOST_REQUIRE_MESSAGE(it != kv.end(), "line " << line << ": missing key " << k);
        return it->second;
    }
    std::vector<double> doubles(const std::string& k) const {
        std::vector<double> v;
        std::stringstream ss(raw(k));
        std::string item;
        while (std::getline(ss, item, ',')) v.push_back(std::strtod(item.c_str(), nullptr));
        return v;
    }
    std::vector<std::int32_t> ints(const std::string& k) const {
        std::vector<std::int32_t> v;
        for (double d : doubles(k)) v.push_back(static_cast<std::int32_t>(d));
        return v;
    }
    double num(const std::string& k) const { return doubles(k).at(0); }
};

std::vector<golden_case> load(const std::string& file) {
    std::ifstream in(std::string(TESSERA_EVAL_DATA_DIR) + "/" + file);
    BOOST_REQUIRE_MESSAGE(in, "cannot open " << file);
    std::vector<golden_case> cases;
    std::string text;
    std::size_t line = 0;
    while (std::getline(in, text)) {
        ++line;
        if (text.empty() || text[0] == '#') continue;
        std::istringstream ls(text);
        golden_case c;
        c.line = line;
        ls >> c.metric;
        std::string tok;
        while (ls >> tok) {
            const auto eq = tok.find('=');
            c.kv[tok.substr(0, eq)] = tok.substr(eq + 1);
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

void check_close(double got, double want, const golden_case& c, const char* what) {
    if (std::isnan(want)) {
        BOOST_CHECK_MESSAGE(std::isnan(got), "line " << c.line << " " << c.metric << " " << what
                                                     << ": got " << got << ", want nan");
        return;
    }
    const double tol = 1e-12 * std::max(1.0, std::abs(want));
    BOOST_CHECK_MESSAGE(std::abs(got - want) <= tol,
                        "line " << c.line << " " << c.metric << " " << what << ": got "
                                << got << ", want " << want);
}

void check_close(const std::vector<double>& got, const std::vector<double>& want,
                 const golden_case& c, const char* what) {
    BOOST_REQUIRE_EQUAL(got.size(), want.size());
    for (std::size_t i = 0; i < got.size(); ++i) check_close(got[i], want[i], c, what);
}

averaging parse_average(const std::string& s) {
    if (s == "binary") return averaging::binary;
    if (s == "micro") return averaging::micro;
    if (s == "macro") return averaging::macro;
    if (s == "weighted") return averaging::weighted;
    return averaging::none;
}

prf_options parse_prf(const golden_case& c) {
    prf_options o;
    if (c.has("average")) o.average = parse_average(c.raw("average"));
    if (c.has("pos_label")) o.pos_label = static_cast<std::int32_t>(c.num("pos_label"));
    if (c.has("labels")) o.labels = c.ints("labels");
    if (c.has("zero_division")) o.zero_division = c.num("zero_division");
    if (c.has("beta")) o.beta = c.num("beta");
    return o;
}

// Weights if the case has them; empty vector + absent view otherwise.
struct weights {
    std::vector<double> w;
    bool present = false;
    explicit weights(const golden_case& c) {
        if (c.has("w")) {
            w = c.doubles("w");
            present = true;
        }
    }
    weight_view view() const { return present ? weight_view(std::span<const double>(w)) : weight_view{}; }
};

// Runs f(policy) for seq and for par with a grain small enough to split.
template <class F>
void each_policy(F&& f) {
    f(exec::seq);
    f(exec::par_t{.threads = 2, .grain = 16});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(golden_sklearn)

BOOST_AUTO_TEST_CASE(all_cases) {
    const auto cases = load("metrics_golden.txt");
    BOOST_REQUIRE_GT(cases.size(), 600u);
    std::map<std::string, int> seen;
    for (const auto& c : cases) {
        ++seen[c.metric];
        const weights w(c);
        if (c.metric == "accuracy") {
            const auto t = c.ints("y_true"), p = c.ints("y_pred");
            each_policy([&](const auto& pol) {
                check_close(accuracy_score(pol, t, p, w.view()), c.num("expect"), c, "accuracy");
            });
        } else if (c.metric == "prf") {
            const auto o = parse_prf(c);
            const auto t = c.ints("y_true"), p = c.ints("y_pred");
            const auto s = precision_recall_fscore(t, p, o, w.view());
            check_close(s.precision, c.num("p"), c, "precision");
            check_close(s.recall, c.num("r"), c, "recall");
            check_close(s.fscore, c.num("f"), c, "fscore");
            check_close(precision_score(t, p, o, w.view()), c.num("p"), c, "precision_score");
            check_close(recall_score(t, p, o, w.view()), c.num("r"), c, "recall_score");
            check_close(fbeta_score(t, p, o.beta, o, w.view()), c.num("f"), c, "fbeta_score");
            if (o.beta == 1.0)
                check_close(f1_score(t, p, o, w.view()), c.num("f"), c, "f1_score");
        } else if (c.metric == "prfs") {
            const auto o = parse_prf(c);
            const auto r = precision_recall_fscore_support(c.ints("y_true"), c.ints("y_pred"),
                                                           o, w.view());
            BOOST_CHECK(r.labels == c.ints("out_labels"));
            check_close(r.precision, c.doubles("p"), c, "precision");
            check_close(r.recall, c.doubles("r"), c, "recall");
            check_close(r.fscore, c.doubles("f"), c, "fscore");
            check_close(r.support, c.doubles("s"), c, "support");
        } else if (c.metric == "cm") {
            confusion_options o;
            if (c.has("labels")) o.labels = c.ints("labels");
            const auto& nm = c.raw("normalize");
            o.normalize = nm == "true"   ? normalize_mode::over_true
                          : nm == "pred" ? normalize_mode::over_pred
                          : nm == "all"  ? normalize_mode::all
                                         : normalize_mode::none;
            const auto cm = confusion_matrix(c.ints("y_true"), c.ints("y_pred"), o, w.view());
            BOOST_CHECK(cm.labels == c.ints("out_labels"));
            const std::vector<double> got(cm.counts.begin(), cm.counts.end());
            check_close(got, c.doubles("expect"), c, "confusion");
        } else if (c.metric == "roc_auc" || c.metric == "ap") {
            const binary_score_options o{.pos_label = static_cast<std::int32_t>(c.num("pos_label"))};
            const auto t = c.ints("y_true");
            const auto s = c.doubles("y_score");
            each_policy([&](const auto& pol) {
                const double got = c.metric == "roc_auc"
                                       ? roc_auc_score(pol, t, s, o, w.view())
                                       : average_precision_score(pol, t, s, o, w.view());
                check_close(got, c.num("expect"), c, c.metric.c_str());
            });
        } else if (c.metric == "roc_auc_ovr") {
            const ovr_options o{.average = parse_average(c.raw("average"))};
            const auto t = c.ints("y_true");
            const auto proba = c.doubles("proba");
            const auto k = static_cast<std::size_t>(c.num("k"));
            each_policy([&](const auto& pol) {
                check_close(roc_auc_ovr_score(pol, t, std::span<const double>(proba), k, o,
                                              w.view()),
                            c.num("expect"), c, "roc_auc_ovr");
            });
        } else if (c.metric == "log_loss" || c.metric == "log_loss_mc") {
            log_loss_options o;
            if (c.has("labels")) o.labels = c.ints("labels");
            if (c.has("normalize")) o.normalize = c.num("normalize") != 0;
            const auto t = c.ints("y_true");
            const auto proba = c.doubles(c.metric == "log_loss" ? "y_proba" : "proba");
            each_policy([&](const auto& pol) {
                const double got =
                    c.metric == "log_loss"
                        ? log_loss(pol, t, proba, o, w.view())
                        : log_loss(pol, t, std::span<const double>(proba),
                                   static_cast<std::size_t>(c.num("k")), o, w.view());
                check_close(got, c.num("expect"), c, c.metric.c_str());
            });
        } else if (c.metric == "regression") {
            const auto t = c.doubles("y_true"), p = c.doubles("y_pred");
            each_policy([&](const auto& pol) {
                check_close(mean_squared_error(pol, t, p, w.view()), c.num("mse"), c, "mse");
                check_close(root_mean_squared_error(pol, t, p, w.view()), c.num("rmse"), c,
                            "rmse");
                check_close(mean_absolute_error(pol, t, p, w.view()), c.num("mae"), c, "mae");
                check_close(r2_score(pol, t, p, w.view()), c.num("r2"), c, "r2");
            });
        } else {
            BOOST_ERROR("line " << c.line << ": unknown metric " << c.metric);
        }
    }
    for (const char* m : {"accuracy", "prf", "prfs", "cm", "roc_auc", "ap", "roc_auc_ovr",
                          "log_loss", "log_loss_mc", "regression"})
        BOOST_CHECK_MESSAGE(seen[m] >= 20, m << ": only " << seen[m] << " golden cases");
}

BOOST_AUTO_TEST_SUITE_END()
