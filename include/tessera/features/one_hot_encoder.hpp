// tessera/features/one_hot_encoder.hpp — one indicator column per category.
//
// Reference behaviour: scikit-learn's OneHotEncoder (1.x) on a frame. Per
// encoded column, fit collects the categories (sorted: lexicographically for
// categorical and bool columns, numerically for int64; a null is a category of
// its own, sorted last, as scikit-learn treats NaN/None), groups rare ones
// under one "infrequent" category exactly as `_identify_infrequent`
// (min_frequency: count < min_frequency, or < min_frequency * rows for a
// fraction; max_categories: keep the max_categories - 1 most frequent, ties
// broken by a stable sort of the counts), and drops the first output column
// (after grouping, as scikit-learn) when `drop` says so.
// transform replaces each encoded column, in place, by its indicator columns,
// named `<column>=<category>`, `<column>=null` and `<column>=infrequent`, in
// that order (frequent categories in category order, then the infrequent one).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tessera/core/concepts.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/frame_columns.hpp>

namespace tessera::features {

// The fitted encoder. Immutable; safe to use from many threads at once.
class one_hot_encoder_fitted {
public:
    static constexpr std::string_view type_tag = "tessera.features.one_hot_encoder";
    static constexpr std::uint32_t payload_version = 1;

    // What fit learned about one encoded column. Category indices run over
    // `categories` and then, when has_null, the null category (index size()).
    struct column_state : detail::frame_cols::encoded_column {  // sorted non-null categories
        bool has_null = false;                // a null was seen at fit: its own category
        std::vector<std::int64_t> counts;     // per category index (null last)
        std::vector<std::uint8_t> infrequent; // per category index: 1 = grouped
        bool drop_first = false;              // drop the first output column (after grouping)
    };

    one_hot_encoder_fitted(std::vector<column_state> cols, unknown_category handle_unknown,
                           output_dtype out)
        : cols_(std::move(cols)), unknown_(handle_unknown), out_(out) {
        for (const auto& c : cols_) layout_.push_back(make_layout(c));
    }

    const std::vector<column_state>& columns() const noexcept { return cols_; }
    unknown_category handle_unknown() const noexcept { return unknown_; }
    output_dtype dtype_out() const noexcept { return out_; }

    // The output column names that replace encoded column i, in order.
    const std::vector<std::string>& feature_names_out(std::size_t i) const {
        if (i >= cols_.size())
            throw errors::out_of_bounds("one_hot_encoder::feature_names_out", "column index", i,
                                        cols_.size());
        return layout_[i].names;
    }
    // The categories of encoded column i grouped as infrequent ("null" for the null one).
    std::vector<std::string> infrequent_categories(std::size_t i) const {
        if (i >= cols_.size())
            throw errors::out_of_bounds("one_hot_encoder::infrequent_categories", "column index",
                                        i, cols_.size());
        std::vector<std::string> out;
        for (std::size_t k = 0; k < cols_[i].infrequent.size(); ++k)
            if (cols_[i].infrequent[k]) out.push_back(label(cols_[i], k));
        return out;
    }

    template <exec::execution_policy P>
    frame transform(const P&, const frame& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return {};
        } else {
            constexpr std::string_view where = "one_hot_encoder::transform";
            std::vector<std::pair<std::string, std::vector<column>>> replaced;
            for (std::size_t i = 0; i < cols_.size(); ++i) {
                const column_state& s = cols_[i];
                const layout& L = layout_[i];
                const column& c = detail::frame_cols::fitted_column(X, s.name, s.type, where);
                const std::vector<std::int32_t> ids = detail::frame_cols::category_ids(c, s.categories);
                const std::size_t n = c.size();
                std::vector<std::vector<double>> out(L.names.size(), std::vector<double>(n, 0.0));
                const auto null_idx = static_cast<std::int32_t>(s.categories.size());
                for (std::size_t r = 0; r < n; ++r) {
                    std::int32_t k = ids[r];
                    if (k == -1) k = s.has_null ? null_idx : -2;
                    std::int32_t slot;
                    if (k >= 0) {
                        slot = L.slot[static_cast<std::size_t>(k)];
                    } else if (unknown_ == unknown_category::error) {
                        throw detail::frame_cols::unknown_category_error(
                            where, s.name, r, detail::frame_cols::describe(c, r));
                    } else {
                        slot = unknown_ == unknown_category::infrequent_if_exist ? L.infrequent_slot
                                                                                 : -1;
                    }
                    if (slot >= 0) out[static_cast<std::size_t>(slot)][r] = 1.0;
                }
                std::vector<column> cols;
                for (std::size_t j = 0; j < out.size(); ++j)
                    cols.push_back(detail::frame_cols::float_column(L.names[j], std::move(out[j]), out_));
                replaced.emplace_back(s.name, std::move(cols));
            }
            return detail::frame_cols::replace_columns(X, std::move(replaced));
        }
    }
    frame transform(const frame& X) const { return transform(exec::par, X); }

    void save(io::writer& w) const {
        w.put<std::uint32_t>(payload_version);
        w.put<std::uint8_t>(static_cast<std::uint8_t>(unknown_));
        w.put<std::uint8_t>(static_cast<std::uint8_t>(out_));
        w.put<std::uint64_t>(cols_.size());
        for (const auto& c : cols_) {
            detail::frame_cols::put_encoded(w, c);
            w.put<std::uint8_t>(c.has_null ? 1 : 0);
            w.put(c.counts);
            w.put(c.infrequent);
            w.put<std::uint8_t>(c.drop_first ? 1 : 0);
        }
    }

    static one_hot_encoder_fitted load(io::reader& r) {
        constexpr std::string_view owner = "one_hot_encoder";
        namespace fc = detail::frame_cols;
        fc::check_version(r, owner, payload_version);
        const auto unknown = fc::get_enum(r, owner, "handle_unknown",
                                          unknown_category::infrequent_if_exist);
        const auto out = fc::get_enum(r, owner, "dtype", output_dtype::float32);
        const auto n = r.get<std::uint64_t>("column count");
        std::vector<column_state> cols;
        for (std::uint64_t i = 0; i < n; ++i) {
            column_state c;
            static_cast<fc::encoded_column&>(c) = fc::get_encoded(r, owner);
            c.has_null = fc::get_enum(r, owner, "has_null", std::uint8_t{1}) == 1;
            c.counts = r.get_vector<std::int64_t>("counts");
            c.infrequent = r.get_vector<std::uint8_t>("infrequent");
            c.drop_first = fc::get_enum(r, owner, "drop_first", std::uint8_t{1}) == 1;
            const std::size_t k = c.categories.size() + (c.has_null ? 1 : 0);
            if (c.counts.size() != k || c.infrequent.size() != k)
                throw format_error(tessera::detail::concat(
                    owner, ": column '", c.name, "' has ", k, " categories but ", c.counts.size(),
                    " counts and ", c.infrequent.size(), " infrequent flags"));
            cols.push_back(std::move(c));
        }
        return one_hot_encoder_fitted(std::move(cols), unknown, out);
    }

private:
    struct layout {
        std::vector<std::string> names;  // output columns
        std::vector<std::int32_t> slot;  // per category index: output column or -1 (dropped)
        std::int32_t infrequent_slot = -1;
    };

    static std::string label(const column_state& s, std::size_t k) {
        return k < s.categories.size() ? s.categories[k] : std::string("null");
    }

    static layout make_layout(const column_state& s) {
        layout L;
        const std::size_t k = s.infrequent.size();
        L.slot.assign(k, -1);
        const bool any_infrequent =
            std::find(s.infrequent.begin(), s.infrequent.end(), 1) != s.infrequent.end();
        for (std::size_t i = 0; i < k; ++i) {
            if (s.infrequent[i]) continue;
            L.slot[i] = static_cast<std::int32_t>(L.names.size());
            L.names.push_back(s.name + "=" + label(s, i));
        }
        if (any_infrequent) {
            L.infrequent_slot = static_cast<std::int32_t>(L.names.size());
            for (std::size_t i = 0; i < k; ++i)
                if (s.infrequent[i]) L.slot[i] = L.infrequent_slot;
            L.names.push_back(s.name + "=infrequent");
        }
        // scikit-learn drops index 0 *after grouping*: the first output column.
        if (s.drop_first && !L.names.empty()) {
            L.names.erase(L.names.begin());
            for (auto& v : L.slot) --v;  // column 0 becomes -1 (dropped), -1 stays negative
            for (auto& v : L.slot) v = v < 0 ? -1 : v;
            L.infrequent_slot = L.infrequent_slot > 0 ? L.infrequent_slot - 1 : -1;
        }
        return L;
    }

    std::vector<column_state> cols_;
    unknown_category unknown_;
    output_dtype out_;
    std::vector<layout> layout_;
};

// The estimator: hyperparameters only. `fit` returns a one_hot_encoder::fitted.
//   auto f = features::one_hot_encoder{{.handle_unknown = features::unknown_category::ignore}}
//                .fit(exec::seq, X);
class one_hot_encoder {
public:
    struct params {
        // Columns to encode (categorical, bool or int64); empty: every categorical and bool column.
        std::vector<std::string> columns{};
        // error | ignore | infrequent_if_exist.
        unknown_category handle_unknown = unknown_category::error;
        // 0: off; >= 1: a category seen fewer times is infrequent; in (0, 1): fewer
        // than min_frequency * rows times.
        double min_frequency = 0.0;
        // 0: no limit; else at most this many output columns per feature, the
        // infrequent one included.
        std::size_t max_categories = 0;
        drop_policy drop = drop_policy::none;
        output_dtype dtype = output_dtype::float64;
    };
    using fitted = one_hot_encoder_fitted;

    one_hot_encoder() = default;
    explicit one_hot_encoder(params p) : params_(std::move(p)) {}
    const params& get_params() const noexcept { return params_; }

    template <exec::execution_policy P>
    fitted fit(const P&, const frame& X) const {
        if constexpr (exec::device_policy<P>) {
            TESSERA_CUDA_NOT_AVAILABLE(P);
            return fitted({}, unknown_category::error, output_dtype::float64);
        } else {
            constexpr std::string_view where = "one_hot_encoder::fit";
            namespace fc = detail::frame_cols;
            check_params();
            if (X.num_rows() == 0) throw errors::empty_input(where);
            const auto names = fc::resolve(X, params_.columns, where, "categorical, bool or int64",
                                           fc::encodable, fc::categorical_like);
            std::vector<fitted::column_state> cols;
            for (const auto& name : names) cols.push_back(fit_column(X.column(name), X.num_rows()));
            return fitted(std::move(cols), params_.handle_unknown, params_.dtype);
        }
    }
    fitted fit(const frame& X) const { return fit(exec::par, X); }

private:
    void check_params() const {
        constexpr std::string_view owner = "one_hot_encoder";
        const double m = params_.min_frequency;
        if (!(m >= 0.0) || (m >= 1.0 && m != std::floor(m)) || std::isinf(m))
            throw errors::out_of_range(owner, "min_frequency", m,
                                       "0 (off), a fraction in (0, 1) or a whole count >= 1");
        if (params_.handle_unknown == unknown_category::use_encoded_value)
            throw detail::frame_cols::bad_option(owner, "handle_unknown", "use_encoded_value",
                                                 "error, ignore, infrequent_if_exist");
    }

    fitted::column_state fit_column(const column& c, std::size_t rows) const {
        namespace fc = detail::frame_cols;
        fitted::column_state s;
        s.name = c.name();
        s.type = c.type();
        fc::row_labels rl = fc::labels_of(c);
        s.categories = rl.labels;
        fc::sort_labels(s.categories, c.type());
        const std::vector<std::int32_t> ids = fc::category_ids(c, s.categories);
        s.has_null = c.null_count() > 0;
        const std::size_t k = s.categories.size() + (s.has_null ? 1 : 0);
        s.counts.assign(k, 0);
        for (const std::int32_t id : ids)
            ++s.counts[id >= 0 ? static_cast<std::size_t>(id) : k - 1];
        s.infrequent = identify_infrequent(s.counts, rows);
        std::size_t n_infrequent = 0;
        for (auto f : s.infrequent) n_infrequent += f;
        const std::size_t n_out = k - (n_infrequent > 0 ? n_infrequent - 1 : 0);
        s.drop_first = params_.drop == drop_policy::first ||
                       (params_.drop == drop_policy::if_binary && n_out == 2);
        return s;
    }

    // scikit-learn's OneHotEncoder._identify_infrequent.
    std::vector<std::uint8_t> identify_infrequent(const std::vector<std::int64_t>& count,
                                                  std::size_t rows) const {
        const std::size_t k = count.size();
        std::vector<std::uint8_t> mask(k, 0);
        const double m = params_.min_frequency;
        if (m > 0.0) {
            const double limit = m >= 1.0 ? m : m * static_cast<double>(rows);
            for (std::size_t i = 0; i < k; ++i) mask[i] = static_cast<double>(count[i]) < limit;
        }
        std::size_t n_infrequent = 0;
        for (auto f : mask) n_infrequent += f;
        const std::size_t current = k - n_infrequent + 1;
        const std::size_t max_c = params_.max_categories;
        if (max_c > 0 && max_c < current) {
            const std::size_t frequent = max_c - 1;
            std::vector<std::size_t> order(k);
            std::iota(order.begin(), order.end(), std::size_t{0});
            std::stable_sort(order.begin(), order.end(),
                             [&](std::size_t a, std::size_t b) { return count[a] < count[b]; });
            for (std::size_t i = 0; i + frequent < k; ++i) mask[order[i]] = 1;
        }
        return mask;
    }

    params params_{};
};

static_assert(transformer<one_hot_encoder, frame>);

}  // namespace tessera::features
