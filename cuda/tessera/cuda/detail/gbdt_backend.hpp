// tessera/cuda/detail/gbdt_backend.hpp — the device backend of GBDT training:
// the grow steps of learners/gbdt/detail/backend.hpp (total_bins, rows,
// begin_tree, build_histogram, subtract, find_split, partition, scale, data)
// on a Thrust back end object (omp_backend under g++, cuda_backend under nvcc),
// so gbdt::detail::grower drives it exactly as it drives the CPU backend.
//
// What lives where:
//   device  the binned matrix (row-major for histograms, column-major for
//           partitions), the quantized (g, h) of the tree, the row-index list,
//           and a device copy of every histogram the grower owns (keyed by the
//           host buffer's address; the grower mutates histograms only through
//           the backend, and writes a buffer with build_histogram before any
//           other use);
//   host    the grower's histogram buffers are kept equal to the device copies
//           (downloaded after build and subtract: the interface promises them),
//           and the row list after each partition (the trainer reads leaf row
//           ranges from rows()).
// Steps: node histograms by the raw kernel (gbdt_hist_kernel.hpp), the larger
// child by exact integer subtraction, numerical splits by the scan + arg-max
// of gbdt_split.hpp with the CPU finder's candidate set and split_math's gain,
// partitions by thrust::stable_partition (the CPU's order: lefts, then rights,
// each in their previous order). Categorical features are scanned on the host
// by the CPU finder's own scan_categorical over the downloaded histogram (a sort
// of at most 256 categories per feature), and merged in the CPU's visiting
// order. Integer histograms + the same gain function + the same tie order:
// the trees are the CPU backend's, bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tessera/cuda/detail/common.hpp>
#include <tessera/cuda/detail/gbdt_histogram.hpp>
#include <tessera/cuda/detail/gbdt_partition.hpp>
#include <tessera/cuda/detail/gbdt_split.hpp>
#include <tessera/learners/gbdt/binning.hpp>
#include <tessera/learners/gbdt/detail/backend.hpp>  // hist_cell, gh_pair, split_info, scan_categorical
#include <tessera/learners/gbdt/detail/trainer.hpp>  // train_with (once gbdt-core has it)

namespace tessera::device_detail {

// The CPU split finder's numerical candidates (split_finder.hpp, scan_numerical)
// and gain (split_math.hpp, split_gain): NaN right with thresholds 0..V-2, and
// V-1 when the node has NaN rows; NaN left with 0..V-2 only when it has NaN
// rows and V >= 2; a candidate counts when its gain > min_split_gain.
struct gbdt_split_rules {
    gbdt::detail::node_sums total;
    gbdt::detail::fixed_scale scale;
    gbdt::detail::split_constraints c;
    double parent_gain;

    TESSERA_HD double evaluate(const split_candidate& s, const candidate_context& ctx) const {
        const std::uint32_t V = ctx.n_value_bins;
        const bool has_nan = ctx.nan_count > 0;
        if (s.nan_left) {
            if (!has_nan || V < 2 || s.bin > V - 2) return no_gain;
        } else if (V == 0 || s.bin >= (has_nan ? V : V - 1)) {
            return no_gain;
        }
        const gbdt::detail::node_sums left{s.left.g, s.left.h, s.left.c};
        const double gain = gbdt::detail::split_gain(total, left, scale, c, parent_gain, c.lambda_l2);
        return gain > c.min_split_gain ? gain : no_gain;
    }
};

template <class Base>
class gbdt_backend {
public:
    template <class T>
    using buffer = typename Base::template buffer<T>;

    // block / smem_limit: the node-histogram launch (tests vary them).
    gbdt_backend(const Base& base, const gbdt::dataset& d, const gbdt::detail::split_settings& st,
                 unsigned block = 256, std::size_t smem_limit = 48 * 1024)
        : gbdt_backend(base, d, st, block, smem_limit, host_layout(d, block, smem_limit)) {}

    gbdt_backend(const gbdt_backend&) = delete;
    gbdt_backend& operator=(const gbdt_backend&) = delete;

    std::size_t total_bins() const noexcept { return offsets_.back(); }
    const std::uint32_t* offsets() const noexcept { return offsets_.data(); }
    std::uint32_t* rows() noexcept { return rows_.data(); }
    const gbdt::detail::fixed_scale& scale() const noexcept { return scale_; }
    const gbdt::dataset& data() const noexcept { return *data_; }

    void begin_tree(const gbdt::detail::gh_pair* q, const gbdt::detail::fixed_scale& s,
                    std::uint32_t n_root) {
        scale_ = s;
        gh_ = be_.upload(std::span<const gbdt::detail::gh_pair>(q, n_));
        d_rows_ = be_.upload(std::span<const std::uint32_t>(rows_.data(), n_root));
    }

    void build_histogram(std::uint32_t begin, std::uint32_t end, gbdt::detail::hist_cell* out) {
        ull* h = raw(mirror(out));
        auto plan = plan_node_hist(end - begin, offsets_.data(), F_, block_, 512, smem_limit_);
        const node_hist_args args{raw(d_rows_) + begin, static_cast<std::size_t>(end - begin),
                                  raw(row_bins_), F_, raw(d_offsets_), raw(d_groups_),
                                  raw(gh_), h};
        build_node_histogram(be_, plan, args, total_bins());
        to_host(h, out);
    }

    void subtract(gbdt::detail::hist_cell* parent, const gbdt::detail::hist_cell* smaller) {
        ull* p = raw(mirror(parent));
        subtract_histogram(be_, p, raw(mirror(smaller)), p, total_bins());
        to_host(p, parent);
    }

    gbdt::detail::split_info find_split(const gbdt::detail::hist_cell* h,
                                        const gbdt::detail::node_sums& total,
                                        const std::uint8_t* mask) const {
        gbdt::detail::split_info best;
        if (total.c < 2 * st_.c.min_data_in_leaf) return best;
        const double parent_gain = gbdt::detail::node_gain(total, scale_, st_.c);
        std::vector<std::uint8_t> allowed(F_);
        for (std::size_t f = 0; f < F_; ++f)
            allowed[f] = (mask == nullptr || mask[f]) && !data_->mapper(f).categorical ? 1 : 0;
        const auto d_allowed = be_.upload(std::span<const std::uint8_t>(allowed));
        const split_layout L{raw(d_offsets_), raw(d_nan_bin_), raw(d_bin_feature_),
                             raw(d_allowed), F_, total_bins()};
        const split_candidate s =
            find_best_split(be_, raw(mirror(h)), L, fixed_sums{total.g, total.h, total.c},
                            raw(prefix_), gbdt_split_rules{total, scale_, st_.c, parent_gain});
        if (s.gain != no_gain) {
            best.gain = s.gain;
            best.feature = static_cast<std::int32_t>(s.feature);
            best.default_left = s.nan_left != 0;
            best.threshold_bin = s.bin;
            best.left = gbdt::detail::node_sums{s.left.g, s.left.h, s.left.c};
        }
        if (!any_categorical_) return best;
        // Categorical features on the host, in feature order; the CPU visits all
        // features in one ascending pass and keeps strictly better candidates,
        // so the winner is the larger gain, ties to the lower feature.
        gbdt::detail::split_info cat;
        for (std::size_t f = 0; f < F_; ++f) {
            const auto& m = data_->mapper(f);
            if (!m.categorical || (mask != nullptr && !mask[f])) continue;
            gbdt::detail::scan_categorical(cat, h + offsets_[f], m.n_value_bins,
                                           static_cast<std::int32_t>(f), total, scale_, st_,
                                           parent_gain);
        }
        if (cat.valid() && (!best.valid() || cat.gain > best.gain ||
                            (cat.gain == best.gain && cat.feature < best.feature)))
            return cat;
        return best;
    }

    std::uint32_t partition(std::uint32_t begin, std::uint32_t end,
                            const gbdt::detail::split_info& s) {
        const auto f = static_cast<std::size_t>(s.feature);
        const auto& m = data_->mapper(f);
        std::vector<std::uint32_t> bits(8, 0);
        for (std::size_t w = 0; w < 4; ++w) {
            bits[2 * w] = static_cast<std::uint32_t>(s.cat_left[w]);
            bits[2 * w + 1] = static_cast<std::uint32_t>(s.cat_left[w] >> 32);
        }
        const auto d_bits = be_.upload(std::span<const std::uint32_t>(bits));
        const goes_left_fn left{raw(col_bins_) + f * n_, 1, s.threshold_bin, m.nan_bin(),
                                s.categorical ? false : s.default_left,
                                s.categorical ? raw(d_bits) : nullptr};
        const std::size_t n = end - begin;
        const std::size_t nl = partition_rows(be_, raw(d_rows_) + begin, n, left);
        if (n != 0) be_.download(d_rows_.data() + begin, n, rows_.data() + begin);
        return static_cast<std::uint32_t>(nl);
    }

private:
    // The bin layout on the host: flat offsets, the kernel's feature groups, each
    // feature's NaN bin (flat) and each flat bin's feature.
    struct layout {
        std::vector<std::uint32_t> offsets, groups, nan_bin, bin_feature;
        bool any_categorical = false;
    };
    static layout host_layout(const gbdt::dataset& d, unsigned block, std::size_t smem_limit) {
        layout l;
        const std::size_t F = d.features();
        l.offsets.assign(F + 1, 0);
        for (std::size_t f = 0; f < F; ++f) {
            const auto& m = d.mapper(f);
            l.offsets[f + 1] = l.offsets[f] + m.n_bins();
            l.nan_bin.push_back(l.offsets[f] + m.nan_bin());
            l.bin_feature.insert(l.bin_feature.end(), m.n_bins(), static_cast<std::uint32_t>(f));
            l.any_categorical = l.any_categorical || m.categorical;
        }
        l.groups = plan_node_hist(0, l.offsets.data(), F, block, 1, smem_limit).groups;
        return l;
    }

    gbdt_backend(const Base& base, const gbdt::dataset& d, const gbdt::detail::split_settings& st,
                 unsigned block, std::size_t smem_limit, layout l)
        : be_(base), data_(&d), st_(st), block_(block), smem_limit_(smem_limit), n_(d.rows()),
          F_(d.features()), any_categorical_(l.any_categorical), offsets_(std::move(l.offsets)),
          rows_(n_), staging_(cell_words * offsets_.back()),
          row_bins_(be_.upload(std::span<const std::uint8_t>(d.row_bins(), n_ * F_))),
          col_bins_(be_.upload(std::span<const std::uint8_t>(d.col_bins(0), n_ * F_))),
          d_rows_(be_.template alloc<std::uint32_t>(0)),
          gh_(be_.template alloc<gbdt::detail::gh_pair>(0)),
          d_offsets_(be_.upload(std::span<const std::uint32_t>(offsets_))),
          d_groups_(be_.upload(std::span<const std::uint32_t>(l.groups))),
          d_nan_bin_(be_.upload(std::span<const std::uint32_t>(l.nan_bin))),
          d_bin_feature_(be_.upload(std::span<const std::uint32_t>(l.bin_feature))),
          prefix_(be_.template alloc<fixed_sums>(offsets_.back())) {}

    template <class Buf>
    static auto raw(Buf& b) {
        return thrust::raw_pointer_cast(b.data());
    }

    // The device copy of the grower's histogram buffer `h` (created on first use).
    buffer<ull>& mirror(const gbdt::detail::hist_cell* h) const {
        auto it = mirrors_.find(h);
        if (it == mirrors_.end()) {
            staging_.assign(cell_words * total_bins(), 0);
            std::memcpy(staging_.data(), static_cast<const void*>(h), staging_.size() * sizeof(ull));
            it = mirrors_.emplace(h, be_.upload(std::span<const ull>(staging_))).first;
        }
        return it->second;
    }

    void to_host(const ull* d, gbdt::detail::hist_cell* out) const {
        be_.download(thrust::device_pointer_cast(d), staging_.size(), staging_.data());
        std::memcpy(static_cast<void*>(out), staging_.data(), staging_.size() * sizeof(ull));
    }

    Base be_;
    const gbdt::dataset* data_;
    gbdt::detail::split_settings st_;
    unsigned block_;
    std::size_t smem_limit_;
    std::size_t n_, F_;
    bool any_categorical_ = false;
    gbdt::detail::fixed_scale scale_{};
    std::vector<std::uint32_t> offsets_, rows_;
    mutable std::vector<ull> staging_;
    buffer<std::uint8_t> row_bins_, col_bins_;
    buffer<std::uint32_t> d_rows_;
    buffer<gbdt::detail::gh_pair> gh_;
    buffer<std::uint32_t> d_offsets_, d_groups_, d_nan_bin_, d_bin_feature_;
    mutable buffer<fixed_sums> prefix_;  // scan scratch
    mutable std::unordered_map<const gbdt::detail::hist_cell*, buffer<ull>> mirrors_;
};

// The backend as a factory, the shape gbdt-core's trainer takes a backend in.
template <class Base>
struct gbdt_backend_factory {
    Base base;
    gbdt_backend<Base> operator()(const gbdt::dataset& d, const gbdt::detail::split_settings& st) const {
        return gbdt_backend<Base>(base, d, st);
    }
};

// gbdt-core's boosting loop with this backend growing the trees; the host
// steps of a round (gradients, quantization, leaf values, scores, metrics) run
// on the CPU with exec::par, whose results are bitwise those of every policy.
template <class Base>
gbdt::model train_on(const Base& be, const gbdt::dataset& d, const gbdt::detail::fit_labels& lab,
                     std::size_t K, const gbdt::detail::grad_source& src, std::vector<double> base,
                     const std::vector<double>& w, const gbdt::params& p,
                     const gbdt::fit_options& opt) {
    return gbdt::detail::train_with(exec::select_backend(exec::par), gbdt_backend_factory<Base>{be}, d, lab,
                                    K, src, std::move(base), w, p, opt);
}

}  // namespace tessera::device_detail
