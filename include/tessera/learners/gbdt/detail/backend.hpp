// tessera/learners/gbdt/detail/backend.hpp — the steps of growing one tree,
// behind a backend object, so that the grower (detail/grower.hpp) drives the
// CPU backend below or a device backend (gbdt-cuda) with the same code.
//
// Interface a backend provides (the grower uses nothing else):
//
//   std::size_t total_bins() const;
//       cells in one node histogram (sum over features of n_bins).
//   void begin_tree(const gh_pair* q, const fixed_scale& s, std::uint32_t n_root);
//       the quantized (g, h) of every row for this tree (host array, indexed
//       by row) and the number of rows at the root: the row list is rows()[0,
//       n_root), set by the caller through rows() before begin_tree.
//   std::uint32_t* rows();
//       the row-index list; node k owns a contiguous range [begin, end).
//   void build_histogram(std::uint32_t begin, std::uint32_t end, hist_cell* out);
//       out = histogram of rows()[begin, end) (out is overwritten).
//   void subtract(hist_cell* parent_in_larger_out, const hist_cell* smaller);
//       exact integer parent - smaller, in place.
//   optional: void build_and_subtract(begin, end, hist_cell* out, hist_cell* parent);
//       build_histogram then subtract(parent, out) in one step (the grower
//       uses it when the backend has it).
//   split_info find_split(const hist_cell* h, const node_sums& total,
//                         const std::uint8_t* feature_mask) const;
//       best split (split_finder.hpp rules, settings given at construction).
//   std::uint32_t partition(std::uint32_t begin, std::uint32_t end, const split_info& s);
//       reorders rows()[begin, end) stably into left rows then right rows and
//       returns the number of left rows.
//
// The CPU backend: row-wise histograms from the row-major bins, one partial
// histogram per thread over contiguous row blocks, then each thread adds the
// partials and subtracts from the parent on its own range of cells (integer
// sums: identical for any thread count); the split search gives each thread a
// range of features and keeps the first best in feature order; partition
// reads the split feature from the column-major bins through a 256-entry
// go-left table, in 8 Ki-row chunks that write their lefts and rights to
// scratch, then copy them to their final places (a stable partition: the same
// rows for any chunking).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <tessera/exec/thread_pool.hpp>
#include <tessera/learners/gbdt/binning.hpp>
#include <tessera/learners/gbdt/detail/histogram.hpp>
#include <tessera/learners/gbdt/detail/split_finder.hpp>
#include <tessera/learners/gbdt/detail/split_math.hpp>

namespace tessera::gbdt::detail {

// 32-byte aligned storage for histogram cells.
class hist_buffer {
public:
    hist_buffer() = default;
    explicit hist_buffer(std::size_t n) : v_(n) {}
    hist_cell* data() noexcept { return v_.data(); }
    const hist_cell* data() const noexcept { return v_.data(); }
    std::size_t size() const noexcept { return v_.size(); }

private:
    std::vector<hist_cell> v_;  // hist_cell is alignas(32): new[] honours it (C++17)
};

class cpu_backend {
public:
    // threads: 1 = the plain sequential path (seq policy uses the reference
    // histogram loop), > 1 = the thread pool.
    cpu_backend(const dataset& d, const split_settings& st, unsigned threads, bool reference)
        : data_(&d), st_(st), threads_(std::max(1u, threads)), reference_(reference) {
        const std::size_t F = d.features();
        offset_.resize(F + 1);
        offset_[0] = 0;
        for (std::size_t f = 0; f < F; ++f) offset_[f + 1] = offset_[f] + d.mapper(f).n_bins();
        rows_.resize(d.rows());
        scratch_.resize(d.rows());
        partial_.resize(threads_ - 1);
        for (auto& p : partial_) p = hist_buffer(offset_[F]);
        // feature ranges of the parallel split search: one per thread (at most
        // max_split_ranges), cut at about equal bin counts, none empty
        const std::size_t R = std::min<std::size_t>({threads_, max_split_ranges, F});
        feature_split_.assign(1, 0);
        for (std::size_t r = 1; r < R; ++r) {
            std::size_t f = feature_split_.back() + 1;
            while (f < F - (R - r) && offset_[f] * R < offset_[F] * r) ++f;
            feature_split_.push_back(f);
        }
        feature_split_.push_back(F);
    }

    std::size_t total_bins() const noexcept { return offset_.back(); }
    const std::uint32_t* offsets() const noexcept { return offset_.data(); }
    std::uint32_t* rows() noexcept { return rows_.data(); }
    const fixed_scale& scale() const noexcept { return scale_; }
    const dataset& data() const noexcept { return *data_; }

    void begin_tree(const gh_pair* q, const fixed_scale& s, std::uint32_t n_root) {
        q_ = q;
        scale_ = s;
        n_root_ = n_root;
    }

    void build_histogram(std::uint32_t begin, std::uint32_t end, hist_cell* out) {
        build_and_subtract(begin, end, out, nullptr);
    }

    // out = histogram of rows()[begin, end); then, when parent != nullptr,
    // parent -= out (the larger sibling by subtraction). With threads, each
    // thread accumulates a contiguous block of rows into its own buffer, then
    // each thread owns a range of cells, where it adds the partials into out
    // and subtracts out from the parent (no serial pass over the histogram).
    void build_and_subtract(std::uint32_t begin, std::uint32_t end, hist_cell* out, hist_cell* parent) {
        const std::size_t F = data_->features();
        const std::uint8_t* bins = data_->row_bins();
        const std::size_t n = end - begin;
        const std::size_t C = total_bins();
        // the root of an unsampled tree is rows 0..n-1 in order: no index gather
        const std::uint32_t* rows = (begin == 0 && n == data_->rows() && n_root_ == n) ? nullptr : rows_.data() + begin;
        if (reference_) {
            zero_histogram(out, C);
            if (!rows) {
                for (std::size_t i = 0; i < n; ++i) scratch_[i] = static_cast<std::uint32_t>(i);
                build_histogram_seq(bins, F, offset_.data(), q_, scratch_.data(), n, out);
            } else {
                build_histogram_seq(bins, F, offset_.data(), q_, rows, n, out);
            }
            if (parent) subtract_histogram(parent, out, C);
            return;
        }
        const std::size_t per = 2048;  // rows per thread below which fewer threads are faster
        const std::size_t T = std::min<std::size_t>(threads_, std::max<std::size_t>(1, n / per));
        if (T <= 1) {
            build_histogram_block(bins, F, offset_.data(), q_, rows, n, out);
            if (parent) subtract(parent, out);
            return;
        }
        auto& pool = exec::thread_pool::instance();
        pool.run(static_cast<unsigned>(T), T, [&](std::size_t t) {
            const std::size_t b = n * t / T, e = n * (t + 1) / T;
            hist_cell* dst = t == 0 ? out : partial_[t - 1].data();
            if (rows) build_histogram_block(bins + 0, F, offset_.data(), q_, rows + b, e - b, dst);
            else build_histogram_block(bins + b * F, F, offset_.data(), q_ + b, nullptr, e - b, dst);
        });
        pool.run(static_cast<unsigned>(T), T, [&](std::size_t t) {
            const std::size_t c0 = C * t / T, c1 = C * (t + 1) / T;
            for (std::size_t u = 1; u < T; ++u) add_histogram(out + c0, partial_[u - 1].data() + c0, c1 - c0);
            if (parent) subtract_histogram(parent + c0, out + c0, c1 - c0);
        });
    }

    // parent -= smaller, exactly (with threads, each takes a range of cells)
    void subtract(hist_cell* parent, const hist_cell* smaller) const {
        const std::size_t C = total_bins();
        if (threads_ <= 1 || reference_) {
            subtract_histogram(parent, smaller, C);
            return;
        }
        exec::thread_pool::instance().run(threads_, threads_, [&](std::size_t t) {
            const std::size_t c0 = C * t / threads_, c1 = C * (t + 1) / threads_;
            subtract_histogram(parent + c0, smaller + c0, c1 - c0);
        });
    }

    // With threads, each scans a contiguous range of features (about equal
    // numbers of bins); the ranges' results are combined in feature order,
    // which gives the split of one scan over all features.
    split_info find_split(const hist_cell* h, const node_sums& total, const std::uint8_t* mask) const {
        const auto& mappers = data_->mappers();
        const std::size_t R = feature_split_.size() - 1;
        if (R <= 1 || reference_) return find_best_split(h, mappers, offset_.data(), mask, total, scale_, st_);
        if (total.c < 2 * st_.c.min_data_in_leaf) return split_info{};
        const double parent_gain = node_gain(total, scale_, st_.c);
        std::array<split_info, max_split_ranges> part;
        exec::thread_pool::instance().run(threads_, R, [&](std::size_t r) {
            part[r] = find_best_split_range(h, mappers, offset_.data(), mask, total, scale_, st_, parent_gain,
                                            feature_split_[r], feature_split_[r + 1]);
        });
        split_info best = part[0];
        for (std::size_t r = 1; r < R; ++r) best = better_split(best, part[r]);
        return best;
    }

    std::uint32_t partition(std::uint32_t begin, std::uint32_t end, const split_info& s) {
        const auto f = static_cast<std::size_t>(s.feature);
        const bin_mapper& m = data_->mapper(f);
        std::array<std::uint8_t, 256> lut{};
        for (std::uint32_t b = 0; b < m.n_bins(); ++b) lut[b] = s.bin_left(b, m.nan_bin()) ? 1 : 0;
        const std::uint8_t* col = data_->col_bins(f);
        std::uint32_t* rows = rows_.data() + begin;
        std::uint32_t* tmp = scratch_.data() + begin;
        const std::size_t n = end - begin;
        constexpr std::size_t chunk = std::size_t{1} << 13;
        const std::size_t nc = (n + chunk - 1) / chunk;
        if (nc <= 1 || threads_ <= 1 || reference_) {
            // in place: lefts compact to the front, rights to scratch, then copied back
            std::size_t nl = 0, nr = 0;
            for (std::size_t j = 0; j < n; ++j) {
                const std::uint32_t r = rows[j];
                const std::size_t go = lut[col[r]];
                rows[nl] = r;
                tmp[nr] = r;
                nl += go;
                nr += 1 - go;
            }
            std::memcpy(rows + nl, tmp, nr * sizeof(std::uint32_t));
            return static_cast<std::uint32_t>(nl);
        }
        // chunk c writes its lefts to tmp[c*chunk ...) and its rights to
        // right_[c*chunk ...); then each chunk copies them to their final
        // places, lefts from lpos[c], rights from total_left + rpos[c].
        right_.resize(std::max(right_.size(), n));
        std::uint32_t* rt = right_.data();
        counts_.assign(2 * nc, 0);
        auto& pool = exec::thread_pool::instance();
        pool.run(threads_, nc, [&](std::size_t c) {
            const std::size_t b = c * chunk, e = std::min(n, b + chunk);
            std::size_t nl = 0, nr = 0;
            for (std::size_t j = b; j < e; ++j) {
                const std::uint32_t r = rows[j];
                const std::size_t go = lut[col[r]];
                tmp[b + nl] = r;
                rt[b + nr] = r;
                nl += go;
                nr += 1 - go;
            }
            counts_[2 * c] = nl;
            counts_[2 * c + 1] = nr;
        });
        std::size_t total_left = 0;
        for (std::size_t c = 0; c < nc; ++c) total_left += counts_[2 * c];
        pos_.resize(2 * nc);
        std::size_t lp = 0, rp = total_left;
        for (std::size_t c = 0; c < nc; ++c) {
            pos_[2 * c] = lp;
            pos_[2 * c + 1] = rp;
            lp += counts_[2 * c];
            rp += counts_[2 * c + 1];
        }
        pool.run(threads_, nc, [&](std::size_t c) {
            const std::size_t b = c * chunk;
            std::memcpy(rows + pos_[2 * c], tmp + b, counts_[2 * c] * sizeof(std::uint32_t));
            std::memcpy(rows + pos_[2 * c + 1], rt + b, counts_[2 * c + 1] * sizeof(std::uint32_t));
        });
        return static_cast<std::uint32_t>(total_left);
    }

private:
    static constexpr std::size_t max_split_ranges = 8;
    const dataset* data_;
    split_settings st_;
    unsigned threads_;
    bool reference_;
    std::vector<std::uint32_t> offset_;
    std::vector<std::uint32_t> rows_;
    std::vector<std::uint32_t> scratch_;
    std::vector<std::uint32_t> right_;
    std::vector<std::size_t> counts_, pos_;
    std::vector<hist_buffer> partial_;
    std::vector<std::size_t> feature_split_;  // parallel split search: range r is [split[r], split[r+1])
    const gh_pair* q_ = nullptr;
    fixed_scale scale_{};
    std::uint32_t n_root_ = 0;
};

}  // namespace tessera::gbdt::detail
