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
//   split_info find_split(const hist_cell* h, const node_sums& total,
//                         const std::uint8_t* feature_mask) const;
//       best split (split_finder.hpp rules, settings given at construction).
//   std::uint32_t partition(std::uint32_t begin, std::uint32_t end, const split_info& s);
//       reorders rows()[begin, end) stably into left rows then right rows and
//       returns the number of left rows.
//
// The CPU backend: row-wise histograms from the row-major bins, one partial
// histogram per thread over contiguous row blocks, added afterwards (integer
// sums: identical for any thread count); partition reads the split feature
// from the column-major bins through a 256-entry go-left table, in fixed
// 16 Ki-row chunks written to scratch and copied back in chunk order.
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
        const std::size_t F = data_->features();
        const std::uint8_t* bins = data_->row_bins();
        const std::size_t n = end - begin;
        // the root of an unsampled tree is rows 0..n-1 in order: no index gather
        const std::uint32_t* rows = (begin == 0 && n == data_->rows() && n_root_ == n) ? nullptr : rows_.data() + begin;
        if (reference_) {
            zero_histogram(out, total_bins());
            if (!rows) {
                for (std::size_t i = 0; i < n; ++i) scratch_[i] = static_cast<std::uint32_t>(i);
                build_histogram_seq(bins, F, offset_.data(), q_, scratch_.data(), n, out);
            } else {
                build_histogram_seq(bins, F, offset_.data(), q_, rows, n, out);
            }
            return;
        }
        const std::size_t per = 4096;  // rows per thread below which fewer threads are faster
        const std::size_t T = std::min<std::size_t>(threads_, std::max<std::size_t>(1, n / per));
        if (T <= 1) {
            build_histogram_block(bins, F, offset_.data(), q_, rows, n, out);
            return;
        }
        exec::thread_pool::instance().run(static_cast<unsigned>(T), T, [&](std::size_t t) {
            const std::size_t b = n * t / T, e = n * (t + 1) / T;
            hist_cell* dst = t == 0 ? out : partial_[t - 1].data();
            if (rows) build_histogram_block(bins + 0, F, offset_.data(), q_, rows + b, e - b, dst);
            else build_histogram_block(bins + b * F, F, offset_.data(), q_ + b, nullptr, e - b, dst);
        });
        for (std::size_t t = 1; t < T; ++t) add_histogram(out, partial_[t - 1].data(), total_bins());
    }

    void subtract(hist_cell* parent, const hist_cell* smaller) const {
        subtract_histogram(parent, smaller, total_bins());
    }

    split_info find_split(const hist_cell* h, const node_sums& total, const std::uint8_t* mask) const {
        return find_best_split(h, data_->mappers(), offset_.data(), mask, total, scale_, st_);
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
        constexpr std::size_t chunk = std::size_t{1} << 14;
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
        // chunk c writes its lefts to tmp[c*chunk ...) and its rights to rows[c*chunk ...)
        // after reading them (each chunk only touches its own range), then
        // everything is gathered in chunk order through a second scratch pass.
        counts_.assign(2 * nc, 0);
        exec::thread_pool::instance().run(threads_, nc, [&](std::size_t c) {
            const std::size_t b = c * chunk, e = std::min(n, b + chunk);
            std::size_t nl = 0, nr = 0;
            for (std::size_t j = b; j < e; ++j) {
                const std::uint32_t r = rows[j];
                const std::size_t go = lut[col[r]];
                tmp[b + nl] = r;
                rows[b + nr] = r;
                nl += go;
                nr += 1 - go;
            }
            counts_[2 * c] = nl;
            counts_[2 * c + 1] = nr;
        });
        // move: lefts (in tmp) and rights (in rows) to their final places.
        // Rights go to a second buffer first, because rows is also the destination.
        right_.resize(std::max(right_.size(), n));
        std::size_t total_left = 0;
        for (std::size_t c = 0; c < nc; ++c) total_left += counts_[2 * c];
        std::vector<std::size_t> lpos(nc), rpos(nc);
        std::size_t lp = 0, rp = 0;
        for (std::size_t c = 0; c < nc; ++c) {
            lpos[c] = lp;
            rpos[c] = rp;
            lp += counts_[2 * c];
            rp += counts_[2 * c + 1];
        }
        exec::thread_pool::instance().run(threads_, nc, [&](std::size_t c) {
            const std::size_t b = c * chunk;
            std::memcpy(right_.data() + rpos[c], rows + b, counts_[2 * c + 1] * sizeof(std::uint32_t));
        });
        exec::thread_pool::instance().run(threads_, nc, [&](std::size_t c) {
            const std::size_t b = c * chunk;
            std::memcpy(rows + lpos[c], tmp + b, counts_[2 * c] * sizeof(std::uint32_t));
        });
        std::memcpy(rows + total_left, right_.data(), (n - total_left) * sizeof(std::uint32_t));
        return static_cast<std::uint32_t>(total_left);
    }

private:
    const dataset* data_;
    split_settings st_;
    unsigned threads_;
    bool reference_;
    std::vector<std::uint32_t> offset_;
    std::vector<std::uint32_t> rows_;
    std::vector<std::uint32_t> scratch_;
    std::vector<std::uint32_t> right_;
    std::vector<std::size_t> counts_;
    std::vector<hist_buffer> partial_;
    const gh_pair* q_ = nullptr;
    fixed_scale scale_{};
    std::uint32_t n_root_ = 0;
};

}  // namespace tessera::gbdt::detail
