// tessera/core/concepts.hpp — the contracts every block satisfies (DESIGN.md,
// "The contracts"). Everything composes because of these few concepts.
//
// They check shape, not provenance: any user type with the right members is a
// transformer, a learner or a drift test, and composes with tessera's own.
// Requirements are checked with `exec::seq`; a block that supports the other
// policies overloads the same member on them.
#pragma once

#include <concepts>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include <tessera/core/tensor.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera {

class frame;  // core/frame.hpp

namespace io {
class writer;  // core/serialize.hpp
class reader;
}  // namespace io

using exec::execution_policy;

// Something that can be written to and read back from a model file: a
// `type_tag` naming the type in files, `save(writer&) const`, `static load(reader&)`.
template <class T>
concept serializable = requires(const T& t, io::writer& w, io::reader& r) {
    { T::type_tag } -> std::convertible_to<std::string_view>;
    { t.save(w) };
    { T::load(r) } -> std::same_as<T>;
};

// check(frame) -> a report that says whether the data passed.
template <class V>
concept validator = requires(const V& v, const frame& f) {
    { v.check(f).passed() } -> std::convertible_to<bool>;
};

namespace detail {
// A call that yields a value: `void transform(...)` or `void predict(...)` would
// satisfy a bare `{ expr }` requirement yet compose with nothing.
template <class T>
concept returns_value = !std::is_void_v<T>;
}  // namespace detail

// A fitted transformer: transform(policy, X) const returning the new X, and it
// can be saved.
template <class F, class X = matrix<float>>
concept fitted_transformer = serializable<F> && requires(const F& f, const X& x) {
    { f.transform(exec::seq, x) } -> detail::returns_value;
};

// An estimator: fit(policy, X) returns a fitted transformer.
template <class T, class X = matrix<float>>
concept transformer = requires(const T& t, const X& x) {
    { t.fit(exec::seq, x) } -> fitted_transformer<X>;
};

// predict(policy, X) const, and it can be saved.
template <class P, class X = matrix<float>>
concept predictor = serializable<P> && requires(const P& p, const X& x) {
    { p.predict(exec::seq, x) } -> detail::returns_value;
};

// A predictor that also gives class probabilities.
template <class P, class X = matrix<float>>
concept probabilistic_predictor = predictor<P, X> && requires(const P& p, const X& x) {
    { p.predict_proba(exec::seq, x) } -> detail::returns_value;
};

// An estimator: fit(policy, X, y) returns a predictor.
template <class L, class X = matrix<float>, class Y = vector<float>>
concept learner = requires(const L& l, const X& x, const Y& y) {
    { l.fit(exec::seq, x, y) } -> predictor<X>;
};

// compare(reference, current) -> a result with a statistic and a verdict.
template <class T, class S = std::span<const double>>
concept drift_test = requires(const T& t, const S& reference, const S& current) {
    { t.compare(reference, current).statistic } -> std::convertible_to<double>;
    { t.compare(reference, current).drifted } -> std::convertible_to<bool>;
};

// A streaming detector over values of type V (bool for error streams).
template <class D, class V = double>
concept drift_detector = requires(D& d, const D& cd, V x) {
    { d.update(x) };
    { cd.drift_detected() } -> std::convertible_to<bool>;
    { d.reset() };
};

}  // namespace tessera
