// tessera/drift/detail/adwin_histogram.hpp — ADWIN's window summary (the
// ADWIN2 exponential histogram, River's bucket rows) with two ways to add
// values that give bit-identical states: push(x), one value at a time (the
// plain reference, River's insert + compress), and push_bulk(xs), a block at once.
//
// Row r holds up to cap - 1 summaries (sum, sum of squared deviations) of 2^r
// values each, oldest first; when a push brings a row to cap summaries, its two
// oldest merge into one summary appended to row r + 1 (which may cascade).
// Each row is a FIFO that merges its front pair whenever it reaches cap, so
// what a row holds and what it passes up depends only on the sequence of
// summaries it receives: feeding a row m summaries at once, with c already
// held, makes k = (c + m - cap + 2) / 2 merges (none if c + m < cap), of the
// consecutive pairs of (held, then received) from the front, and keeps the
// remaining c + m - 2k. push_bulk applies that row by row, with the same
// merge arithmetic in the same order as push, so the summaries are identical
// bit for bit; the running sums (total, shifted sums) are added in stream
// order in both.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <tessera/drift/detail/river_stats.hpp>

namespace tessera::drift::detail {

class adwin_histogram {
public:
    explicit adwin_histogram(std::size_t cap = 6) : cap_(cap), stride_(cap + bulk_max) { clear(); }

    void clear() {
        width_ = total_ = shift_ = sq_ = ys_ = 0.0;
        count_.assign(1, 0);
        sum_.assign(stride_, 0.0);
        var_.assign(stride_, 0.0);
    }

    // ---- the reference: one value (River's insert, then compress) ----
    void push(double x) {
        if (width_ == 0.0) shift_ = x;
        add_running(x, shift_, sq_, ys_, total_);
        width_ += 1.0;
        const std::size_t at = count_[0]++;
        sum_[at] = x;
        var_[at] = 0.0;
        for (std::size_t r = 0; count_[r] == cap_; ++r) {
            double t, v;
            merge(r, 0, t, v);
            drop_front(r, 2);
            if (r + 1 == count_.size()) add_row();
            const std::size_t a = (r + 1) * stride_ + count_[r + 1]++;
            sum_[a] = t;
            var_[a] = v;
            if (count_[r + 1] < cap_) break;
        }
    }

    // ---- n values at once: the state of push(xs[0]), ..., push(xs[n - 1]) ----
    // Row r's storage has room for bulk_max more summaries than it keeps, so
    // what a row receives is appended in place, its front pairs merge straight
    // into the tail of row r + 1, and the rest (fewer than cap) moves to the front.
    static constexpr std::size_t bulk_max = 64;
    // Between pushes a row's storage is readable this many summaries past its
    // count (stale values there): whole-vector loads of a row need no mask.
    static constexpr std::size_t row_slack = bulk_max;
    void push_bulk(const double* xs, std::size_t n) {
        for (; n > bulk_max; xs += bulk_max, n -= bulk_max) push_bulk(xs, bulk_max);
        if (n == 0) return;
        if (width_ == 0.0) shift_ = xs[0];
        // Row 0 (sizes 1, variances 0): the held values, then xs, paired from the front.
        const std::size_t c = count_[0], all = c + n;
        {
            // In registers (xs could alias the members, as far as the compiler knows);
            // xs goes to row 0 in the same pass.
            const double k0 = shift_;
            double sq = sq_, ys = ys_, total = total_;
            double* __restrict row0 = sum_.data() + c;
            for (std::size_t i = 0; i < n; ++i) {
                row0[i] = xs[i];
                add_running(xs[i], k0, sq, ys, total);
            }
            sq_ = sq;
            ys_ = ys;
            total_ = total;
            width_ += static_cast<double>(n);
        }
        if (all < cap_) {
            std::fill_n(var_.data() + c, n, 0.0);
            count_[0] = all;
            return;
        }
        std::size_t k = (all + 2 - cap_) / 2;
        if (count_.size() == 1) add_row();
        {
            double* __restrict s = sum_.data();
            double* __restrict v = var_.data();
            double* __restrict ts = s + stride_ + count_[1];
            double* __restrict tv = v + stride_ + count_[1];
            for (std::size_t j = 0; j < k; ++j) {
                // merge_values at r = 0: sizes 1, variances 0 (0 + 0 + term is term).
                const double t0 = s[2 * j], t1 = s[2 * j + 1], d = t0 - t1;
                ts[j] = t0 + t1;
                tv[j] = rounded(rounded(0.5 * d) * d);
            }
            for (std::size_t i = 2 * k; i < all; ++i) {
                s[i - 2 * k] = s[i];
                v[i - 2 * k] = 0.0;
            }
            count_[0] = all - 2 * k;
        }
        // Rows 1, 2, ...: k summaries were appended to row r.
        for (std::size_t r = 1;; ++r) {
            const std::size_t m = count_[r] + k;
            if (m < cap_) {
                count_[r] = m;
                return;
            }
            k = (m + 2 - cap_) / 2;
            if (r + 1 == count_.size()) add_row();
            double* __restrict s = sum_.data() + r * stride_;
            double* __restrict v = var_.data() + r * stride_;
            double* __restrict ts = s + stride_ + count_[r + 1];
            double* __restrict tv = v + stride_ + count_[r + 1];
            for (std::size_t j = 0; j < k; ++j) merge_values(r, s[2 * j], v[2 * j], s[2 * j + 1], v[2 * j + 1], ts[j], tv[j]);
            for (std::size_t i = 2 * k; i < m; ++i) {
                s[i - 2 * k] = s[i];
                v[i - 2 * k] = v[i];
            }
            count_[r] = m - 2 * k;
        }
    }

    // Remove the oldest summary (last row, entry 0), updating width, total and
    // the shifted sums.
    void drop_oldest() {
        const std::size_t last = count_.size() - 1;
        const double n = static_cast<double>(std::uint64_t{1} << last);
        const double t = sum_[last * stride_];
        const double y = t - n * shift_;
        sq_ -= var_[last * stride_] + y * y * pow2_neg(last);
        ys_ -= y;
        width_ -= n;
        total_ -= t;
        drop_front(last, 1);
        // Rows left empty on top go (with max_buckets = 1 a merge empties a row,
        // so the row below the dropped one can be empty too).
        while (count_.size() > 1 && count_.back() == 0) count_.pop_back();
        sum_.resize(count_.size() * stride_);
        var_.resize(count_.size() * stride_);
    }

    // ---- the state ----
    std::size_t rows() const noexcept { return count_.size(); }
    std::size_t count(std::size_t r) const noexcept { return count_[r]; }
    // The k-th oldest summary of row r (k < count(r)).
    double sum(std::size_t r, std::size_t k) const noexcept { return sum_[r * stride_ + k]; }
    double var(std::size_t r, std::size_t k) const noexcept { return var_[r * stride_ + k]; }
    // Row r's sums, oldest first (count(r) of them).
    const double* sums(std::size_t r) const noexcept { return sum_.data() + r * stride_; }
    std::size_t n_buckets() const noexcept {
        std::size_t s = 0;
        for (const std::size_t c : count_) s += c;
        return s;
    }
    double width() const noexcept { return width_; }
    double total() const noexcept { return total_; }
    // The window's sum of squared deviations from its mean.
    double window_variance() const noexcept {
        if (width_ == 0.0) return 0.0;
        const double v = sq_ - ys_ * (ys_ / width_);
        return v > 0.0 ? v : 0.0;
    }

    // 2^r, the values per summary of row r (r < 64).
    static double row_size(std::size_t r) noexcept { return static_cast<double>(std::uint64_t{1} << r); }
    // 2^-r for a row index (r < 64), built from its IEEE 754 exponent bits.
    static double pow2_neg(std::size_t r) noexcept {
        return std::bit_cast<double>((std::uint64_t{1023} - r) << 52);
    }

private:
    // River's running total, and the shifted sums of y = x - K (K the window's
    // first value): sq = sum y^2, ys = sum y, the window's sum of squared
    // deviations being sq - ys^2 / W. A merge leaves sum(var + y_bucket^2 / size)
    // unchanged (Chan's identity), so only pushes and drops move sq.
    static void add_running(double x, double k0, double& sq, double& ys, double& total) noexcept {
        const double y = x - k0;
        sq += rounded(y * y);
        ys += y;
        total += x;
    }

    // The product stays a product: rounded() (__builtin_assoc_barrier) keeps the
    // scalar code from fusing it into v0 + v1 as an FMA, but not the vectorised
    // loop of push_bulk at -O3, which then differs from push in the last bit.
    static double opaque(double v) noexcept {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
        __asm__("" : "+x"(v));
#elif defined(__GNUC__) && defined(__aarch64__)
        __asm__("" : "+w"(v));
#else
        v = rounded(v);
#endif
        return v;
    }

    // River's merge of two summaries of 2^r values each (older t0, newer t1):
    // sum t0 + t1, variance v0 + v1 + n/2 (mu0 - mu1)^2, n = 2^r exactly.
    static void merge_values(std::size_t r, double t0, double v0, double t1, double v1, double& t,
                             double& v) noexcept {
        const double n = static_cast<double>(std::uint64_t{1} << r), inv_n = pow2_neg(r);
        // n is a power of two: t * (1 / n) is t / n exactly, without a division.
        const double mu0 = t0 * inv_n, mu1 = t1 * inv_n;
        v = v0 + v1 + opaque(rounded(n * 0.5 * (mu0 - mu1)) * (mu0 - mu1));
        t = t0 + t1;
    }
    void merge(std::size_t r, std::size_t k, double& t, double& v) const noexcept {
        const std::size_t i = r * stride_ + k;
        merge_values(r, sum_[i], var_[i], sum_[i + 1], var_[i + 1], t, v);
    }

    void add_row() {
        count_.push_back(0);
        sum_.resize(sum_.size() + stride_, 0.0);
        var_.resize(var_.size() + stride_, 0.0);
    }

    // Drop the k oldest summaries of row r (at most cap - k remain to move).
    void drop_front(std::size_t r, std::size_t k) noexcept {
        double* s = &sum_[r * stride_];
        double* v = &var_[r * stride_];
        const std::size_t left = count_[r] - k;
        for (std::size_t i = 0; i < left; ++i) {
            s[i] = s[i + k];
            v[i] = v[i + k];
        }
        count_[r] = left;
    }

    std::size_t cap_, stride_;  // summaries kept per row (at most cap_ - 1 between pushes); storage per row
    std::vector<std::size_t> count_;
    std::vector<double> sum_, var_;  // row r at [r * cap_, r * cap_ + count_[r])
    double width_ = 0.0, total_ = 0.0;
    double shift_ = 0.0, sq_ = 0.0, ys_ = 0.0;  // K, sum (x - K)^2, sum (x - K)
};

}  // namespace tessera::drift::detail
