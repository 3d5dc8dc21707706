// tessera/drift/monitor.hpp — per-column and dataset drift of a current frame
// against a reference frame, and a pipeline stage that watches scored batches.
//
// Reference behaviour: Evidently's data drift preset (column test chosen by
// reference size, column kind and distinct values; dataset drift when the
// share of drifted columns reaches drift_share = 0.5) and NannyML's fit /
// calculate split (everything the tests need is frozen from the reference at
// fit; thresholds may be learned from reference chunks). See
// reference/semantics.md section 2 and docs/drift_monitor.md.
//
//   auto m   = drift::monitor{}.fit(exec::par, reference);     // monitor::fitted
//   auto rep = m.check(exec::par, current);                      // drift_report
//   if (rep.retrain_recommended()) ...
//   std::cout << rep.to_text();  rep.save_html("drift.html");
//
// Test per column (method::automatic; "rows" are the reference's non-null
// finite values of that column, n_unique the distinct values of both sides):
//   rows <= 1000: z if n_unique <= 2, ks for numerical with n_unique > 5,
//                 else chi_squared                       (threshold p 0.05)
//   rows >  1000: wasserstein (normed) for numerical with n_unique > 5,
//                 else jensen_shannon                    (threshold 0.1)
// Learned thresholds (params.learn_thresholds): the reference is cut into
// `threshold_chunks` (default 10) contiguous row chunks, each chunk is scored
// against the whole reference with the column's method, and the threshold is
// mean + threshold_k_std (default 3) * std (population) of those statistics
// (NannyML's StandardDeviationThreshold, lower bound off, as in its
// DEFAULT_THRESHOLDS). It bounds the test statistic, also for p-value tests
// (KS D, chi-squared statistic, |z|), and a column drifts when its statistic
// exceeds it. The method of each column is then fixed at fit, from the
// reference's own distinct values.
//
// Columns are checked in parallel under exec::par, one task per column; every
// column's computation is the same serial code under every policy, so reports
// are identical for any policy and thread count.
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/drift/detail/column_profile.hpp>
#include <tessera/drift/detail/monitor_scores.hpp>
#include <tessera/drift/report.hpp>
#include <tessera/drift/test_result.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>

namespace tessera::drift {

// A per-column choice of test and/or threshold (NaN: not overridden).
struct column_override {
    std::string column;
    method test = method::automatic;
    double threshold = std::numeric_limits<double>::quiet_NaN();
};

struct monitor_params {
    double drift_share = 0.5;                         // dataset drift when share >= this; (0, 1]
    method numerical_method = method::automatic;      // for every numerical column
    method categorical_method = method::automatic;    // for every categorical / bool column
    double threshold = std::numeric_limits<double>::quiet_NaN();  // NaN: each test's default
    std::vector<column_override> per_column{};        // wins over the three above
    bool learn_thresholds = false;                    // mean + k std over reference chunks
    std::size_t threshold_chunks = 10;                // >= 2
    double threshold_k_std = 3.0;                     // >= 0
    std::size_t small_reference_rows = 1000;          // Evidently's cut between test families
    bool schema_change_is_drift = true;  // a missing or type-changed column counts as drifted
    std::vector<std::string> columns{};  // columns to monitor; empty = every reference column
};

namespace detail::monitor {

inline constexpr std::string_view where_fit = "drift::monitor::fit";

inline void check_threshold(std::string_view field, double t) {
    if (std::isnan(t)) return;
    if (!(t > 0.0) || std::isinf(t))
        throw errors::out_of_range(where_fit, field, t,
                                   "NaN (the test's default) or finite and > 0");
}

inline void check_params(const monitor_params& p) {
    if (!(p.drift_share > 0.0 && p.drift_share <= 1.0))
        throw errors::out_of_range(where_fit, "drift_share", p.drift_share, "(0, 1]");
    check_threshold("threshold", p.threshold);
    for (const auto& o : p.per_column)
        check_threshold(tessera::detail::concat("per_column['", o.column, "'].threshold"),
                        o.threshold);
    if (p.threshold_chunks < 2)
        throw errors::out_of_range(where_fit, "threshold_chunks", p.threshold_chunks,
                                   ">= 2 (and at most the reference's rows)");
    if (!(p.threshold_k_std >= 0.0) || std::isinf(p.threshold_k_std))
        throw errors::out_of_range(where_fit, "threshold_k_std", p.threshold_k_std,
                                   "finite and >= 0");
    const auto method_ok = [](method m) {
        return static_cast<std::uint8_t>(m) <= static_cast<std::uint8_t>(method::psi);
    };
    if (!method_ok(p.numerical_method))
        throw errors::out_of_range(where_fit, "numerical_method",
                                   unsigned{static_cast<std::uint8_t>(p.numerical_method)},
                                   "a drift::method");
    if (!method_ok(p.categorical_method) || p.categorical_method == method::ks ||
        p.categorical_method == method::wasserstein)
        throw errors::out_of_range(where_fit, "categorical_method",
                                   method_name(p.categorical_method),
                                   "automatic, chi_squared, z, jensen_shannon or psi (ks and "
                                   "wasserstein need numbers)");
}

inline const column_override* find_override(const monitor_params& p, std::string_view name) {
    for (const auto& o : p.per_column)
        if (o.column == name) return &o;
    return nullptr;
}

// The learned bound of one column (NaN when thresholds are not learned).
struct learned_bound {
    method test = method::automatic;
    double threshold = std::numeric_limits<double>::quiet_NaN();
};

// Numerical statistics of a learned bound: |z| (its sign is only which side
// is larger), the statistic otherwise.
inline double bounded_statistic(method m, const test_result& r) {
    return m == method::z ? std::abs(r.statistic) : r.statistic;
}

// matrix -> frame with float64 columns named x0, x1, ... (scikit-learn's
// default feature names).
template <std::floating_point T>
frame matrix_frame(const matrix<T>& X) {
    const std::size_t n = X.shape()[0], k = X.shape()[1];
    frame f;
    for (std::size_t j = 0; j < k; ++j) {
        std::vector<double> v(n);
        for (std::size_t r = 0; r < n; ++r) v[r] = static_cast<double>(X(r, j));
        f.add_column(column::float64(tessera::detail::concat("x", j), std::move(v)));
    }
    return f;
}

template <class P, class F>
void for_each_column(const P& policy, std::size_t n, F&& f) {
    const auto backend = exec::select_backend(policy);
    if constexpr (requires { backend.grain; }) {
        auto one = backend;
        one.grain = 1;  // one task per column; each column's result is its own
        exec::parallel_for(one, n, [&](const exec::chunk& c) { f(c.begin); });
    } else {
        for (std::size_t i = 0; i < n; ++i) f(i);
    }
}

}  // namespace detail::monitor

// The fitted monitor: frozen reference profiles, resolved options, learned
// thresholds. Immutable; safe to check from many threads at once.
class monitor_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.drift.monitor";
    static constexpr std::uint32_t payload_version = 1;

    monitor_fitted(monitor_params params, std::size_t reference_rows,
                   std::vector<detail::monitor::profile> profiles,
                   std::vector<detail::monitor::learned_bound> learned)
        : params_(std::move(params)),
          reference_rows_(reference_rows),
          profiles_(std::move(profiles)),
          learned_(std::move(learned)) {}

    const monitor_params& params() const noexcept { return params_; }
    std::size_t reference_rows() const noexcept { return reference_rows_; }
    std::size_t num_columns() const noexcept { return profiles_.size(); }
    std::vector<std::string> columns() const {
        std::vector<std::string> out;
        for (const auto& p : profiles_) out.push_back(p.name);
        return out;
    }
    // The threshold learned for a column (NaN when thresholds are not learned).
    double learned_threshold(std::string_view column) const {
        return learned_.at(index_of(column, "monitor::learned_threshold")).threshold;
    }
    // The method a column is fixed to (automatic: chosen per check).
    method learned_method(std::string_view column) const {
        return learned_.at(index_of(column, "monitor::learned_method")).test;
    }
    // The reference profile of a column (what fit froze).
    const detail::monitor::profile& profile(std::string_view column) const {
        return profiles_[index_of(column, "monitor::profile")];
    }

    // Checks every monitored column of `current`; never throws for data that
    // merely drifted, lacks a column or changed a type: those are reported.
    template <exec::execution_policy P>
    drift_report check(const P& policy, const frame& current) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            drift_report rep;
            rep.reference_rows = reference_rows_;
            rep.current_rows = current.num_rows();
            rep.drift_share = params_.drift_share;
            rep.columns.resize(profiles_.size());
            detail::monitor::for_each_column(policy, profiles_.size(), [&](std::size_t i) {
                rep.columns[i] = check_column(i, current);
            });
            for (const auto& name : current.names())
                if (std::none_of(profiles_.begin(), profiles_.end(),
                                 [&](const auto& p) { return p.name == name; }))
                    rep.extra_columns.push_back(name);
            for (const auto& c : rep.columns) rep.drifted_columns += c.drifted() ? 1 : 0;
            rep.share_drifted = rep.columns.empty()
                                    ? 0.0
                                    : static_cast<double>(rep.drifted_columns) /
                                          static_cast<double>(rep.columns.size());
            rep.dataset_drift = !rep.columns.empty() && rep.share_drifted >= params_.drift_share;
            return rep;
        }
    }
    drift_report check(const frame& current) const { return check(exec::par, current); }

    // A matrix is read as float64 columns x0, x1, ... (as fit on a matrix names them).
    template <exec::execution_policy P, std::floating_point T>
    drift_report check(const P& policy, const matrix<T>& current) const {
        return check(policy, detail::monitor::matrix_frame(current));
    }
    template <std::floating_point T>
    drift_report check(const matrix<T>& current) const {
        return check(exec::par, current);
    }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<double>(params_.drift_share);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(params_.numerical_method));
        w.put<std::uint8_t>(static_cast<std::uint8_t>(params_.categorical_method));
        w.put<double>(params_.threshold);
        w.put<std::uint64_t>(params_.per_column.size());
        for (const auto& o : params_.per_column) {
            w.put(o.column);
            w.put<std::uint8_t>(static_cast<std::uint8_t>(o.test));
            w.put<double>(o.threshold);
        }
        w.put<std::uint8_t>(params_.learn_thresholds ? 1 : 0);
        w.put<std::uint64_t>(params_.threshold_chunks);
        w.put<double>(params_.threshold_k_std);
        w.put<std::uint64_t>(params_.small_reference_rows);
        w.put<std::uint8_t>(params_.schema_change_is_drift ? 1 : 0);
        w.put(params_.columns);
        w.put<std::uint64_t>(reference_rows_);
        w.put<std::uint64_t>(profiles_.size());
        for (std::size_t i = 0; i < profiles_.size(); ++i) {
            detail::monitor::save_profile(w, profiles_[i]);
            w.put<std::uint8_t>(static_cast<std::uint8_t>(learned_[i].test));
            w.put<double>(learned_[i].threshold);
        }
    }

    static monitor_fitted load(io::reader& r) {
        const auto version = r.get<std::uint32_t>("monitor payload version");
        if (version != payload_version)
            throw format_error(tessera::detail::concat("drift::monitor: payload version ", version,
                                                       " is not one this build reads (",
                                                       payload_version, ")"));
        const auto get_method = [&](std::string_view field) {
            const auto m = r.get<std::uint8_t>(field);
            if (m > static_cast<std::uint8_t>(method::psi))
                throw format_error(tessera::detail::concat("drift::monitor: field '", field,
                                                           "' is ", unsigned{m},
                                                           ", expected 0 to 6"));
            return static_cast<method>(m);
        };
        const auto get_flag = [&](std::string_view field) {
            const auto v = r.get<std::uint8_t>(field);
            if (v > 1)
                throw format_error(tessera::detail::concat("drift::monitor: field '", field,
                                                           "' is ", unsigned{v},
                                                           ", expected 0 or 1"));
            return v == 1;
        };
        monitor_params p;
        p.drift_share = r.get<double>("drift_share");
        p.numerical_method = get_method("numerical_method");
        p.categorical_method = get_method("categorical_method");
        p.threshold = r.get<double>("threshold");
        const auto n_over = r.get<std::uint64_t>("per_column count");
        if (n_over > r.remaining()) throw format_error("drift::monitor: per_column count too large");
        for (std::uint64_t i = 0; i < n_over; ++i) {
            column_override o;
            o.column = r.get_string("per_column column");
            o.test = get_method("per_column test");
            o.threshold = r.get<double>("per_column threshold");
            p.per_column.push_back(std::move(o));
        }
        p.learn_thresholds = get_flag("learn_thresholds");
        p.threshold_chunks = static_cast<std::size_t>(r.get<std::uint64_t>("threshold_chunks"));
        p.threshold_k_std = r.get<double>("threshold_k_std");
        p.small_reference_rows =
            static_cast<std::size_t>(r.get<std::uint64_t>("small_reference_rows"));
        p.schema_change_is_drift = get_flag("schema_change_is_drift");
        p.columns = r.get_strings("columns");
        try {
            detail::monitor::check_params(p);
        } catch (const config_error& e) {
            throw format_error(tessera::detail::concat("drift::monitor: stored parameters are "
                                                       "invalid: ",
                                                       e.what()));
        }
        const auto rows = static_cast<std::size_t>(r.get<std::uint64_t>("reference rows"));
        const auto n = r.get<std::uint64_t>("column count");
        if (n > r.remaining()) throw format_error("drift::monitor: column count too large");
        std::vector<detail::monitor::profile> profiles;
        std::vector<detail::monitor::learned_bound> learned;
        for (std::uint64_t i = 0; i < n; ++i) {
            profiles.push_back(detail::monitor::load_profile(r));
            learned.push_back({get_method("learned method"), r.get<double>("learned threshold")});
        }
        return monitor_fitted(std::move(p), rows, std::move(profiles), std::move(learned));
    }

private:
    std::size_t index_of(std::string_view column, std::string_view where) const {
        for (std::size_t i = 0; i < profiles_.size(); ++i)
            if (profiles_[i].name == column) return i;
        throw errors::unknown_column(where, column);
    }

    const column_override* override_for(std::string_view name) const {
        return detail::monitor::find_override(params_, name);
    }

    // The method for a column: per-column override, then the kind's method,
    // then the learned (fixed) one, then Evidently's choice.
    method resolve_method(std::size_t i, std::size_t n_unique) const {
        const auto& p = profiles_[i];
        if (const auto* o = override_for(p.name); o && o->test != method::automatic) return o->test;
        const method by_kind = p.kind == feature_kind::numerical ? params_.numerical_method
                                                                 : params_.categorical_method;
        if (by_kind != method::automatic) return by_kind;
        if (learned_[i].test != method::automatic) return learned_[i].test;
        return select_method(p.kind, p.n, n_unique, params_.small_reference_rows);
    }

    column_drift check_column(std::size_t i, const frame& current) const {
        namespace dm = detail::monitor;
        const dm::profile& p = profiles_[i];
        column_drift out;
        out.column = p.name;
        out.kind = p.kind;
        out.reference_type = out.current_type = p.type;
        out.reference_count = p.n;
        const auto schema_change = [&](column_status s, std::string note) {
            out.status = s;
            out.note = std::move(note);
            out.result.method = std::string(column_status_name(s));
            out.result.drifted = params_.schema_change_is_drift;
            return out;
        };
        if (!current.contains(p.name))
            return schema_change(column_status::missing, "missing from the current frame");
        const column& col = current.column(p.name);
        out.current_type = col.type();
        const bool bool_vs_cat =
            p.kind == feature_kind::categorical && (p.type == dtype::boolean) != (col.type() == dtype::boolean);
        if (kind_of(col.type()) != p.kind || bool_vs_cat)
            return schema_change(column_status::type_changed,
                                 tessera::detail::concat("type changed from ", dtype_name(p.type),
                                                         " to ", dtype_name(col.type())));
        if (p.kind == feature_kind::unsupported) {
            out.status = column_status::unsupported;
            out.note = "timestamp columns are not tested";
            return out;
        }
        if (col.type() != p.type)
            out.note = tessera::detail::concat("dtype changed from ", dtype_name(p.type), " to ",
                                               dtype_name(col.type()), " (still numerical)");
        // Categories first (cheap): they decide n_unique and so the test.
        dm::counted c = dm::count_values(p, col);
        out.n_unique = dm::union_distinct(p, c);
        out.current_count = c.n;
        if (c.n == 0) {
            out.status = column_status::empty;
            out.note = "no non-null finite value in the current frame";
            return out;
        }
        const method m = resolve_method(i, out.n_unique);
        if (m == method::ks || m == method::wasserstein) dm::sort_counted(c);
        dm::count_bins(p, c);
        out.result = dm::run_test(m, p, c);
        const auto* o = override_for(p.name);
        double thr = o && !std::isnan(o->threshold) ? o->threshold : params_.threshold;
        if (std::isnan(thr) && params_.learn_thresholds && learned_[i].test == m) {
            out.threshold_learned = true;
            out.result.kind = score_kind::distance;
            out.result.score = dm::bounded_statistic(m, out.result);
            out.result.threshold = learned_[i].threshold;
            out.result.drifted = out.result.score > out.result.threshold;
        } else {
            if (std::isnan(thr)) thr = default_threshold(m);
            out.result.threshold = thr;
            out.result.drifted = is_drift(out.result.kind, out.result.score, thr);
        }
        picture(p, c, out);
        return out;
    }

    // At most `max_picture_categories` slots in the picture: the largest by
    // max(reference, current) share, in their original order, and "(other)".
    static constexpr std::size_t max_picture_categories = 30;
    static void limit_categories(column_drift& out) {
        const std::size_t k = out.categories.size();
        if (k <= max_picture_categories) return;
        std::vector<std::size_t> order(k);
        for (std::size_t i = 0; i < k; ++i) order[i] = i;
        const auto weight = [&](std::size_t i) {
            return std::max(out.reference_share[i], out.current_share[i]);
        };
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return weight(a) > weight(b); });
        std::vector<bool> keep(k, false);
        for (std::size_t i = 0; i + 1 < max_picture_categories; ++i) keep[order[i]] = true;
        double other_r = 0.0, other_c = 0.0;
        std::vector<std::string> labels;
        std::vector<double> r, c;
        for (std::size_t i = 0; i < k; ++i) {
            if (keep[i]) {
                labels.push_back(std::move(out.categories[i]));
                r.push_back(out.reference_share[i]);
                c.push_back(out.current_share[i]);
            } else {
                other_r += out.reference_share[i];
                other_c += out.current_share[i];
            }
        }
        labels.push_back("(other)");
        r.push_back(other_r);
        c.push_back(other_c);
        out.categories = std::move(labels);
        out.reference_share = std::move(r);
        out.current_share = std::move(c);
    }

    // Shares per category (with an "(unseen)" slot when the current holds
    // values the reference never did) or per bin (outer edges -inf / +inf for
    // the overflow bins, drawn only when the current batch reaches them).
    static void picture(const detail::monitor::profile& p, const detail::monitor::counted& c,
                        column_drift& out) {
        if (p.has_categories()) {
            out.categories = p.labels;
            std::vector<double> ref = p.counts, cur = c.cat_counts;
            if (cur.back() > 0) {
                out.categories.push_back("(unseen)");
                ref.push_back(0.0);
            } else {
                cur.pop_back();
            }
            out.reference_share = detail::monitor::shares(ref);
            out.current_share = detail::monitor::shares(cur);
            limit_categories(out);
        } else {
            constexpr double inf = std::numeric_limits<double>::infinity();
            out.edges.push_back(-inf);
            out.edges.insert(out.edges.end(), p.edges.begin(), p.edges.end());
            out.edges.push_back(inf);
            out.reference_share = detail::monitor::shares(p.bin_counts);
            out.current_share = detail::monitor::shares(c.bin_counts);
            // An overflow bin neither side reaches is not drawn.
            if (out.current_share.back() == 0) {
                out.edges.pop_back();
                out.reference_share.pop_back();
                out.current_share.pop_back();
            }
            if (out.current_share.front() == 0) {
                out.edges.erase(out.edges.begin());
                out.reference_share.erase(out.reference_share.begin());
                out.current_share.erase(out.current_share.begin());
            }
        }
    }

    monitor_params params_;
    std::size_t reference_rows_ = 0;
    std::vector<detail::monitor::profile> profiles_;
    std::vector<detail::monitor::learned_bound> learned_;
};

// The estimator: options only. `fit` freezes the reference.
class monitor {
public:
    using params = monitor_params;
    using fitted = monitor_fitted;

    monitor() = default;
    explicit monitor(params p) : params_(std::move(p)) {}

    const params& get_params() const noexcept { return params_; }

    // Throws config_error for bad options, data_error for a monitored column
    // that is unknown or holds no non-null finite value, shape_error for an
    // empty reference.
    template <exec::execution_policy P>
    fitted fit(const P& policy, const frame& reference) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return fitted({}, 0, {}, {});
        } else {
            namespace dm = detail::monitor;
            dm::check_params(params_);
            if (reference.num_rows() == 0 || reference.num_columns() == 0)
                throw shape_error(tessera::detail::concat(
                    dm::where_fit, ": the reference frame is empty (", reference.num_rows(),
                    " rows x ", reference.num_columns(), " columns)"));
            const std::vector<std::string> names =
                params_.columns.empty() ? reference.names() : params_.columns;
            for (const auto& n : names)
                if (!reference.contains(n)) throw errors::unknown_column(dm::where_fit, n);
            for (const auto& o : params_.per_column)
                if (std::find(names.begin(), names.end(), o.column) == names.end())
                    throw errors::unknown_column(
                        tessera::detail::concat(dm::where_fit, ": per_column override"), o.column);
            if (params_.learn_thresholds && params_.threshold_chunks > reference.num_rows())
                throw errors::out_of_range(dm::where_fit, "threshold_chunks",
                                           params_.threshold_chunks,
                                           tessera::detail::concat("[2, ", reference.num_rows(),
                                                                   "] (the reference's rows)"));
            std::vector<dm::profile> profiles(names.size());
            std::vector<dm::learned_bound> learned(names.size());
            dm::for_each_column(policy, names.size(), [&](std::size_t i) {
                const column& c = reference.column(names[i]);
                profiles[i] = dm::fit_profile(c);
            });
            for (std::size_t i = 0; i < names.size(); ++i) validate(profiles[i]);
            if (params_.learn_thresholds)
                dm::for_each_column(policy, names.size(), [&](std::size_t i) {
                    learned[i] = learn(profiles[i], reference.column(names[i]));
                });
            return fitted(params_, reference.num_rows(), std::move(profiles), std::move(learned));
        }
    }
    fitted fit(const frame& reference) const { return fit(exec::par, reference); }

    // A matrix is read as float64 columns x0, x1, ...
    template <exec::execution_policy P, std::floating_point T>
    fitted fit(const P& policy, const matrix<T>& reference) const {
        return fit(policy, detail::monitor::matrix_frame(reference));
    }
    template <std::floating_point T>
    fitted fit(const matrix<T>& reference) const {
        return fit(exec::par, reference);
    }

private:
    const column_override* override_for(std::string_view name) const {
        return detail::monitor::find_override(params_, name);
    }

    // The method a column is pinned to at fit, or automatic.
    method pinned(const detail::monitor::profile& p) const {
        if (const auto* o = override_for(p.name); o && o->test != method::automatic) return o->test;
        return p.kind == feature_kind::numerical ? params_.numerical_method
                                                 : params_.categorical_method;
    }

    void validate(const detail::monitor::profile& p) const {
        if (p.kind == feature_kind::unsupported) return;
        if (p.n == 0)
            throw data_error(tessera::detail::concat(detail::monitor::where_fit, ": column '",
                                                     p.name,
                                                     "' has no non-null finite value in the "
                                                     "reference; drop it from params.columns or "
                                                     "fill it"),
                             p.name);
        const method m = pinned(p);
        if (m == method::automatic) return;
        if (!detail::monitor::applicable(m, p.kind))
            throw config_error(tessera::detail::concat(detail::monitor::where_fit, ": column '",
                                                       p.name, "' is ", feature_kind_name(p.kind),
                                                       "; method ", method_name(m),
                                                       " needs a numerical column"),
                               "per_column");
        if (m == method::z && !p.has_categories())
            throw config_error(tessera::detail::concat(detail::monitor::where_fit, ": column '",
                                                       p.name,
                                                       "' has more than 20 distinct values; the "
                                                       "z-test needs a binary column"),
                               "per_column");
    }

    // NannyML-style: score each reference chunk against the whole reference
    // and bound the statistic by mean + k std.
    detail::monitor::learned_bound learn(const detail::monitor::profile& p,
                                         const column& col) const {
        namespace dm = detail::monitor;
        dm::learned_bound b;
        if (p.kind == feature_kind::unsupported) return b;
        b.test = pinned(p);
        if (b.test == method::automatic)
            b.test = select_method(p.kind, p.n, p.n_distinct, params_.small_reference_rows);
        const std::size_t rows = col.size();
        const std::size_t grain = (rows + params_.threshold_chunks - 1) / params_.threshold_chunks;
        std::vector<double> stats;
        for (std::size_t k = 0; k < exec::chunk_count(rows, grain); ++k) {
            const exec::chunk ch = exec::chunk_at(rows, grain, k);
            const dm::counted c =
                dm::count_column(p, col.slice(ch.begin, ch.end),
                                 b.test == method::ks || b.test == method::wasserstein);
            if (c.n == 0) continue;
            const double s = dm::bounded_statistic(b.test, dm::run_test(b.test, p, c));
            if (std::isfinite(s)) stats.push_back(s);
        }
        if (stats.empty()) return b;
        double mean = 0.0;
        for (const double s : stats) mean += s;
        mean /= static_cast<double>(stats.size());
        double sq = 0.0;
        for (const double s : stats) sq += (s - mean) * (s - mean);
        b.threshold = mean + params_.threshold_k_std * std::sqrt(sq / static_cast<double>(stats.size()));
        return b;
    }

    params params_{};
};

// ---- pipelines ---------------------------------------------------------------------

namespace detail::monitor {
// What an observer has seen; shared by copies of one fitted observer.
struct observations {
    std::mutex mu;
    std::optional<drift_report> latest;
    std::size_t batches = 0;
};
}  // namespace detail::monitor

// The fitted stage: checks every batch it transforms and passes it on
// unchanged. Copies share what they observed. Thread-safe.
class observer {
public:
    static constexpr std::string_view type_tag = "tessera.drift.observer";
    static constexpr std::uint32_t payload_version = 1;

    explicit observer(monitor_fitted m)
        : monitor_(std::make_shared<const monitor_fitted>(std::move(m))),
          seen_(std::make_shared<detail::monitor::observations>()) {}

    template <exec::execution_policy P, class X>
        requires(std::same_as<X, frame> || std::same_as<X, matrix<float>> ||
                 std::same_as<X, matrix<double>>)
    X transform(const P& policy, const X& x) const {
        drift_report rep = monitor_->check(policy, x);
        std::lock_guard lk(seen_->mu);
        seen_->latest = std::move(rep);
        ++seen_->batches;
        return x;
    }

    const monitor_fitted& monitor() const noexcept { return *monitor_; }
    // The report of the latest batch (none before the first).
    std::optional<drift_report> latest() const {
        std::lock_guard lk(seen_->mu);
        return seen_->latest;
    }
    std::size_t batches_seen() const {
        std::lock_guard lk(seen_->mu);
        return seen_->batches;
    }
    void reset() const {
        std::lock_guard lk(seen_->mu);
        seen_->latest.reset();
        seen_->batches = 0;
    }

    // Saves the monitor; observations are not part of the model.
    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        monitor_->save(w);
    }
    static observer load(io::reader& r) {
        const auto version = r.get<std::uint32_t>("observer payload version");
        if (version != payload_version)
            throw format_error(tessera::detail::concat("drift::observer: payload version ",
                                                       version, " is not one this build reads (",
                                                       payload_version, ")"));
        return observer(monitor_fitted::load(r));
    }

private:
    std::shared_ptr<const monitor_fitted> monitor_;
    std::shared_ptr<detail::monitor::observations> seen_;
};

// The pipeline stage: `observe(monitor{})` fits the monitor on the data that
// reaches the stage at pipeline fit; `observe(fitted)` carries a monitor
// fitted elsewhere. Either way the stage passes data through unchanged and
// records a report per batch it transforms. Pipeline fit runs every stage but
// the last on the training data, so a stage that is not last has seen one
// batch (training against itself) once fit returns; `reset()` forgets it.
class observe {
public:
    explicit observe(drift::monitor m = {}) : estimator_(std::move(m)) {}
    explicit observe(monitor_fitted f) : fitted_(std::move(f)) {}

    template <exec::execution_policy P, class X>
        requires(std::same_as<X, frame> || std::same_as<X, matrix<float>> ||
                 std::same_as<X, matrix<double>>)
    observer fit(const P& policy, const X& x) const {
        if (fitted_) return observer(*fitted_);
        return observer(estimator_.fit(policy, x));
    }

private:
    drift::monitor estimator_{};
    std::optional<monitor_fitted> fitted_{};
};

}  // namespace tessera::drift
