// tessera/pipeline/pipeline.hpp — stage composition: pipeline, fitted_pipeline, operator|.
//
// Composition works on values before any data exists, like range-v3's view
// closures: `a | b` is a pipeline, `pipeline | stage` appends, `stage |
// pipeline` prepends and `pipeline | pipeline` concatenates; `pipeline(a, b, c)`
// builds the same thing. `fit` runs like scikit-learn's Pipeline: every
// transformer is fitted on the output of the fitted stages before it, then the
// final learner (if any) on the last output. The result, fitted_pipeline<F...>,
// is the list of the stages' fitted types, so scoring inlines every stage.
//
// Stage kinds are checked against the actual X and y types when `fit` is
// instantiated; an ill-formed pipeline stops there with one static_assert that
// names the stage (pipeline/detail/stages.hpp). fit's return type is computed
// without instantiating its body, so concept checks on a pipeline (a pipeline
// of transformers is itself a `transformer`) never hit those assertions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/pipeline/detail/stages.hpp>
#include <xtensor/xexpression.hpp>

namespace tessera {

template <class... Stages>
class pipeline;
template <class... F>
class fitted_pipeline;

// What fit returns for a pipeline that failed its static_assert; it satisfies
// no concept, so a pipeline that cannot be fitted is not a transformer either.
struct ill_formed_pipeline {};

namespace detail::pipe {

template <class T>
inline constexpr bool is_pipeline = false;
template <class... S>
inline constexpr bool is_pipeline<pipeline<S...>> = true;

struct from_tuple_t {};

// "tessera.pipeline<tag1,tag2,...>", built at compile time from the stages' type tags.
template <class... F>
struct joined_tag {
    static constexpr std::string_view open = "tessera.pipeline<";
    static constexpr std::string_view close = ">";
    static constexpr std::size_t length = open.size() + close.size() +
                                          (std::size_t{0} + ... + std::string_view(F::type_tag).size()) +
                                          (sizeof...(F) > 0 ? sizeof...(F) - 1 : 0);
    static constexpr std::array<char, length> chars = [] {
        std::array<char, length> a{};
        std::size_t p = 0;
        const auto put = [&](std::string_view s) {
            for (char c : s) a[p++] = c;
        };
        put(open);
        std::size_t i = 0;
        ((put(i++ == 0 ? std::string_view{} : std::string_view{","}),
          put(std::string_view(F::type_tag))),
         ...);
        put(close);
        return a;
    }();
    static constexpr std::string_view value{chars.data(), chars.size()};
};

// The type X becomes after flowing through fitted stages F...; ok = false if
// some stage cannot transform what reaches it.
template <bool Ok, class X, class... F>
struct chain_step {
    static constexpr bool ok = false;
    using type = void;
};
template <class X, class... F>
struct chain {
    static constexpr bool ok = true;
    using type = X;
};
template <class X, class F, class... R>
struct chain<X, F, R...> : chain_step<fitted_transformer<F, X>, X, F, R...> {};
template <class X, class F, class... R>
struct chain_step<true, X, F, R...> : chain<transform_t<F, X>, R...> {};

template <class X, class Tuple, class Idx>
struct head_chain;
template <class X, class... F, std::size_t... I>
struct head_chain<X, std::tuple<F...>, std::index_sequence<I...>>
    : chain<X, std::tuple_element_t<I, std::tuple<F...>>...> {};

// The chain through all stages but the last.
template <class X, class... F>
using head_t = head_chain<X, std::tuple<F...>, std::make_index_sequence<sizeof...(F) - 1>>;

template <class... F>
using last_t = std::tuple_element_t<sizeof...(F) - 1, std::tuple<F...>>;

template <class X, class... F>
consteval bool ends_in_predictor() {
    if constexpr (!head_t<X, F...>::ok)
        return false;
    else
        return predictor<last_t<F...>, typename head_t<X, F...>::type>;
}

template <class X, class... F>
consteval bool ends_in_probabilistic() {
    if constexpr (!head_t<X, F...>::ok)
        return false;
    else
        return probabilistic_predictor<last_t<F...>, typename head_t<X, F...>::type>;
}

template <class X, class... F>
consteval bool can_transform() {
    if constexpr (ends_in_predictor<X, F...>())
        return true;
    else
        return chain<X, F...>::ok;
}

template <class List>
struct to_fitted {
    using type = ill_formed_pipeline;
};
template <class F0, class... F>
struct to_fitted<type_list<F0, F...>> {
    using type = fitted_pipeline<F0, F...>;
};

template <class Y, class X, class... Stages>
using fit_result_t =
    std::conditional_t<walk<0, Y, X, Stages...>::what == problem::none,
                       typename to_fitted<typename walk<0, Y, X, Stages...>::fitted>::type,
                       ill_formed_pipeline>;

// Frees a stage's input as soon as its output exists, when the pipeline owns it.
template <class XArg>
void release(XArg&& x) {
    using X = std::remove_cvref_t<XArg>;
    if constexpr (!std::is_lvalue_reference_v<XArg> && std::is_default_constructible_v<X> &&
                  std::is_move_assignable_v<X>)
        x = X{};
}

// Something that might be a stage: a class type that is not a tensor expression.
template <class T>
concept pipe_operand = std::is_class_v<T> && !xt::is_xexpression<T>::value;

// Recognisably a stage (for the usual matrix types), or a pipeline already.
// Frame stages (features::one_hot_encoder, to_matrix, ...) count too, and so do
// supervised transformers (features::target_encoder) for the usual label types.
template <class T>
concept known_stage = is_pipeline<T> || transformer<T, matrix<float>> ||
                      transformer<T, matrix<double>> || learner_any<T, matrix<float>> ||
                      learner_any<T, matrix<double>> || transformer<T, frame> ||
                      supervised_any<T, frame>;

template <class T>
constexpr auto as_tuple(T s) {
    if constexpr (is_pipeline<T>)
        return s.stages();
    else
        return std::tuple<T>(std::move(s));
}

template <class... S>
constexpr pipeline<S...> from_tuple(std::tuple<S...> t) {
    return pipeline<S...>(from_tuple_t{}, std::move(t));
}

}  // namespace detail::pipe

// A fitted pipeline: the fitted stages in order. Immutable; thread-safe to score.
template <class... F>
class fitted_pipeline {
    static_assert(sizeof...(F) > 0, "tessera::fitted_pipeline needs at least one stage");

public:
    static constexpr std::string_view type_tag = detail::pipe::joined_tag<F...>::value;
    static constexpr std::uint32_t payload_version = 1;

    explicit fitted_pipeline(std::tuple<F...> stages) : stages_(std::move(stages)) {}

    static constexpr std::size_t size() noexcept { return sizeof...(F); }
    template <std::size_t I>
    const auto& stage() const noexcept {
        return std::get<I>(stages_);
    }
    const std::tuple<F...>& stages() const noexcept { return stages_; }

    // All transformers: every stage when there is no final predictor, else all
    // but the final predictor (the features the model sees).
    template <exec::execution_policy P, class X>
        requires(detail::pipe::can_transform<X, F...>())
    auto transform(const P& policy, const X& x) const {
        if constexpr (detail::pipe::ends_in_predictor<X, F...>())
            return run<0, sizeof...(F) - 1>(policy, x);
        else
            return run<0, sizeof...(F)>(policy, x);
    }

    template <exec::execution_policy P, class X>
        requires(detail::pipe::ends_in_predictor<X, F...>())
    auto predict(const P& policy, const X& x) const {
        if constexpr (sizeof...(F) == 1)
            return std::get<0>(stages_).predict(policy, x);
        else
            return std::get<sizeof...(F) - 1>(stages_).predict(
                policy, run<0, sizeof...(F) - 1>(policy, x));
    }

    template <exec::execution_policy P, class X>
        requires(detail::pipe::ends_in_probabilistic<X, F...>())
    auto predict_proba(const P& policy, const X& x) const {
        if constexpr (sizeof...(F) == 1)
            return std::get<0>(stages_).predict_proba(policy, x);
        else
            return std::get<sizeof...(F) - 1>(stages_).predict_proba(
                policy, run<0, sizeof...(F) - 1>(policy, x));
    }

    template <class X>
        requires(!exec::execution_policy<X> && detail::pipe::can_transform<X, F...>())
    auto transform(const X& x) const {
        return transform(exec::par, x);
    }
    template <class X>
        requires(!exec::execution_policy<X> && detail::pipe::ends_in_predictor<X, F...>())
    auto predict(const X& x) const {
        return predict(exec::par, x);
    }
    template <class X>
        requires(!exec::execution_policy<X> && detail::pipe::ends_in_probabilistic<X, F...>())
    auto predict_proba(const X& x) const {
        return predict_proba(exec::par, x);
    }

    // Payload: version, stage count, then per stage its type tag and its own
    // payload as a length-prefixed blob, so each stage must consume exactly its bytes.
    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint32_t>(static_cast<std::uint32_t>(sizeof...(F)));
        std::apply(
            [&](const auto&... f) {
                (
                    [&](const auto& one) {
                        io::writer sub;
                        one.save(sub);
                        w.put(std::string_view(std::remove_cvref_t<decltype(one)>::type_tag));
                        w.put(std::string_view(sub.bytes()));
                    }(f),
                    ...);
            },
            stages_);
    }

    static fitted_pipeline load(io::reader& r) {
        const auto version = r.get<std::uint32_t>("pipeline payload version");
        if (version != payload_version)
            throw format_error(detail::concat("fitted_pipeline: payload version ", version,
                                              " is not one this build reads (", payload_version,
                                              ")"));
        const auto count = r.get<std::uint32_t>("pipeline stage count");
        if (count != sizeof...(F))
            throw format_error(detail::concat("fitted_pipeline: the file holds ", count,
                                              " stages, expected ", sizeof...(F)));
        return load_stages(r, std::index_sequence_for<F...>{});
    }

private:
    template <std::size_t... I>
    static fitted_pipeline load_stages(io::reader& r, std::index_sequence<I...>) {
        // Braced initialisation evaluates left to right: stages load in order.
        return fitted_pipeline(std::tuple<F...>{load_stage<F>(r, I)...});
    }

    template <class G>
    static G load_stage(io::reader& r, std::size_t i) {
        const std::string tag = r.get_string("pipeline stage type tag");
        if (tag != G::type_tag)
            throw format_error(detail::concat("fitted_pipeline: stage ", i + 1, " is a '", tag,
                                              "', expected '", G::type_tag, "'"));
        const std::string bytes = r.get_string("pipeline stage payload");
        io::reader sub(bytes, detail::concat("pipeline stage ", i + 1, " ('", tag, "') payload"));
        G g = G::load(sub);
        sub.expect_end();
        return g;
    }

    // Applies stages [I, End) to x.
    template <std::size_t I, std::size_t End, class P, class XArg>
    auto run(const P& policy, XArg&& x) const {
        if constexpr (I == End) {
            return std::remove_cvref_t<XArg>(std::forward<XArg>(x));
        } else {
            auto next = std::get<I>(stages_).transform(policy, std::as_const(x));
            detail::pipe::release(std::forward<XArg>(x));
            return run<I + 1, End>(policy, std::move(next));
        }
    }

    std::tuple<F...> stages_;
};

// A pipeline: stages (estimators: hyperparameters only) in order.
template <class... Stages>
class pipeline {
public:
    constexpr pipeline() = default;
    constexpr explicit pipeline(Stages... stages)
        requires(sizeof...(Stages) > 0)
        : stages_(std::move(stages)...) {}
    constexpr pipeline(detail::pipe::from_tuple_t, std::tuple<Stages...> stages)
        : stages_(std::move(stages)) {}

    static constexpr std::size_t size() noexcept { return sizeof...(Stages); }
    template <std::size_t I>
    constexpr const auto& stage() const noexcept {
        return std::get<I>(stages_);
    }
    constexpr const std::tuple<Stages...>& stages() const noexcept { return stages_; }

    // A pipeline of transformers: fit each on the previous fitted stages' output.
    template <exec::execution_policy P, class X>
    auto fit(const P& policy, const X& x) const
        -> detail::pipe::fit_result_t<detail::pipe::no_labels, X, Stages...> {
        return fit_checked(policy, x, detail::pipe::no_labels{});
    }

    // Transformers then a final learner, which is fitted on (transformed X, y).
    template <exec::execution_policy P, class X, class Y>
    auto fit(const P& policy, const X& x, const Y& y) const
        -> detail::pipe::fit_result_t<Y, X, Stages...> {
        return fit_checked(policy, x, y);
    }

    template <class X>
        requires(!exec::execution_policy<X>)
    auto fit(const X& x) const -> detail::pipe::fit_result_t<detail::pipe::no_labels, X, Stages...> {
        return fit(exec::par, x);
    }
    template <class X, class Y>
        requires(!exec::execution_policy<X>)
    auto fit(const X& x, const Y& y) const -> detail::pipe::fit_result_t<Y, X, Stages...> {
        return fit(exec::par, x, y);
    }

private:
    template <class P, class X, class Y>
    auto fit_checked(const P& policy, const X& x, const Y& y) const {
        using W = detail::pipe::walk<0, Y, X, Stages...>;
        if constexpr (detail::pipe::report<W::what, W::stage>()) {
            using R = detail::pipe::fit_result_t<Y, X, Stages...>;
            return R(fit_from<0>(policy, x, y));
        } else {
            return ill_formed_pipeline{};
        }
    }

    template <std::size_t I, class P, class XArg, class Y>
    auto fit_from(const P& policy, XArg&& x, const Y& y) const {
        using X = std::remove_cvref_t<XArg>;
        using S = std::tuple_element_t<I, std::tuple<Stages...>>;
        const S& s = std::get<I>(stages_);
        if constexpr (I + 1 == sizeof...(Stages)) {
            if constexpr (detail::pipe::classify<true, Y, X, S>() == detail::pipe::kind::learner) {
                using F = detail::pipe::fitted_learner_t<S, X, Y>;
                return std::tuple<F>(s.fit(policy, std::as_const(x), y));
            } else {
                using F = detail::pipe::fitted_transformer_t<S, X>;
                return std::tuple<F>(s.fit(policy, std::as_const(x)));
            }
        } else if constexpr (detail::pipe::classify<false, Y, X, S>() ==
                             detail::pipe::kind::supervised) {
            // As scikit-learn's Pipeline: fit_transform when the stage has one
            // (a target encoder's out-of-fold values), else fit then transform.
            using F = detail::pipe::fitted_learner_t<S, X, Y>;
            if constexpr (requires { s.fit_transform(policy, std::as_const(x), y); }) {
                auto [f, next] = s.fit_transform(policy, std::as_const(x), y);
                static_assert(std::is_same_v<std::remove_cvref_t<decltype(f)>, F>,
                              "tessera::pipeline: a stage's fit_transform(policy, X, y) must "
                              "return {fitted, transformed X} with the type fit(policy, X, y) "
                              "returns first");
                detail::pipe::release(std::forward<XArg>(x));
                return std::tuple_cat(std::tuple<F>(std::move(f)),
                                      fit_from<I + 1>(policy, std::move(next), y));
            } else {
                F f = s.fit(policy, std::as_const(x), y);
                return fit_rest<I>(policy, std::forward<XArg>(x), y, std::move(f));
            }
        } else {
            return fit_rest<I>(policy, std::forward<XArg>(x), y, s.fit(policy, std::as_const(x)));
        }
    }

    // Stage I is fitted as f: transform x with it and fit the stages after it.
    template <std::size_t I, class P, class XArg, class Y, class F>
    auto fit_rest(const P& policy, XArg&& x, const Y& y, F f) const {
        auto next = f.transform(policy, std::as_const(x));
        detail::pipe::release(std::forward<XArg>(x));
        return std::tuple_cat(std::tuple<F>(std::move(f)),
                              fit_from<I + 1>(policy, std::move(next), y));
    }

    std::tuple<Stages...> stages_;
};

template <class... S>
pipeline(S...) -> pipeline<S...>;

// stage | stage, pipeline | stage, stage | pipeline, pipeline | pipeline.
template <class A, class B>
    requires(detail::pipe::pipe_operand<A> && detail::pipe::pipe_operand<B> &&
             (detail::pipe::known_stage<A> || detail::pipe::known_stage<B>))
constexpr auto operator|(A a, B b) {
    return detail::pipe::from_tuple(
        std::tuple_cat(detail::pipe::as_tuple(std::move(a)), detail::pipe::as_tuple(std::move(b))));
}

// Argument-dependent lookup searches a stage's own namespace, not its parents,
// so the stage namespaces re-export the operator. A user stage elsewhere
// composes through `tessera::pipeline(a, b)` or `tessera::pipeline(a) | b`, or
// with `using tessera::operator|;` in its own namespace.
namespace features {
using tessera::operator|;
}
namespace learners {
using tessera::operator|;
}
namespace gbdt {
using tessera::operator|;
}
namespace nn {
using tessera::operator|;
}
namespace validate {
using tessera::operator|;
}
namespace drift {
using tessera::operator|;
}

}  // namespace tessera
