// tessera/features/detail/frame_columns.hpp — what the frame-level transformers
// (one_hot_encoder, ordinal_encoder, target_encoder, time_features,
// window_features, to_matrix) share: the option enums, column selection and
// checks, categories as strings, rebuilding a frame with columns replaced,
// and the message catalogue for their errors.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/features/detail/payload.hpp>

namespace tessera::features {

// What an encoder does with a category that fit did not see (scikit-learn's
// handle_unknown). Each encoder accepts a subset and rejects the rest at fit.
enum class unknown_category : std::uint8_t {
    error = 0,                // throw data_error naming the column, row and value
    ignore = 1,               // one_hot_encoder: all indicators 0
    infrequent_if_exist = 2,  // one_hot_encoder: the infrequent column if there is one, else 0
    use_encoded_value = 3,    // ordinal_encoder: params::unknown_value
};

// Which indicator column one_hot_encoder drops (scikit-learn's drop).
enum class drop_policy : std::uint8_t { none = 0, first = 1, if_binary = 2 };

// The floating type of encoded output columns.
enum class output_dtype : std::uint8_t { float64 = 0, float32 = 1 };

// How ordinal_encoder numbers categories.
enum class category_order : std::uint8_t {
    lexicographic = 0,  // sorted, as scikit-learn (int64 columns: numerically)
    appearance = 1,     // in order of first appearance in the fit data
};

namespace detail::frame_cols {

constexpr bool categorical_like(dtype t) noexcept {
    return t == dtype::categorical || t == dtype::boolean;
}
constexpr bool encodable(dtype t) noexcept {
    return categorical_like(t) || t == dtype::int64;
}

// The columns a stage works on: `names` when given (each must exist, appear
// once and have a dtype `allowed` accepts), else every column of X whose dtype
// `by_default` accepts, in frame order.
template <class Allowed, class Default>
std::vector<std::string> resolve(const frame& X, const std::vector<std::string>& names,
                                 std::string_view where, std::string_view expected,
                                 Allowed allowed, Default by_default) {
    std::vector<std::string> out;
    if (names.empty()) {
        for (std::size_t i = 0; i < X.num_columns(); ++i)
            if (by_default(X.column(i).type())) out.push_back(X.column(i).name());
        return out;
    }
    for (const auto& n : names) {
        if (!X.contains(n)) throw errors::unknown_column(where, n);
        if (std::find(out.begin(), out.end(), n) != out.end())
            throw errors::duplicate_column(where, n);
        const dtype t = X.column(n).type();
        if (!allowed(t)) throw errors::type_mismatch(where, n, expected, dtype_name(t));
        out.push_back(n);
    }
    return out;
}

// The column `name` of X at transform time: it must exist and have the dtype fit saw.
inline const column& fitted_column(const frame& X, const std::string& name, dtype fitted,
                                   std::string_view where) {
    if (!X.contains(name)) throw errors::unknown_column(where, name);
    const column& c = X.column(name);
    if (c.type() != fitted) throw errors::type_mismatch(where, name, dtype_name(fitted),
                                                        dtype_name(c.type()));
    return c;
}

// Distinct non-null values of a categorical, bool or int64 column as strings
// ("false"/"true" for bool, decimal for int64), in order of first appearance,
// and per row the index of its value in that list (-1 for null).
struct row_labels {
    std::vector<std::string> labels;
    std::vector<std::int32_t> id;
};

inline row_labels labels_of(const column& c) {
    const std::size_t n = c.size();
    row_labels out;
    out.id.assign(n, -1);
    const auto valid = c.validity();
    const auto is_valid = [&](std::size_t r) { return valid.empty() || valid[r]; };
    // Values with a small dense key space go through a key -> label-index table.
    const auto dense = [&](auto values, std::size_t keys, auto key_of, auto label_of) {
        std::vector<std::int32_t> seen(keys, -1);
        for (std::size_t r = 0; r < n; ++r) {
            if (!is_valid(r)) continue;
            const std::size_t k = key_of(values[r]);
            if (seen[k] < 0) {
                seen[k] = static_cast<std::int32_t>(out.labels.size());
                out.labels.push_back(label_of(values[r]));
            }
            out.id[r] = seen[k];
        }
    };
    switch (c.type()) {
        case dtype::categorical: {
            const auto& dict = c.dictionary();
            dense(c.values<std::int32_t>(), dict.size(),
                  [](std::int32_t v) { return static_cast<std::size_t>(v); },
                  [&](std::int32_t v) { return dict[static_cast<std::size_t>(v)]; });
            break;
        }
        case dtype::boolean:
            dense(c.values<bool>(), 2, [](bool v) { return std::size_t{v}; },
                  [](bool v) { return std::string(v ? "true" : "false"); });
            break;
        case dtype::int64: {
            const auto v = c.values<std::int64_t>();
            std::unordered_map<std::int64_t, std::int32_t> seen;
            for (std::size_t r = 0; r < n; ++r) {
                if (!is_valid(r)) continue;
                const auto [it, fresh] =
                    seen.try_emplace(v[r], static_cast<std::int32_t>(out.labels.size()));
                if (fresh) out.labels.push_back(std::to_string(v[r]));
                out.id[r] = it->second;
            }
            break;
        }
        default:
            throw errors::type_mismatch("features: categories", c.name(),
                                        "categorical, bool or int64", dtype_name(c.type()));
    }
    return out;
}

inline std::int64_t parse_int64(const std::string& s) {
    std::int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

// Sorts labels as scikit-learn sorts categories: strings lexicographically
// (bool's "false" < "true" is False < True), int64 columns numerically.
inline void sort_labels(std::vector<std::string>& labels, dtype t) {
    if (t == dtype::int64)
        std::sort(labels.begin(), labels.end(), [](const std::string& a, const std::string& b) {
            return parse_int64(a) < parse_int64(b);
        });
    else
        std::sort(labels.begin(), labels.end());
}

// Per row, the index of its value in `categories` (-1 null, -2 a value not in
// categories). Each distinct value is looked up once.
inline std::vector<std::int32_t> category_ids(const column& c,
                                              const std::vector<std::string>& categories) {
    std::unordered_map<std::string_view, std::int32_t> index;
    index.reserve(categories.size());
    for (std::size_t i = 0; i < categories.size(); ++i)
        index.emplace(categories[i], static_cast<std::int32_t>(i));
    row_labels rl = labels_of(c);
    std::vector<std::int32_t> map(rl.labels.size());
    for (std::size_t i = 0; i < rl.labels.size(); ++i) {
        const auto it = index.find(rl.labels[i]);
        map[i] = it == index.end() ? -2 : it->second;
    }
    for (auto& v : rl.id)
        if (v >= 0) v = map[static_cast<std::size_t>(v)];
    return std::move(rl.id);
}

// X with each column named in `replaced` (in order of appearance in X) swapped
// for its replacement columns, and `appended` at the end.
inline frame replace_columns(const frame& X,
                             std::vector<std::pair<std::string, std::vector<column>>> replaced,
                             std::vector<column> appended = {}) {
    std::vector<column> out;
    for (std::size_t i = 0; i < X.num_columns(); ++i) {
        const column& c = X.column(i);
        const auto it = std::find_if(replaced.begin(), replaced.end(),
                                     [&](const auto& p) { return p.first == c.name(); });
        if (it == replaced.end())
            out.push_back(c);
        else
            for (auto& r : it->second) out.push_back(std::move(r));
    }
    for (auto& c : appended) out.push_back(std::move(c));
    return frame::from_columns(std::move(out));
}

// A float64 or float32 column from double values (NaN stays NaN).
inline column float_column(std::string name, std::vector<double> v, output_dtype t) {
    if (t == output_dtype::float64) return column::float64(std::move(name), std::move(v));
    return column::float32(std::move(name), std::vector<float>(v.begin(), v.end()));
}

// X with each named column replaced, in place and under its name, by a float column.
inline frame replace_by_floats(const frame& X, const std::vector<std::string>& names,
                               std::vector<std::vector<double>> values, output_dtype t) {
    std::vector<std::pair<std::string, std::vector<column>>> replaced;
    for (std::size_t j = 0; j < names.size(); ++j) {
        std::vector<column> one;
        one.push_back(float_column(names[j], std::move(values[j]), t));
        replaced.emplace_back(names[j], std::move(one));
    }
    return replace_columns(X, std::move(replaced));
}

// f(begin, end) over [0, n): one call on seq / simd; on par, chunks of
// grain / cost items (an item costs about `cost` elements), in parallel. Callers
// write disjoint outputs per item, so every cut gives the same bits.
template <class P, class F>
void for_items(const P& policy, std::size_t n, std::size_t cost, F&& f) {
    const auto backend = exec::select_backend(policy);
    if constexpr (requires { backend.grain; }) {
        auto tag = backend;
        tag.grain = std::max<std::size_t>(1, backend.grain / std::max<std::size_t>(1, cost));
        exec::parallel_for(tag, n, [&](exec::chunk ch) { f(ch.begin, ch.end); });
    } else {
        f(std::size_t{0}, n);
    }
}

// ---- save / load ----------------------------------------------------------------

using features::detail::check_version;
using features::detail::get_enum;

inline dtype get_dtype(io::reader& r, std::string_view owner) {
    return get_enum(r, owner, "column dtype", dtype::timestamp);
}

// The part every encoder saves per encoded column: name, dtype, categories.
struct encoded_column {
    std::string name;
    dtype type = dtype::categorical;
    std::vector<std::string> categories;
};
inline void put_encoded(io::writer& w, const encoded_column& c) {
    w.put(c.name);
    w.put<std::uint8_t>(static_cast<std::uint8_t>(c.type));
    w.put(c.categories);
}
inline encoded_column get_encoded(io::reader& r, std::string_view owner) {
    encoded_column c;
    c.name = r.get_string("column name");
    c.type = get_dtype(r, owner);
    c.categories = r.get_strings("categories");
    return c;
}

// ---- messages ---------------------------------------------------------------------

inline data_error unknown_category_error(std::string_view where, std::string_view column,
                                         std::size_t row, std::string_view value) {
    return data_error(tessera::detail::concat(where, ": column '", column, "' has ", value,
                                              " at row ", row,
                                              ", a category fit did not see (handle_unknown "
                                              "= error)"),
                      std::string(column), row);
}

// "the category 'x'" or "a null" for error messages.
inline std::string describe(const column& c, std::size_t row) {
    if (c.is_null(row)) return "a null";
    return tessera::detail::concat("the category '", labels_of(c.slice(row, row + 1)).labels[0],
                                   "'");
}

inline config_error bad_option(std::string_view owner, std::string_view field,
                               std::string_view value, std::string_view valid) {
    return config_error(tessera::detail::concat(owner, ": parameter '", field, "' = ", value,
                                                " is not supported; valid: ", valid),
                        std::string(field));
}

}  // namespace detail::frame_cols
}  // namespace tessera::features
