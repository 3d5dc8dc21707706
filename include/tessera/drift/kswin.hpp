// tessera/drift/kswin.hpp — KSWIN, Kolmogorov-Smirnov windowing (Raab,
// Heusinger & Schleif, "Reactive soft prototype computing for concept drift
// streams", Neurocomputing 2020), as River's drift.KSWIN (River 0.26.1,
// river/drift/kswin.py).
//
// Defaults are River's: alpha = 0.005, window_size = 100, stat_size = 30
// (KSWIN.__init__). River's seed defaults to None (a fresh OS seed); tessera's
// seeds are explicit, default 0.
//
// A sliding window of the last window_size values. From the moment it is full,
// every update draws stat_size distinct positions from the window's oldest
// window_size - stat_size values (R) and tests them against the newest stat_size
// values (W) with the two-sided two-sample KS test (scipy's ks_2samp, exact
// p-value: detail/ks_equal_n.hpp); drift iff p_value <= alpha and D > 0.1. After
// a drift the window keeps W, and the next update starts afresh (River >= 0.15),
// with the sampler restarted from its seed (River re-creates random.Random(seed)
// on every reset).
//
// The sampler is a template parameter:
//   kswin              = basic_kswin<philox_sampler>: partial Fisher-Yates over
//                        tessera's Philox stream (core/random.hpp), keyed by seed. The default.
//   python_kswin       = basic_kswin<python_random_sampler>: CPython's MT19937 and
//                        random.sample, so the draws, hence the detection indices,
//                        are River's for the same seed (the parity tests use it).
// Any type with `sample(n, span<size_t> out)` (out.size() distinct indices of
// [0, n)) and `restart()` (back to its seeded state) plugs in (kswin_sampler).
#pragma once

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/random.hpp>
#include <tessera/drift/detail/detector_common.hpp>
#include <tessera/drift/detail/ks_equal_n.hpp>
#include <tessera/drift/detail/python_random.hpp>

namespace tessera::drift {

template <class S>
concept kswin_sampler = requires(S& s, std::size_t n, std::span<std::size_t> out) {
    s.sample(n, out);
    s.restart();
};

// Partial Fisher-Yates over [0, n) with uniform_int draws from rng(seed, stream).
class philox_sampler {
public:
    explicit philox_sampler(std::uint64_t seed = 0, std::uint64_t stream = 0) : rng_(seed, stream) {}
    void sample(std::size_t n, std::span<std::size_t> out) {
        pool_.resize(n);
        for (std::size_t i = 0; i < n; ++i) pool_[i] = i;
        for (std::size_t i = 0; i < out.size(); ++i) {
            std::swap(pool_[i], pool_[rng_.uniform_int<std::size_t>(i, n - 1)]);
            out[i] = pool_[i];
        }
    }
    void restart() noexcept { rng_.seek(0); }

private:
    rng rng_;
    std::vector<std::size_t> pool_;
};

// random.Random(seed).sample(range(n), k), bit for bit (detail/python_random.hpp).
class python_random_sampler {
public:
    explicit python_random_sampler(std::uint64_t seed = 0) : seed_(seed), mt_(seed) {}
    void sample(std::size_t n, std::span<std::size_t> out) { mt_.sample(n, out, scratch_); }
    void restart() { mt_.seed_int(seed_); }

private:
    std::uint64_t seed_;
    detail::python_mt19937 mt_;
    std::vector<std::size_t> scratch_;
};

template <kswin_sampler Sampler>
class basic_kswin : public detail::detector_state<basic_kswin<Sampler>> {
    friend class detail::detector_state<basic_kswin<Sampler>>;

public:
    struct params {
        double alpha = 0.005;     // p-value threshold; [0, 1]
        int window_size = 100;    // sliding window; >= 2 * stat_size
        int stat_size = 30;       // size of both KS samples; [1, 10000]
        std::uint64_t seed = 0;   // seeds the sampler made by the one-argument constructor
    };

    basic_kswin()
        requires std::constructible_from<Sampler, std::uint64_t>
        : basic_kswin(params{}) {}
    explicit basic_kswin(const params& p)
        requires std::constructible_from<Sampler, std::uint64_t>
        : basic_kswin(p, Sampler(p.seed)) {}
    basic_kswin(const params& p, Sampler sampler) : p_(p), sampler_(std::move(sampler)) {
        constexpr std::string_view o = "kswin";
        detail::check_closed_unit(o, "alpha", p.alpha);
        detail::check_at_least(o, "stat_size", p.stat_size, 1);
        // ks_equal_n is scipy's exact path, which method="auto" uses up to 10000 values.
        if (p.stat_size > 10000) throw errors::out_of_range(o, "stat_size", p.stat_size, "[1, 10000]");
        // River's constructor allows window_size < 2 * stat_size, then random.sample fails at the
        // first full window; reject it here.
        if (p.window_size < 2 * static_cast<std::int64_t>(p.stat_size))
            throw errors::out_of_range(o, "window_size", p.window_size,
                                       tessera::detail::concat("[2 * stat_size = ", 2 * static_cast<std::int64_t>(p.stat_size),
                                                               ", inf)"));
        ws_ = static_cast<std::size_t>(p.window_size);
        ss_ = static_cast<std::size_t>(p.stat_size);
        ring_.assign(ws_, 0.0);
        idx_.resize(ss_);
        r_.resize(ss_);
        w_.resize(ss_);
        restart();
    }
    // River's `window` argument: values already collected, the last window_size of
    // which fill the window (no test runs for them).
    basic_kswin(const params& p, Sampler sampler, std::span<const double> initial)
        : basic_kswin(p, std::move(sampler)) {
        for (std::size_t i = 0; i < initial.size(); ++i) {
            if (!std::isfinite(initial[i])) detail::throw_non_finite("kswin", initial[i], i);
            push(initial[i]);
        }
    }

    const params& get_params() const noexcept { return p_; }

    // Adds x; returns drift_detected(). Throws data_error on NaN or infinity.
    bool update(double x) {
        if (!std::isfinite(x)) detail::throw_non_finite("kswin", x, this->n_updates_);
        this->begin_update();
        push(x);
        this->drift_ = false;
        if (size_ >= ws_) {
            sampler_.sample(ws_ - ss_, idx_);
            for (std::size_t i = 0; i < ss_; ++i) r_[i] = at(idx_[i]);
            for (std::size_t i = 0; i < ss_; ++i) w_[i] = at(ws_ - ss_ + i);
            std::sort(r_.begin(), r_.end());
            std::sort(w_.begin(), w_.end());
            const auto t = detail::ks_equal_n(r_, w_);
            statistic_ = t.statistic;
            p_value_ = t.p_value;
            if (p_value_ <= p_.alpha && statistic_ > 0.1) {
                this->drift_ = true;
                head_ = (head_ + ws_ - ss_) % ws_;  // keep the newest stat_size values
                size_ = ss_;
            }
        }
        return this->end_update();
    }

    // ---- diagnostics ----
    // p-value and statistic D of the last KS test (River's p_value; 0 and 0 before the first test).
    double p_value() const noexcept { return p_value_; }
    double statistic() const noexcept { return statistic_; }
    // Values in the window, and the i-th oldest of them.
    std::size_t window_length() const noexcept { return size_; }
    double window_at(std::size_t i) const noexcept { return at(i); }
    const Sampler& sampler() const noexcept { return sampler_; }

private:
    void restart() {
        this->drift_ = false;
        head_ = size_ = 0;
        p_value_ = statistic_ = 0.0;
        sampler_.restart();
    }
    // Ring buffer: the oldest value is at head_.
    void push(double x) noexcept {
        if (size_ < ws_) {
            ring_[(head_ + size_) % ws_] = x;
            ++size_;
        } else {
            ring_[head_] = x;
            head_ = head_ + 1 == ws_ ? 0 : head_ + 1;
        }
    }
    double at(std::size_t i) const noexcept {
        const std::size_t k = head_ + i;
        return ring_[k >= ws_ ? k - ws_ : k];
    }

    params p_;
    Sampler sampler_;
    std::size_t ws_ = 100, ss_ = 30;
    std::vector<double> ring_;
    std::size_t head_ = 0, size_ = 0;
    std::vector<std::size_t> idx_;
    std::vector<double> r_, w_;
    double p_value_ = 0.0, statistic_ = 0.0;
};

using kswin = basic_kswin<philox_sampler>;
using python_kswin = basic_kswin<python_random_sampler>;

static_assert(kswin_sampler<philox_sampler> && kswin_sampler<python_random_sampler>);
static_assert(drift_detector<kswin, double> && drift_detector<python_kswin, double>);

}  // namespace tessera::drift
