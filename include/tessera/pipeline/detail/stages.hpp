// tessera/pipeline/detail/stages.hpp — what kind of stage each pipeline element
// is, what its fitted type is, and the first thing wrong with a pipeline.
//
// Kinds are decided against the actual X and y types of a fit call: stage i is
// asked about the type stage i-1's fitted transform returns. `classify` is the
// one place that knows the kinds; a new kind (a `validator` stage that checks a
// frame) is a new enumerator, a branch in `classify` and a `step` specialisation.
// A supervised transformer (fit takes y) is a transformer stage when fit is
// given labels; without labels it is a transformer only if it also has fit(policy, X).
// The static_assert texts live in `report`; C++20 static_assert messages must
// be literals, so the stage number is spelled into one message per position.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>

#include <tessera/core/concepts.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::detail::pipe {

// The "y" of fit(policy, X): a pipeline of transformers has no labels.
struct no_labels {};

template <class Y>
inline constexpr bool has_labels = !std::same_as<Y, no_labels>;

// A learner for some usual label type: used to recognise a learner that stands
// where no labels reach it (not last, or fit called without y).
template <class S, class X>
concept learner_any = learner<S, X, vector<float>> || learner<S, X, vector<double>> ||
                      learner<S, X, labels_class>;

template <class S, class X>
using fitted_transformer_t =
    std::remove_cvref_t<decltype(std::declval<const S&>().fit(exec::seq, std::declval<const X&>()))>;

template <class S, class X, class Y>
using fitted_learner_t = std::remove_cvref_t<decltype(std::declval<const S&>().fit(
    exec::seq, std::declval<const X&>(), std::declval<const Y&>()))>;

// A supervised transformer: fit(policy, X, y) returns a fitted transformer that
// is not a predictor (scikit-learn's TargetEncoder). Given labels, the pipeline
// fits it with them, through fit_transform(policy, X, y) when the stage offers
// one (so training rows can get out-of-fold values), else fit then transform.
template <class S, class X, class Y>
concept supervised_transformer =
    has_labels<Y> && requires(const S& s, const X& x, const Y& y) {
        { s.fit(exec::seq, x, y) } -> fitted_transformer<X>;
    } && !predictor<fitted_learner_t<S, X, Y>, X>;

// A supervised transformer for some usual label type: recognised where no
// labels reach it (fit called without y), to say so.
template <class S, class X>
concept supervised_any = supervised_transformer<S, X, vector<float>> ||
                         supervised_transformer<S, X, vector<double>> ||
                         supervised_transformer<S, X, labels_class>;

template <class F, class X>
using transform_t = std::remove_cvref_t<decltype(std::declval<const F&>().transform(
    exec::seq, std::declval<const X&>()))>;

enum class kind { transformer, supervised, unlabelled_supervised, learner, misplaced_learner, neither };

template <bool Last, class Y, class X, class S>
consteval kind classify() {
    if constexpr (Last && has_labels<Y> && learner<S, X, Y>)
        return kind::learner;
    else if constexpr (supervised_transformer<S, X, Y>)
        return kind::supervised;
    else if constexpr (transformer<S, X>)
        return kind::transformer;
    else if constexpr (learner_any<S, X> || (has_labels<Y> && learner<S, X, Y>))
        return kind::misplaced_learner;
    else if constexpr (!has_labels<Y> && supervised_any<S, X>)
        return kind::unlabelled_supervised;
    else
        return kind::neither;
}

enum class problem {
    none,
    empty,             // pipeline<>
    neither,           // stage is neither a transformer nor a learner
    learner_not_last,  // a learner followed by transformers only
    second_learner,    // a learner after an earlier learner
    needs_labels,      // final learner, but fit(policy, X) had no y
    labels_rejected,   // final learner whose fit does not take this y type
    no_learner,        // fit(policy, X, y) on a pipeline of transformers
    supervised_needs_labels,  // a supervised transformer, but fit(policy, X) had no y
};

template <class... F>
struct type_list {};

template <class F, class List>
struct prepend;
template <class F, class... G>
struct prepend<F, type_list<G...>> {
    using type = type_list<F, G...>;
};

// 1-based position of the first stage in Rest... (starting at `First`) that is
// a learner on X, or 0.
template <std::size_t First, class X, class... Rest>
consteval std::size_t next_learner() {
    constexpr std::array<bool, sizeof...(Rest)> is_learner{learner_any<Rest, X>...};
    for (std::size_t k = 0; k < is_learner.size(); ++k)
        if (is_learner[k]) return First + k;
    return 0;
}

template <std::size_t I, class Y, class X, class... S>
struct walk {  // no stages at all
    static constexpr problem what = problem::empty;
    static constexpr std::size_t stage = 0;
    using fitted = type_list<>;
};

template <kind K, std::size_t I, class Y, class X, class S, class... Rest>
struct step;

template <std::size_t I, class Y, class X, class S, class... Rest>
struct walk<I, Y, X, S, Rest...>
    : step<classify<sizeof...(Rest) == 0, Y, X, S>(), I, Y, X, S, Rest...> {};

template <std::size_t I, class Y, class X, class S>
struct step<kind::learner, I, Y, X, S> {
    static constexpr problem what = problem::none;
    static constexpr std::size_t stage = 0;
    using fitted = type_list<fitted_learner_t<S, X, Y>>;
};

// The fitted type of a transformer stage: from fit(policy, X), or from
// fit(policy, X, y) for a supervised one.
template <kind K, class S, class X, class Y>
struct stage_fitted {
    using type = fitted_transformer_t<S, X>;
};
template <class S, class X, class Y>
struct stage_fitted<kind::supervised, S, X, Y> {
    using type = fitted_learner_t<S, X, Y>;
};

template <kind K>
inline constexpr bool transforms = K == kind::transformer || K == kind::supervised;

template <kind K, std::size_t I, class Y, class X, class S, class... Rest>
    requires transforms<K>
struct step<K, I, Y, X, S, Rest...> {
    using F = typename stage_fitted<K, S, X, Y>::type;
    using next = walk<I + 1, Y, transform_t<F, X>, Rest...>;
    static constexpr problem what = next::what;
    static constexpr std::size_t stage = next::stage;
    using fitted = typename prepend<F, typename next::fitted>::type;
};

template <kind K, std::size_t I, class Y, class X, class S>
    requires transforms<K>
struct step<K, I, Y, X, S> {
    static constexpr problem what = has_labels<Y> ? problem::no_learner : problem::none;
    static constexpr std::size_t stage = has_labels<Y> ? I + 1 : 0;
    using fitted = type_list<typename stage_fitted<K, S, X, Y>::type>;
};

template <std::size_t I, class Y, class X, class S, class... Rest>
struct step<kind::misplaced_learner, I, Y, X, S, Rest...> {
    // Later stages are asked about X, the type this learner saw: the best
    // guess there is, since a learner produces no features for them.
    static constexpr std::size_t later = next_learner<I + 2, X, Rest...>();
    static constexpr problem what =
        sizeof...(Rest) == 0 ? (has_labels<Y> ? problem::labels_rejected : problem::needs_labels)
        : later != 0         ? problem::second_learner
                             : problem::learner_not_last;
    static constexpr std::size_t stage = later != 0 ? later : I + 1;
    using fitted = type_list<>;
};

template <std::size_t I, class Y, class X, class S, class... Rest>
struct step<kind::unlabelled_supervised, I, Y, X, S, Rest...> {
    static constexpr problem what = problem::supervised_needs_labels;
    static constexpr std::size_t stage = I + 1;
    using fitted = type_list<>;
};

template <std::size_t I, class Y, class X, class S, class... Rest>
struct step<kind::neither, I, Y, X, S, Rest...> {
    static constexpr problem what = problem::neither;
    static constexpr std::size_t stage = I + 1;
    using fitted = type_list<>;
};

// One static_assert per (problem, position); only the one that matches fires.
#define TESSERA_PIPELINE_STAGE_DIAGNOSTICS(N)                                                 \
    static_assert(!(What == problem::neither && Stage == N),                                  \
                  "tessera::pipeline: stage " #N                                             \
                  " satisfies neither tessera::transformer nor tessera::learner: it needs "  \
                  "fit(policy, X) -> fitted_transformer or fit(policy, X, y) -> predictor"); \
    static_assert(!(What == problem::learner_not_last && Stage == N),                         \
                  "tessera::pipeline: stage " #N                                             \
                  " is a learner but is not the last stage; a learner must be the final "    \
                  "stage");                                                                   \
    static_assert(!(What == problem::second_learner && Stage == N),                           \
                  "tessera::pipeline: stage " #N                                             \
                  " is a second learner; a pipeline holds at most one learner, and it must " \
                  "be the final stage");                                                      \
    static_assert(!(What == problem::supervised_needs_labels && Stage == N),                  \
                  "tessera::pipeline: stage " #N                                             \
                  " is a supervised transformer (its fit needs y, like target_encoder): "    \
                  "call fit(policy, X, y) on a pipeline that ends in a learner");             \
    static_assert(!(What == problem::labels_rejected && Stage == N),                          \
                  "tessera::pipeline: stage " #N                                             \
                  " is the final learner, but its fit(policy, X, y) does not accept this "   \
                  "type of y (regression: vector<float>, classes: vector<int32_t>)");

template <problem What, std::size_t Stage>
consteval bool report() {
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(1)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(2)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(3)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(4)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(5)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(6)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(7)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(8)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(9)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(10)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(11)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(12)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(13)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(14)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(15)
    TESSERA_PIPELINE_STAGE_DIAGNOSTICS(16)
    static_assert(What == problem::none || What == problem::empty ||
                      What == problem::needs_labels || What == problem::no_learner || Stage <= 16,
                  "tessera::pipeline: a stage after the 16th is misplaced or is neither a "
                  "transformer nor a learner (see pipeline/detail/stages.hpp for the rules)");
    static_assert(What != problem::empty, "tessera::pipeline: a pipeline needs at least one stage");
    static_assert(What != problem::needs_labels,
                  "tessera::pipeline: the final stage is a learner, so fit needs labels: call "
                  "fit(policy, X, y)");
    static_assert(What != problem::no_learner,
                  "tessera::pipeline: fit(policy, X, y) was given labels, but the final stage "
                  "is not a learner; fit a pipeline of transformers with fit(policy, X)");
    return What == problem::none;
}

#undef TESSERA_PIPELINE_STAGE_DIAGNOSTICS

}  // namespace tessera::detail::pipe
