// tessera/drift/performance_tracker.hpp — a model metric over a sliding window
// of labelled predictions, against its baseline, with triggers.
//
// Data drift says the inputs moved; this says the model got worse once labels
// arrive. Any metric works: a callable metric(span<const TrueT> y_true,
// span<const PredT> y_pred) -> double, for example
//   [](auto t, auto p) { return eval::accuracy_score(exec::seq, t, p); }
//   [](auto t, auto s) { return eval::roc_auc_score(exec::seq, t, s); }   // PredT = double
// After each update the metric is recomputed on the last `window` samples (the
// oldest fall out) and appended to the history. Once the window holds
// `min_samples` samples (default: a full window), the tracker triggers when
//   - the value is below `floor` or above `ceiling`, or
//   - it degraded from the baseline by more than `max_drop`
//     (baseline - value when higher_is_better, value - baseline otherwise).
// A metric that throws (roc_auc_score on a one-class window) propagates; the
// samples stay in the window and the history is not extended.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>

namespace tessera::drift {

struct performance_params {
    std::size_t window = 1000;    // samples the metric is computed on; >= 1
    std::size_t min_samples = 0;  // triggers need this many samples; 0 = window; <= window
    double floor = -std::numeric_limits<double>::infinity();   // trigger when value < floor
    double ceiling = std::numeric_limits<double>::infinity();  // trigger when value > ceiling
    double max_drop = std::numeric_limits<double>::infinity();  // trigger on a larger degradation; >= 0
    bool higher_is_better = true;  // accuracy, AUC: true; log loss, MSE: false
};

// What the latest update found.
struct performance_state {
    double value = std::numeric_limits<double>::quiet_NaN();  // metric on the window
    std::size_t samples = 0;  // in the window
    bool below_floor = false;    // value < floor (or > ceiling)
    bool dropped = false;        // degradation from the baseline > max_drop
    bool triggered() const noexcept { return below_floor || dropped; }
};

template <class Metric, class TrueT = std::int32_t, class PredT = std::int32_t>
class performance_tracker {
public:
    using params = performance_params;

    // `baseline`: the metric's value on data the model is known to handle
    // (a validation set): finite.
    performance_tracker(Metric metric, double baseline, const params& p = {})
        : metric_(std::move(metric)), baseline_(baseline), params_(p) {
        constexpr std::string_view where = "drift::performance_tracker";
        if (!std::isfinite(baseline))
            throw errors::out_of_range(where, "baseline", baseline, "a finite metric value");
        if (p.window < 1) throw errors::out_of_range(where, "window", p.window, ">= 1");
        if (p.min_samples > p.window)
            throw errors::out_of_range(where, "min_samples", p.min_samples,
                                       tessera::detail::concat("[0, window = ", p.window, "]"));
        if (std::isnan(p.floor)) throw errors::out_of_range(where, "floor", p.floor, "not NaN");
        if (std::isnan(p.ceiling)) throw errors::out_of_range(where, "ceiling", p.ceiling, "not NaN");
        if (!(p.max_drop >= 0.0))
            throw errors::out_of_range(where, "max_drop", p.max_drop, ">= 0 (infinity: off)");
        true_.resize(p.window);
        pred_.resize(p.window);
    }

    // The baseline is the metric on a labelled baseline set.
    static performance_tracker from_baseline(Metric metric, std::span<const TrueT> y_true,
                                             std::span<const PredT> y_pred, const params& p = {}) {
        check_lengths("drift::performance_tracker::from_baseline", y_true.size(), y_pred.size());
        const double b = metric(y_true, y_pred);
        return performance_tracker(std::move(metric), b, p);
    }

    // Appends a batch of labelled predictions and re-evaluates the window.
    const performance_state& update(std::span<const TrueT> y_true, std::span<const PredT> y_pred) {
        check_lengths("drift::performance_tracker::update", y_true.size(), y_pred.size());
        const std::size_t w = params_.window;
        // Only the last `window` of a long batch can stay.
        const std::size_t skip = y_true.size() > w ? y_true.size() - w : 0;
        for (std::size_t i = skip; i < y_true.size(); ++i) {
            true_[head_] = y_true[i];
            pred_[head_] = y_pred[i];
            head_ = (head_ + 1) % w;
            if (count_ < w) ++count_;
        }
        total_ += y_true.size();
        evaluate();
        return state_;
    }
    const performance_state& update(const TrueT& y_true, const PredT& y_pred) {
        return update(std::span<const TrueT>(&y_true, 1), std::span<const PredT>(&y_pred, 1));
    }

    double baseline() const noexcept { return baseline_; }
    double current() const noexcept { return state_.value; }
    const performance_state& state() const noexcept { return state_; }
    bool triggered() const noexcept { return state_.triggered(); }
    std::size_t window_size() const noexcept { return count_; }
    std::size_t samples_seen() const noexcept { return total_; }
    // The metric after every update, oldest first.
    const std::vector<double>& history() const noexcept { return history_; }
    const params& get_params() const noexcept { return params_; }

    // Why it triggered, in words, numbers to 6 significant digits ("" when it did not).
    std::string reason() const {
        const auto g = [](double v) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.6g", v);
            return std::string(buf);
        };
        std::string s;
        if (state_.below_floor)
            s += state_.value < params_.floor
                     ? "metric " + g(state_.value) + " is below the floor " + g(params_.floor)
                     : "metric " + g(state_.value) + " is above the ceiling " + g(params_.ceiling);
        if (state_.dropped) {
            if (!s.empty()) s += "; ";
            s += "metric " + g(state_.value) + " degraded by " + g(std::abs(baseline_ - state_.value)) +
                 " from the baseline " + g(baseline_) + " (max_drop " + g(params_.max_drop) + ")";
        }
        return s;
    }

    // The window, oldest first (copies).
    std::vector<TrueT> window_true() const { return linear(true_); }
    std::vector<PredT> window_pred() const { return linear(pred_); }

    // Empties the window and the history; keeps the baseline.
    void reset() {
        head_ = count_ = total_ = 0;
        history_.clear();
        state_ = {};
    }

private:
    static void check_lengths(std::string_view where, std::size_t a, std::size_t b) {
        if (a != b)
            throw shape_error(tessera::detail::concat(where, ": y_true has ", a,
                                                      " elements, y_pred has ", b,
                                                      "; expected equal lengths"));
    }

    template <class T>
    std::vector<T> linear(const std::vector<T>& ring) const {
        std::vector<T> out;
        out.reserve(count_);
        const std::size_t w = params_.window;
        const std::size_t start = (head_ + w - count_) % w;
        for (std::size_t i = 0; i < count_; ++i) out.push_back(ring[(start + i) % w]);
        return out;
    }

    void evaluate() {
        if (count_ == 0) return;
        const std::vector<TrueT> t = linear(true_);
        const std::vector<PredT> p = linear(pred_);
        performance_state s;
        s.value = metric_(std::span<const TrueT>(t), std::span<const PredT>(p));
        s.samples = count_;
        const std::size_t need = params_.min_samples ? params_.min_samples : params_.window;
        if (count_ >= need) {
            s.below_floor = s.value < params_.floor || s.value > params_.ceiling;
            const double degradation =
                params_.higher_is_better ? baseline_ - s.value : s.value - baseline_;
            s.dropped = degradation > params_.max_drop;
        }
        state_ = s;
        history_.push_back(s.value);
    }

    Metric metric_;
    double baseline_;
    params params_;
    std::vector<TrueT> true_;
    std::vector<PredT> pred_;
    std::size_t head_ = 0;
    std::size_t count_ = 0;
    std::size_t total_ = 0;
    performance_state state_{};
    std::vector<double> history_;
};

}  // namespace tessera::drift
