// tests/core: every concept of core/concepts.hpp (and exec::execution_policy)
// holds for a minimal type that meets it and fails for one that misses one
// requirement. Everything here is checked at compile time: the TU has no run-time
// cases, and a broken concept fails the build of test_core.
#include <span>
#include <string_view>

#include <tessera/core/concepts.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>

using namespace tessera;

namespace concept_types {

using X = matrix<float>;
using Y = vector<float>;

// The serialization trio, shared by the types that must be serializable.
#define TESSERA_TEST_SERIALIZABLE(T)                           \
    static constexpr std::string_view type_tag = #T;           \
    void save(io::writer&) const {}                            \
    static T load(io::reader&) { return {}; }

// ---- serializable ----
struct ser_ok {
    TESSERA_TEST_SERIALIZABLE(ser_ok)
};
struct ser_no_tag {  // misses: static type_tag
    void save(io::writer&) const {}
    static ser_no_tag load(io::reader&) { return {}; }
};
struct ser_mutable_save {  // misses: save(writer&) must be const
    static constexpr std::string_view type_tag = "ser_mutable_save";
    void save(io::writer&) {}
    static ser_mutable_save load(io::reader&) { return {}; }
};
struct ser_load_other {  // misses: load(reader&) must return the type itself
    static constexpr std::string_view type_tag = "ser_load_other";
    void save(io::writer&) const {}
    static ser_ok load(io::reader&) { return {}; }
};

// ---- validator ----
struct report {
    bool passed() const { return true; }
};
struct validator_ok {
    report check(const frame&) const { return {}; }
};
struct validator_bool {  // misses: check() must return a report with passed(), not a bool
    bool check(const frame&) const { return true; }
};

// ---- fitted_transformer / transformer ----
struct fitted_ok {
    TESSERA_TEST_SERIALIZABLE(fitted_ok)
    template <exec::execution_policy P>
    X transform(const P&, const X& x) const { return x; }
};
struct fitted_unsaveable {  // misses: serializable (no type_tag/save/load)
    template <exec::execution_policy P>
    X transform(const P&, const X& x) const { return x; }
};
struct fitted_in_place {  // misses: transform must return the transformed X, not void
    TESSERA_TEST_SERIALIZABLE(fitted_in_place)
    template <exec::execution_policy P>
    void transform(const P&, const X&) const {}
};
struct transformer_ok {
    template <exec::execution_policy P>
    fitted_ok fit(const P&, const X&) const { return {}; }
};
struct transformer_bad_result {  // misses: fit must return a fitted_transformer
    template <exec::execution_policy P>
    fitted_unsaveable fit(const P&, const X&) const { return {}; }
};
struct transformer_mutating_fit {  // misses: fit must be const (estimators hold hyperparameters only)
    template <exec::execution_policy P>
    fitted_ok fit(const P&, const X&) { return {}; }
};

// ---- predictor / probabilistic_predictor / learner ----
struct predictor_ok {
    TESSERA_TEST_SERIALIZABLE(predictor_ok)
    template <exec::execution_policy P>
    Y predict(const P&, const X& x) const { return Y::from_shape({x.shape()[0]}); }
};
struct predictor_seq_only {  // misses: predict must accept exec::seq (it takes exec::par_t only)
    TESSERA_TEST_SERIALIZABLE(predictor_seq_only)
    Y predict(const exec::par_t&, const X& x) const { return Y::from_shape({x.shape()[0]}); }
};
struct predictor_unsaveable {  // misses: serializable
    template <exec::execution_policy P>
    Y predict(const P&, const X& x) const { return Y::from_shape({x.shape()[0]}); }
};
struct proba_ok {
    TESSERA_TEST_SERIALIZABLE(proba_ok)
    template <exec::execution_policy P>
    Y predict(const P&, const X& x) const { return Y::from_shape({x.shape()[0]}); }
    template <exec::execution_policy P>
    X predict_proba(const P&, const X& x) const { return x; }
};
struct learner_ok {
    template <exec::execution_policy P>
    predictor_ok fit(const P&, const X&, const Y&) const { return {}; }
};
struct learner_unsupervised {  // misses: fit(policy, X, y) — it has no y
    template <exec::execution_policy P>
    predictor_ok fit(const P&, const X&) const { return {}; }
};
struct learner_bad_result {  // misses: fit must return a predictor
    template <exec::execution_policy P>
    predictor_unsaveable fit(const P&, const X&, const Y&) const { return {}; }
};

// ---- drift_test ----
struct drift_result {
    double statistic = 0;
    double p_value = 1;
    bool drifted = false;
};
struct drift_test_ok {
    drift_result compare(std::span<const double>, std::span<const double>) const { return {}; }
};
struct distance_only {
    double statistic = 0;
};
struct drift_test_no_verdict {  // misses: result.drifted
    distance_only compare(std::span<const double>, std::span<const double>) const { return {}; }
};

// ---- drift_detector ----
struct detector_ok {
    int update(double) { return 0; }
    bool drift_detected() const { return false; }
    void reset() {}
};
struct detector_no_reset {  // misses: reset()
    int update(double) { return 0; }
    bool drift_detected() const { return false; }
};
struct detector_mutable_query {  // misses: drift_detected() must be const
    int update(double) { return 0; }
    bool drift_detected() { return false; }
    void reset() {}
};

// ---- exec::execution_policy ----
struct not_a_policy {  // misses: select_backend(p) (no backend tag for it)
    unsigned threads = 2;
};

#undef TESSERA_TEST_SERIALIZABLE

}  // namespace concept_types

namespace ct = concept_types;

static_assert(serializable<ct::ser_ok>);
static_assert(!serializable<ct::ser_no_tag>);
static_assert(!serializable<ct::ser_mutable_save>);
static_assert(!serializable<ct::ser_load_other>);

static_assert(validator<ct::validator_ok>);
static_assert(!validator<ct::validator_bool>);

static_assert(fitted_transformer<ct::fitted_ok>);
static_assert(fitted_transformer<ct::fitted_ok, ct::X>);
static_assert(!fitted_transformer<ct::fitted_unsaveable>);
static_assert(!fitted_transformer<ct::fitted_in_place>);

static_assert(transformer<ct::transformer_ok>);
static_assert(!transformer<ct::transformer_bad_result>);
static_assert(!transformer<ct::transformer_mutating_fit>);
static_assert(!transformer<ct::fitted_ok>);  // a fitted object is not an estimator

static_assert(predictor<ct::predictor_ok>);
static_assert(!predictor<ct::predictor_seq_only>);
static_assert(!predictor<ct::predictor_unsaveable>);

static_assert(probabilistic_predictor<ct::proba_ok>);
static_assert(predictor<ct::proba_ok>);
static_assert(!probabilistic_predictor<ct::predictor_ok>);  // misses: predict_proba

static_assert(learner<ct::learner_ok>);
static_assert(!learner<ct::learner_unsupervised>);
static_assert(!learner<ct::learner_bad_result>);
static_assert(!learner<ct::transformer_ok>);

static_assert(drift_test<ct::drift_test_ok>);
static_assert(!drift_test<ct::drift_test_no_verdict>);

static_assert(drift_detector<ct::detector_ok>);
static_assert(drift_detector<ct::detector_ok, bool>);  // bool error streams convert to double
static_assert(!drift_detector<ct::detector_no_reset>);
static_assert(!drift_detector<ct::detector_mutable_query>);

static_assert(execution_policy<exec::seq_t>);
static_assert(execution_policy<const exec::par_t&>);
static_assert(!execution_policy<ct::not_a_policy>);
static_assert(!execution_policy<int>);
