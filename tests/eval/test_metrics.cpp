// Hand-computed cases for every metric (arithmetic in the comments), brute-force
// ROC-AUC, policy agreement (seq / simd / par with 1, 2, 7 threads) and the
// error cases with their message text. sklearn goldens: test_metrics_golden.cpp.
#define BOOST_TEST_MODULE eval
#include <boost/test/unit_test.hpp>
#include <boost/mpl/list.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include <tessera/eval/metrics.hpp>

using namespace tessera;
using namespace tessera::eval;

namespace {

using float_types = boost::mpl::list<float, double>;
using ivec = std::vector<std::int32_t>;
const double qnan = std::numeric_limits<double>::quiet_NaN();

#define CHECK_NEAR(a, b) BOOST_CHECK_SMALL((a) - (b), 1e-12)

// Runs `call` and checks it throws E whose what() contains `text`.
template <class E, class F>
void check_throws(F&& call, const std::string& text) {
    try {
        call();
        BOOST_ERROR("expected an exception containing: " << text);
    } catch (const E& e) {
        BOOST_CHECK_MESSAGE(std::string(e.what()).find(text) != std::string::npos,
                            "message '" << e.what() << "' lacks '" << text << "'");
    }
}

}  // namespace

// ===================================================================================
BOOST_AUTO_TEST_SUITE(classification)

BOOST_AUTO_TEST_CASE(accuracy_hand) {
    const ivec t{0, 1, 2, 2, 1}, p{0, 2, 2, 2, 1};
    CHECK_NEAR(accuracy_score(t, p), 4.0 / 5);  // all but index 1
    // weights 1,2,1,1,1: correct weight 1+1+1+1 = 4 of 6
    const std::vector<double> w{1, 2, 1, 1, 1};
    CHECK_NEAR(accuracy_score(t, p, w), 4.0 / 6);
    const std::vector<float> wf{1, 2, 1, 1, 1};
    CHECK_NEAR(accuracy_score(exec::seq, t, p, wf), 4.0 / 6);
    const labels_class tx = {0, 1, 2, 2, 1};  // tessera::vector<int32_t> works too
    CHECK_NEAR(accuracy_score(tx, p), 0.8);
}

BOOST_AUTO_TEST_CASE(binary_prf_hand) {
    // tp = {0,2,6} = 3, fp = {3,7} = 2, fn = {1} = 1
    const ivec t{1, 1, 1, 0, 0, 0, 1, 0}, p{1, 0, 1, 1, 0, 0, 1, 1};
    CHECK_NEAR(precision_score(t, p), 3.0 / 5);
    CHECK_NEAR(recall_score(t, p), 3.0 / 4);
    CHECK_NEAR(f1_score(t, p), 6.0 / 9);                 // 2tp / (2tp + fn + fp)
    CHECK_NEAR(fbeta_score(t, p, 2.0), 15.0 / 21);       // 5*3 / (5*3 + 4*1 + 2)
    CHECK_NEAR(fbeta_score(t, p, 0.5), 3.75 / 6);        // 1.25*3 / (3.75 + 0.25 + 2)
    CHECK_NEAR(fbeta_score(t, p, 0.0), 3.0 / 5);         // beta 0 = precision
    CHECK_NEAR(fbeta_score(t, p, std::numeric_limits<double>::infinity()), 0.75);  // recall
    // pos_label 0: tp = {4,5} = 2, predicted 0 = {1,4,5} = 3, true 0 = {3,4,5,7} = 4
    const prf_options neg{.pos_label = 0};
    CHECK_NEAR(precision_score(t, p, neg), 2.0 / 3);
    CHECK_NEAR(recall_score(t, p, neg), 2.0 / 4);
    // weights: index 1 (the fn) weighs 3 → recall 3 / (3 + 3)
    const std::vector<double> w{1, 3, 1, 1, 1, 1, 1, 1};
    CHECK_NEAR(recall_score(t, p, {}, w), 0.5);
}

BOOST_AUTO_TEST_CASE(multiclass_prf_hand) {
    // class 0: tp 1, pred 2, true 2 → P .5, R .5, F .5
    // class 1: tp 2, pred 3, true 2 → P 2/3, R 1, F 4/5
    // class 2: tp 1, pred 1, true 2 → P 1, R .5, F 2/3
    const ivec t{0, 0, 1, 1, 2, 2}, p{0, 1, 1, 1, 0, 2};
    const auto pc = precision_recall_fscore_support(t, p);
    BOOST_CHECK(pc.labels == (ivec{0, 1, 2}));
    CHECK_NEAR(pc.precision[1], 2.0 / 3);
    CHECK_NEAR(pc.fscore[1], 0.8);
    CHECK_NEAR(pc.fscore[2], 2.0 / 3);
    CHECK_NEAR(pc.support[2], 2.0);
    const auto macro = precision_recall_fscore(t, p, {.average = averaging::macro});
    CHECK_NEAR(macro.precision, (0.5 + 2.0 / 3 + 1.0) / 3);
    CHECK_NEAR(macro.recall, (0.5 + 1.0 + 0.5) / 3);
    CHECK_NEAR(macro.fscore, (0.5 + 0.8 + 2.0 / 3) / 3);
    // micro: tp 4, predicted 6, true 6
    CHECK_NEAR(f1_score(t, p, {.average = averaging::micro}), 4.0 / 6);
    // weighted with supports 2,2,2 = macro
    CHECK_NEAR(precision_score(t, p, {.average = averaging::weighted}), macro.precision);
    // labels {1, 7}: class 7 has no samples: P = R = F = 0/0 → zero_division
    const auto sub = precision_recall_fscore_support(t, p, {.labels = {1, 7}, .zero_division = 1.0});
    CHECK_NEAR(sub.precision[1], 1.0);
    CHECK_NEAR(sub.support[1], 0.0);
    // macro over {1, 7}: (2/3 + 1) / 2
    CHECK_NEAR(precision_score(t, p, {.average = averaging::macro, .labels = {1, 7},
                                      .zero_division = 1.0}),
               (2.0 / 3 + 1.0) / 2);
}

BOOST_AUTO_TEST_CASE(zero_division_rules) {
    // pos 1: tp 0, fp 0, fn 1 → P = 0/0 = zd; R = 0/1 = 0; F = 0 / (0 + 1 + 0) = 0
    const ivec t{0, 0, 1}, p{0, 0, 0};
    for (double zd : {0.0, 1.0}) {
        const auto s = precision_recall_fscore(t, p, {.zero_division = zd});
        CHECK_NEAR(s.precision, zd);
        CHECK_NEAR(s.recall, 0.0);
        CHECK_NEAR(s.fscore, 0.0);  // from counts, not from P and R
    }
    BOOST_CHECK(std::isnan(precision_score(t, p, {.zero_division = qnan})));
    // nothing positive anywhere: every denominator 0
    const ivec z{0, 0};
    BOOST_CHECK(std::isnan(f1_score(z, z, {.zero_division = qnan})));
    CHECK_NEAR(f1_score(z, z, {.zero_division = 1.0}), 1.0);
    // macro skips NaN entries: class 0 P = 2/3, class 1 P = NaN → 2/3; R: (1 + 0) / 2
    const auto m = precision_recall_fscore(t, p, {.average = averaging::macro, .zero_division = qnan});
    CHECK_NEAR(m.precision, 2.0 / 3);
    CHECK_NEAR(m.recall, 0.5);
}

BOOST_AUTO_TEST_CASE(confusion_hand) {
    // sklearn's docstring example
    const ivec t{2, 0, 2, 2, 0, 1}, p{0, 0, 2, 2, 0, 2};
    const auto cm = confusion_matrix(t, p);
    BOOST_CHECK(cm.labels == (ivec{0, 1, 2}));
    const std::vector<double> want{2, 0, 0, 0, 0, 1, 1, 0, 2};
    BOOST_CHECK(std::vector<double>(cm.counts.begin(), cm.counts.end()) == want);
    // rows / {2, 1, 3}
    const auto nt = confusion_matrix(t, p, {.normalize = normalize_mode::over_true});
    CHECK_NEAR(nt.counts(2, 0), 1.0 / 3);
    CHECK_NEAR(nt.counts(2, 2), 2.0 / 3);
    // columns / {3, 0, 3}: the empty column stays 0
    const auto np = confusion_matrix(t, p, {.normalize = normalize_mode::over_pred});
    CHECK_NEAR(np.counts(0, 0), 2.0 / 3);
    CHECK_NEAR(np.counts(1, 1), 0.0);
    const auto na = confusion_matrix(t, p, {.normalize = normalize_mode::all});
    CHECK_NEAR(na.counts(2, 2), 2.0 / 6);
    // labels {2, 0}: (2,2) = 2, (2,0) = 1, (0,2) = 0, (0,0) = 2; class 1 dropped
    const auto sub = confusion_matrix(t, p, {.labels = {2, 0}});
    const std::vector<double> want_sub{2, 1, 0, 2};
    BOOST_CHECK(std::vector<double>(sub.counts.begin(), sub.counts.end()) == want_sub);
    // weights add up per cell
    const std::vector<double> w{1, 2, 3, 4, 5, 6};
    const auto cw = confusion_matrix(t, p, {}, w);
    CHECK_NEAR(cw.counts(0, 0), 2.0 + 5.0);
    CHECK_NEAR(cw.counts(2, 2), 3.0 + 4.0);
}

BOOST_AUTO_TEST_CASE(report) {
    const ivec t{0, 0, 1, 1, 2, 2}, p{0, 1, 1, 1, 0, 2};
    const auto r = classification_report(t, p);
    CHECK_NEAR(r.accuracy, 4.0 / 6);
    CHECK_NEAR(r.micro_avg.fscore, 4.0 / 6);
    CHECK_NEAR(r.macro_avg.fscore, (0.5 + 0.8 + 2.0 / 3) / 3);
    CHECK_NEAR(r.total_support, 6.0);
    const std::string s = r.to_string();
    BOOST_CHECK(s.find("weighted avg") != std::string::npos);
    BOOST_CHECK(s.find("0.80") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// ===================================================================================
BOOST_AUTO_TEST_SUITE(ranking)

BOOST_AUTO_TEST_CASE_TEMPLATE(roc_auc_and_ap_hand, T, float_types) {
    // sklearn docstring: pairs (pos, neg): (.35,.1) 1, (.35,.4) 0, (.8,.1) 1, (.8,.4) 1 → 3/4
    const ivec t{0, 0, 1, 1};
    const std::vector<T> s{T(0.1), T(0.4), T(0.35), T(0.8)};
    CHECK_NEAR(roc_auc_score(t, s), 0.75);
    // descending: .8 pos P 1 R .5; .4 neg; .35 pos P 2/3 R 1 → .5*1 + .5*2/3
    CHECK_NEAR(average_precision_score(t, s), 0.5 + 0.5 * 2.0 / 3);
    // ties: pos {.5, .9}, neg {.5, .2}: .5 + 1 + 1 + 1 = 3.5 of 4
    const ivec t2{0, 1, 0, 1};
    const std::vector<T> s2{T(0.5), T(0.5), T(0.2), T(0.9)};
    CHECK_NEAR(roc_auc_score(t2, s2), 0.875);
    // pos_label 0 mirrors the score order: 1 - 0.875
    CHECK_NEAR(roc_auc_score(t2, s2, {.pos_label = 0}), 0.125);
    // weights: positive at .5 weighs 3: (3*(1*.5 + 1*1) + 1*(1 + 1)) / (4 * 2) = 6.5/8
    const std::vector<double> w{1, 3, 1, 1};
    CHECK_NEAR(roc_auc_score(t2, s2, {}, w), 6.5 / 8);
    // no positive at all → AP = 0 (sklearn: 0 with a warning)
    const ivec none{0, 0, 0};
    const std::vector<T> s3{T(0.1), T(0.2), T(0.3)};
    CHECK_NEAR(average_precision_score(none, s3), 0.0);
}

BOOST_AUTO_TEST_CASE(roc_auc_equals_brute_force_pair_count) {
    std::mt19937_64 rng(7);
    for (int rep = 0; rep < 20; ++rep) {
        const std::size_t n = 50 + rng() % 400;
        ivec t(n);
        std::vector<double> s(n), w(n);
        for (std::size_t i = 0; i < n; ++i) {
            t[i] = static_cast<std::int32_t>(rng() % 2);
            s[i] = static_cast<double>(rng() % 5 + t[i]);  // 6 distinct values: heavy ties
            w[i] = 0.25 * static_cast<double>(rng() % 8 + 1);
        }
        t[0] = 0;
        t[1] = 1;
        double num = 0, numw = 0, np = 0, nn = 0, wp = 0, wn = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (t[i] == 1) {
                np += 1;
                wp += w[i];
            } else {
                nn += 1;
                wn += w[i];
            }
            for (std::size_t j = 0; j < n; ++j) {
                if (t[i] != 1 || t[j] != 0) continue;
                const double c = s[i] > s[j] ? 1.0 : (s[i] == s[j] ? 0.5 : 0.0);
                num += c;
                numw += c * w[i] * w[j];
            }
        }
        BOOST_CHECK_CLOSE_FRACTION(roc_auc_score(t, s), num / (np * nn), 1e-12);
        BOOST_CHECK_CLOSE_FRACTION(roc_auc_score(t, s, {}, w), numw / (wp * wn), 1e-12);
    }
}

BOOST_AUTO_TEST_CASE(ovr_hand) {
    // 3 classes; each column is a perfect ranking of its class except class 2,
    // whose column ranks one negative (row 1, .5) above its positive (row 4, .4)
    // and ties none: class 2 AUC = (2 pos x 4 neg, 1 pair wrong... ) computed below.
    const ivec t{0, 0, 1, 1, 2, 2};
    xt::xtensor<double, 2> p = {{0.8, 0.1, 0.1}, {0.4, 0.1, 0.5}, {0.1, 0.8, 0.1},
                                {0.2, 0.7, 0.1}, {0.3, 0.3, 0.4}, {0.1, 0.1, 0.8}};
    // class 0 col {.8,.4 | .1,.2,.3,.1}: all 8 pairs right → 1
    // class 1 col {.8,.7 | .1,.1,.3,.1}: 1
    // class 2 col {.4,.8 | .1,.5,.1,.1}: .4 beats 3 of 4, .8 beats 4 → 7/8
    CHECK_NEAR(roc_auc_ovr_score(t, p), (1 + 1 + 7.0 / 8) / 3);
    const std::vector<double> w{1, 1, 1, 1, 2, 2};  // supports 2, 2, 4
    // class 2 weighted: pos w 2,2; neg w 1,1,1,1: .4 (w2) beats 3 negs, .8 beats 4 → (2*3+2*4)/(4*4)
    CHECK_NEAR(roc_auc_ovr_score(t, p, {.average = averaging::weighted}, w),
               (2 * 1.0 + 2 * 1.0 + 4 * (14.0 / 16)) / 8);
    // the span + n_classes form
    CHECK_NEAR(roc_auc_ovr_score(exec::seq, t, std::span<const double>(p.data(), p.size()), 3),
               (1 + 1 + 7.0 / 8) / 3);
}

BOOST_AUTO_TEST_SUITE_END()

// ===================================================================================
BOOST_AUTO_TEST_SUITE(probabilistic)

BOOST_AUTO_TEST_CASE_TEMPLATE(log_loss_hand, T, float_types) {
    // binary: -(ln .8 + ln .7 + ln .9) / 3
    const ivec t{0, 1, 1};
    const std::vector<T> p{T(0.2), T(0.7), T(0.9)};
    const double want = -(std::log(double(T(0.8))) + std::log(double(T(0.7))) +
                          std::log(double(T(0.9)))) / 3;
    const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-12;
    BOOST_CHECK_CLOSE_FRACTION(log_loss(t, p), want, tol);
    // sklearn docstring ("ham" = 0 < "spam" = 1): -(ln .9 + ln .9 + ln .8 + ln .65) / 4 = 0.21616
    const ivec t2{1, 0, 0, 1};
    xt::xtensor<T, 2> p2 = {{T(.1), T(.9)}, {T(.9), T(.1)}, {T(.8), T(.2)}, {T(.35), T(.65)}};
    BOOST_CHECK_CLOSE_FRACTION(log_loss(t2, p2), 0.21616187468057912, tol);
    // p = 0 for the true class is clipped at the type's epsilon: -ln(eps)
    const ivec one{1};
    const std::vector<T> zero{T(0)};
    const double eps = std::numeric_limits<T>::epsilon();
    BOOST_CHECK_CLOSE_FRACTION(log_loss(one, zero, {.labels = {0, 1}}), -std::log(eps), 1e-12);
    // normalize = false: the sum
    BOOST_CHECK_CLOSE_FRACTION(log_loss(t, p, {.normalize = false}), 3 * want, tol);
}

BOOST_AUTO_TEST_SUITE_END()

// ===================================================================================
BOOST_AUTO_TEST_SUITE(regression)

BOOST_AUTO_TEST_CASE_TEMPLATE(regression_hand, T, float_types) {
    // sklearn docstring: errors .5, -.5, 0, -1 → MSE 1.5/4, MAE 2/4;
    // mean y = 2.875, SS_tot = 29.1875 → R² = 1 - 1.5/29.1875
    const std::vector<T> y{T(3), T(-0.5), T(2), T(7)}, p{T(2.5), T(0), T(2), T(8)};
    CHECK_NEAR(mean_squared_error(y, p), 0.375);
    CHECK_NEAR(root_mean_squared_error(y, p), std::sqrt(0.375));
    CHECK_NEAR(mean_absolute_error(y, p), 0.5);
    CHECK_NEAR(r2_score(y, p), 1 - 1.5 / 29.1875);
    // weights 1,1,1,2: MSE (.25+.25+0+2)/5; MAE (.5+.5+0+2)/5
    const std::vector<double> w{1, 1, 1, 2};
    CHECK_NEAR(mean_squared_error(y, p, w), 2.5 / 5);
    CHECK_NEAR(mean_absolute_error(y, p, w), 3.0 / 5);
    // weighted mean 3.7; SS_tot = .49 + 17.64 + 2.89 + 2*10.89 = 42.8; SS_res 2.5
    CHECK_NEAR(r2_score(y, p, w), 1 - 2.5 / 42.8);
    // force_finite: constant y: 0/0 → 1, x/0 → 0; one sample → NaN
    const std::vector<T> c{T(1), T(1), T(1)}, c2{T(1), T(2), T(1)};
    CHECK_NEAR(r2_score(c, c), 1.0);
    CHECK_NEAR(r2_score(c, c2), 0.0);
    BOOST_CHECK(std::isnan(r2_score(std::vector<T>{T(3)}, std::vector<T>{T(2)})));
    // mixed input types, tessera::vector
    const tessera::vector<double> yd = {3, -0.5, 2, 7};
    CHECK_NEAR(mean_squared_error(yd, p), 0.375);
}

BOOST_AUTO_TEST_SUITE_END()

// ===================================================================================
BOOST_AUTO_TEST_SUITE(policies)

// par with 1, 2, 7 threads: bitwise identical; seq / simd: identical below one
// grain and within 1e-12 above (the sums are split into chunks).
template <class F>
void check_policies(const char* name, std::size_t n, F&& f, double tol) {
    BOOST_TEST_CONTEXT(name) {
    const double s = f(exec::seq);
    const double v = f(exec::simd);
    BOOST_CHECK(std::memcmp(&s, &v, sizeof s) == 0);
    const double p1 = f(exec::par_t{.threads = 1, .grain = 1000});
    const double p2 = f(exec::par_t{.threads = 2, .grain = 1000});
    const double p7 = f(exec::par_t{.threads = 7, .grain = 1000});
    BOOST_CHECK_MESSAGE(std::memcmp(&p1, &p2, sizeof s) == 0, std::hexfloat << p1 << " " << p2);
    BOOST_CHECK_MESSAGE(std::memcmp(&p1, &p7, sizeof s) == 0, std::hexfloat << p1 << " " << p7);
    if (tol == 0)
        BOOST_CHECK(std::memcmp(&s, &p1, sizeof s) == 0);
    else
        BOOST_CHECK_SMALL(s - p1, tol * std::max(1.0, std::abs(s)));
    if (n <= exec::par.grain) {  // one chunk: par runs seq's code
        const double big = f(exec::par);
        BOOST_CHECK(std::memcmp(&s, &big, sizeof s) == 0);
    }
    }
}

BOOST_AUTO_TEST_CASE_TEMPLATE(seq_simd_par_agree, T, float_types) {
    std::mt19937_64 rng(11);
    std::normal_distribution<double> nd;
    for (const std::size_t n0 : {1u, 3u, 17u, 1000u, 100003u}) {
        const std::size_t n = n0 + 1;  // spans start at element 1 (unaligned)
        ivec y(n);
        std::vector<T> s(n), yt(n), yp(n), prob(n);
        std::vector<double> w(n);
        for (std::size_t i = 0; i < n; ++i) {
            y[i] = static_cast<std::int32_t>(rng() % 2);
            s[i] = static_cast<T>(std::round(nd(rng) * 4 + y[i]) / 4);  // ties
            yt[i] = static_cast<T>(nd(rng));
            yp[i] = static_cast<T>(yt[i] + nd(rng));
            prob[i] = static_cast<T>((rng() % 1001) / 1000.0);
            w[i] = (rng() % 100) / 10.0;
        }
        y[1] = 0;
        if (n > 2) y[2] = 1;
        const std::span<const std::int32_t> ys(y.data() + 1, n0);
        const std::span<const T> ss(s.data() + 1, n0), ts(yt.data() + 1, n0),
            ps(yp.data() + 1, n0), pr(prob.data() + 1, n0);
        const std::span<const double> ws(w.data() + 1, n0);
        BOOST_TEST_CONTEXT("n = " << n0) {
            check_policies("mean_squared_error", n0, [&](const auto& pol) { return mean_squared_error(pol, ts, ps, ws); }, 1e-12);
            check_policies("mean_absolute_error", n0, [&](const auto& pol) { return mean_absolute_error(pol, ts, ps); }, 1e-12);
            check_policies("accuracy_score", n0, [&](const auto& pol) { return accuracy_score(pol, ys, ys, ws); }, 1e-12);
            check_policies("log_loss", n0, [&](const auto& pol) { return log_loss(pol, ys, pr, {.labels = {0, 1}}, ws); }, 1e-12);
            if (n0 >= 2) {
                check_policies("r2_score", n0, [&](const auto& pol) { return r2_score(pol, ts, ps, ws); }, 1e-12);
                // ranking: the sort is a total order → bitwise equal to seq
                check_policies("roc_auc_score", n0, [&](const auto& pol) { return roc_auc_score(pol, ys, ss, {}, ws); }, 0);
                check_policies("average_precision_score", n0, [&](const auto& pol) { return average_precision_score(pol, ys, ss); }, 0);
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

// ===================================================================================
BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(sizes_and_empty) {
    const ivec t{0, 1, 1}, p{0, 1};
    const std::vector<double> s{0.1, 0.2}, e{};
    check_throws<shape_error>([&] { (void)accuracy_score(t, p); },
                              "accuracy_score: y_pred: size mismatch: expected 3 elements, found 2");
    check_throws<shape_error>([&] { (void)roc_auc_score(t, s); }, "y_score: size mismatch");
    check_throws<shape_error>([&] { (void)f1_score(t, t, {}, s); }, "sample_weight: size mismatch");
    check_throws<shape_error>([&] { (void)mean_squared_error(e, e); },
                              "mean_squared_error: input is empty");
    check_throws<shape_error>([&] { (void)confusion_matrix(ivec{}, ivec{}); }, "input is empty");
    xt::xtensor<double, 2> m = {{0.5, 0.5}, {0.5, 0.5}};
    check_throws<shape_error>([&] { (void)log_loss(t, m); }, "size mismatch");
}

BOOST_AUTO_TEST_CASE(non_finite_values_name_the_index) {
    const ivec t{0, 1, 1, 0};
    const std::vector<double> s{0.1, 0.2, qnan, 0.3}, ok{1, 2, 3, 4};
    try {
        (void)roc_auc_score(t, s);
        BOOST_ERROR("no throw");
    } catch (const data_error& e) {
        BOOST_CHECK_EQUAL(e.row(), 2u);
        BOOST_CHECK_EQUAL(e.column(), "y_score");
        BOOST_CHECK(std::string(e.what()).find("at row 2") != std::string::npos);
    }
    check_throws<data_error>([&] { (void)r2_score(ok, s); },
                             "r2_score: non-finite value in column 'y_pred' at row 2");
    // the par path reports the same (first) row
    check_throws<data_error>(
        [&] { (void)mean_absolute_error(exec::par_t{.threads = 2, .grain = 1}, s, ok); },
        "column 'y_true' at row 2");
    const std::vector<double> neg{1, -1, 1, 1};
    check_throws<data_error>([&] { (void)accuracy_score(t, t, neg); },
                             "negative value -1 in column 'sample_weight' at row 1");
    const std::vector<double> zeros{0, 0, 0, 0};
    check_throws<data_error>([&] { (void)mean_squared_error(ok, ok, zeros); },
                             "sample weights sum to zero");
}

BOOST_AUTO_TEST_CASE(ranking_errors) {
    const std::vector<double> s{0.1, 0.2, 0.3};
    check_throws<data_error>([&] { (void)roc_auc_score(ivec{1, 1, 1}, s); },
                             "only one class (1) present in y_true");
    check_throws<data_error>([&] { (void)roc_auc_score(ivec{0, 0, 0}, s); },
                             "only one class (0) present");
    check_throws<data_error>([&] { (void)roc_auc_score(ivec{0, 1, 2}, s); },
                             "more than two classes (0, 1, 2, ...); for multiclass use roc_auc_ovr_score");
    check_throws<config_error>([&] { (void)roc_auc_score(ivec{0, 2, 2}, s); },
                               "pos_label = 1 is not a valid label; it should be one of 0, 2");
    const std::vector<double> w{1, 0, 0};  // the positives weigh nothing
    check_throws<data_error>([&] { (void)roc_auc_score(ivec{0, 1, 1}, s, {}, w); },
                             "positive class has zero total sample weight");
    xt::xtensor<double, 2> p = {{0.2, 0.8}, {0.6, 0.6}, {0.5, 0.5}};
    check_throws<data_error>([&] { (void)roc_auc_ovr_score(ivec{0, 1, 1}, p); },
                             "y_score row 1 sums to 1.2");
    xt::xtensor<double, 2> q = {{0.2, 0.8}, {0.4, 0.6}, {0.5, 0.5}};
    check_throws<data_error>([&] { (void)roc_auc_ovr_score(ivec{0, 0, 0}, q); },
                             "y_true holds 1 classes (0) but y_score has 2 columns");
}

BOOST_AUTO_TEST_CASE(log_loss_errors) {
    xt::xtensor<double, 2> p = {{0.2, 0.8}, {0.6, 0.5}, {0.5, 0.5}};
    check_throws<data_error>([&] { (void)log_loss(ivec{0, 1, 1}, p); },
                             "log_loss: y_proba row 1 sums to 1.1");
    const std::vector<double> b{0.2, 1.5};
    check_throws<data_error>([&] { (void)log_loss(ivec{0, 1}, b); },
                             "y_proba at row 1 holds 1.5, outside [0, 1]");
    const std::vector<double> c{0.2, 0.5};
    check_throws<data_error>([&] { (void)log_loss(ivec{1, 1}, c); },
                             "y_true contains only one label (1)");
    check_throws<data_error>([&] { (void)log_loss(ivec{0, 3}, c, {.labels = {0, 1}}); },
                             "y_true[1] = 3 is not one of the labels (0, 1)");
    xt::xtensor<double, 2> three = {{0.2, 0.3, 0.5}, {0.2, 0.3, 0.5}};
    check_throws<data_error>([&] { (void)log_loss(ivec{0, 1}, three); },
                             "there are 2 classes (0, 1) but y_proba has 3 columns");
}

BOOST_AUTO_TEST_CASE(option_errors) {
    const ivec t{0, 1, 2}, p{0, 2, 1};
    check_throws<data_error>([&] { (void)f1_score(t, p); },
                             "target is multiclass (3 classes: 0, 1, 2) but average is binary");
    check_throws<config_error>([&] { (void)f1_score(t, p, {.average = averaging::none}); },
                               "call precision_recall_fscore_support instead");
    try {
        (void)precision_score(t, p, {.average = averaging::macro, .zero_division = 0.5});
        BOOST_ERROR("no throw");
    } catch (const config_error& e) {
        BOOST_CHECK_EQUAL(e.field(), "zero_division");
        BOOST_CHECK(std::string(e.what()).find("valid range: 0, 1 or NaN") != std::string::npos);
    }
    check_throws<config_error>([&] { (void)fbeta_score(t, p, -1.0, {.average = averaging::macro}); },
                               "'beta' = -1");
    check_throws<config_error>([&] { (void)f1_score(ivec{0, 2}, ivec{2, 0}); },
                               "pos_label = 1 is not a valid label");
    check_throws<config_error>(
        [&] { (void)precision_recall_fscore_support(t, p, {.labels = {1, 1}}); },
        "holds 1 twice");
    check_throws<data_error>([&] { (void)confusion_matrix(t, p, {.labels = {7, 8}}); },
                             "none of the given labels (7, 8) occurs in y_true");
}

BOOST_AUTO_TEST_SUITE_END()

// ===================================================================================
// The example in docs/eval.md (kept between the markers; compiled and run here).
BOOST_AUTO_TEST_CASE(doc_example) {
    // example-begin metrics
    using namespace tessera;
    const std::vector<std::int32_t> y_true{0, 1, 1, 0, 1, 2};
    const std::vector<std::int32_t> y_pred{0, 1, 0, 0, 1, 2};
    const std::vector<double> score{0.1, 0.9, 0.4, 0.35, 0.8, 0.7};  // P(class 1)

    double acc = eval::accuracy_score(y_true, y_pred);                        // 5/6
    double f1m = eval::f1_score(y_true, y_pred, {.average = eval::averaging::macro});
    auto cm = eval::confusion_matrix(y_true, y_pred, {.normalize = eval::normalize_mode::over_true});

    const std::vector<std::int32_t> clicked{0, 1, 1, 0, 1, 0};
    double auc = eval::roc_auc_score(exec::par, clicked, score);              // 8/9
    double mse = eval::mean_squared_error(std::vector<float>{1, 2, 3}, std::vector<float>{1, 2, 5});
    // example-end metrics
    CHECK_NEAR(acc, 5.0 / 6);
    // class 0: P 2/3 R 1 F .8; class 1: P 1 R 2/3 F .8; class 2: 1 → (0.8 + 0.8 + 1) / 3
    CHECK_NEAR(f1m, 2.6 / 3);
    CHECK_NEAR(cm.counts(1, 0), 1.0 / 3);
    // positives .9 .4 .8, negatives .1 .35 .7: .4 loses to .7 → 8 of 9 pairs
    CHECK_NEAR(auc, 8.0 / 9);
    CHECK_NEAR(mse, 4.0 / 3);
}
