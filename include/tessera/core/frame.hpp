// tessera/core/frame.hpp — the columnar table: named, typed, nullable columns.
//
// Layout follows Apache Arrow's idea (immutable shared buffers + offset/length
// views, a validity mask per column), simplified: the mask is one byte per row
// (1 = valid), and a null row holds a canonical value (NaN for floats, 0 for
// int64 and bool, INT64_MIN for timestamps — pandas' NaT — and code -1 for
// categoricals). `select` and `slice` copy no data: O(columns). `to_matrix` is
// the bridge to the numeric blocks (nulls become NaN); `fingerprint` is XXH64
// over the logical content, the data fingerprint of experiment tracking.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/hash.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/exec/parallel.hpp>

namespace tessera {

// The numeric values are part of the fingerprint format: append, never renumber.
enum class dtype : std::uint8_t {
    float64 = 0,
    float32 = 1,
    int64 = 2,
    boolean = 3,
    categorical = 4,  // int32 codes into a dictionary of strings
    timestamp = 5,    // int64 nanoseconds since the Unix epoch
};

constexpr std::string_view dtype_name(dtype t) noexcept {
    switch (t) {
        case dtype::float64: return "float64";
        case dtype::float32: return "float32";
        case dtype::int64: return "int64";
        case dtype::boolean: return "bool";
        case dtype::categorical: return "categorical";
        case dtype::timestamp: return "timestamp";
    }
    return "unknown";
}
inline std::ostream& operator<<(std::ostream& os, dtype t) { return os << dtype_name(t); }

namespace detail::frame_storage {

// The C++ element type each dtype stores; values<T>() must name exactly it
// (int64 and timestamp both store std::int64_t).
template <class T>
constexpr bool stores(dtype t) noexcept {
    switch (t) {
        case dtype::float64: return std::same_as<T, double>;
        case dtype::float32: return std::same_as<T, float>;
        case dtype::int64:
        case dtype::timestamp: return std::same_as<T, std::int64_t>;
        case dtype::boolean: return std::same_as<T, bool>;
        case dtype::categorical: return std::same_as<T, std::int32_t>;
    }
    return false;
}
template <class T>
constexpr std::string_view cpp_name() noexcept {
    if constexpr (std::same_as<T, double>) return "double (float64)";
    else if constexpr (std::same_as<T, float>) return "float (float32)";
    else if constexpr (std::same_as<T, std::int64_t>) return "int64_t (int64 or timestamp)";
    else if constexpr (std::same_as<T, bool>) return "bool";
    else if constexpr (std::same_as<T, std::int32_t>) return "int32_t (categorical codes)";
    else return "a type no column stores";
}
constexpr std::size_t element_size(dtype t) noexcept {
    switch (t) {
        case dtype::float64:
        case dtype::int64:
        case dtype::timestamp: return 8;
        case dtype::float32:
        case dtype::categorical: return 4;
        case dtype::boolean: return sizeof(bool);
    }
    return 1;
}

}  // namespace detail::frame_storage

// One named, typed, nullable column: a view (offset, length) into immutable
// storage shared with every other view of it.
class column {
public:
    // Factories. `validity` is empty (no nulls) or one flag per row, true = valid.
    static column float64(std::string name, std::vector<double> values,
                          const std::vector<bool>& validity = {}) {
        return make(std::move(name), dtype::float64, std::move(values), validity,
                    std::numeric_limits<double>::quiet_NaN());
    }
    static column float32(std::string name, std::vector<float> values,
                          const std::vector<bool>& validity = {}) {
        return make(std::move(name), dtype::float32, std::move(values), validity,
                    std::numeric_limits<float>::quiet_NaN());
    }
    static column int64(std::string name, std::vector<std::int64_t> values,
                        const std::vector<bool>& validity = {}) {
        return make(std::move(name), dtype::int64, std::move(values), validity, std::int64_t{0});
    }
    static column timestamp(std::string name, std::vector<std::int64_t> ns_since_epoch,
                            const std::vector<bool>& validity = {}) {
        return make(std::move(name), dtype::timestamp, std::move(ns_since_epoch), validity,
                    std::numeric_limits<std::int64_t>::min());
    }
    static column boolean(std::string name, const std::vector<bool>& values,
                          const std::vector<bool>& validity = {}) {
        // std::vector<bool> is packed and has no data(); store plain bools.
        auto store = std::make_shared<bool[]>(values.size());
        std::copy(values.begin(), values.end(), store.get());
        column c(std::move(name), dtype::boolean, values.size());
        c.values_ = std::shared_ptr<const void>(store, store.get());
        c.set_validity(validity, "column::boolean", [&](std::size_t r) { store[r] = false; });
        return c;
    }
    // A column over storage the caller allocated and filled: `values` points at
    // n elements of the dtype's element type (values<T>()'s T; int32 codes
    // need a dictionary: use categorical) and keeps their owner alive (an
    // aliasing shared_ptr may name any owner). Lets a producer write values
    // straight into uninitialised storage (no std::vector zero-fill); null rows
    // are set to the dtype's canonical value as by the factories above.
    template <class T>
        requires(!std::same_as<T, std::int32_t>)
    static column from_buffer(std::string name, dtype t, std::shared_ptr<T> values, std::size_t n,
                              const std::vector<bool>& validity = {}) {
        if (!detail::frame_storage::stores<T>(t))
            throw errors::type_mismatch("column::from_buffer", name,
                                        detail::frame_storage::cpp_name<T>(), dtype_name(t));
        T* data = values.get();
        column c(std::move(name), t, n);
        T null_value{};
        if (t == dtype::float64 || t == dtype::float32) null_value = std::numeric_limits<T>::quiet_NaN();
        if (t == dtype::timestamp) null_value = std::numeric_limits<T>::min();
        c.set_validity(validity, "column::from_buffer", [&](std::size_t r) { data[r] = null_value; });
        c.values_ = std::shared_ptr<const void>(std::move(values), data);
        return c;
    }
    // Codes index `dictionary`; code -1 is null (as is a false validity flag).
    static column categorical(std::string name, std::vector<std::int32_t> codes,
                              std::vector<std::string> dictionary,
                              const std::vector<bool>& validity = {}) {
        constexpr std::string_view where = "column::categorical";
        std::unordered_set<std::string_view> seen;
        for (const auto& s : dictionary)
            if (!seen.insert(s).second) throw errors::duplicate_category(where, name, s);
        std::vector<bool> valid = validity;
        if (!valid.empty() && valid.size() != codes.size())
            throw errors::length_mismatch(detail::concat(where, ": validity mask"), name,
                                          codes.size(), valid.size());
        for (std::size_t r = 0; r < codes.size(); ++r) {
            const std::int32_t k = codes[r];
            if (k < -1 || k >= static_cast<std::int64_t>(dictionary.size()))
                throw errors::invalid_code(where, name, r, k, dictionary.size());
            if (k == -1) {
                if (valid.empty()) valid.assign(codes.size(), true);
                valid[r] = false;
            }
        }
        column c = make(std::move(name), dtype::categorical, std::move(codes), valid,
                        std::int32_t{-1});
        c.dict_ = std::make_shared<const std::vector<std::string>>(std::move(dictionary));
        return c;
    }
    // Codes from string labels; the dictionary is the distinct labels, sorted
    // (as pandas.Categorical and scikit-learn's OrdinalEncoder order categories).
    static column categorical_from_labels(std::string name, const std::vector<std::string>& labels,
                                          const std::vector<bool>& validity = {}) {
        if (!validity.empty() && validity.size() != labels.size())
            throw errors::length_mismatch("column::categorical_from_labels: validity mask", name,
                                          labels.size(), validity.size());
        std::vector<std::string> dict;
        for (std::size_t r = 0; r < labels.size(); ++r)
            if (validity.empty() || validity[r]) dict.push_back(labels[r]);
        std::sort(dict.begin(), dict.end());
        dict.erase(std::unique(dict.begin(), dict.end()), dict.end());
        std::vector<std::int32_t> codes(labels.size(), -1);
        for (std::size_t r = 0; r < labels.size(); ++r)
            if (validity.empty() || validity[r])
                codes[r] = static_cast<std::int32_t>(
                    std::lower_bound(dict.begin(), dict.end(), labels[r]) - dict.begin());
        return categorical(std::move(name), std::move(codes), std::move(dict));
    }

    const std::string& name() const noexcept { return name_; }
    dtype type() const noexcept { return type_; }
    std::size_t size() const noexcept { return size_; }

    // True when the column carries a validity mask (it may still have no nulls
    // in this view); columns built without nulls carry none.
    bool nullable() const noexcept { return valid_ != nullptr; }
    // O(rows) over the mask when there is one, O(1) otherwise.
    std::size_t null_count() const noexcept {
        if (!valid_) return 0;
        std::size_t valid = 0;
        for (std::size_t r = 0; r < size_; ++r) valid += valid_.get()[r];
        return size_ - valid;
    }
    bool is_null(std::size_t row) const {
        if (row >= size_)
            throw errors::out_of_bounds(detail::concat("column::is_null: column '", name_, "'"),
                                        "row", row, size_);
        return valid_ && valid_.get()[row] == 0;
    }
    // One byte per row, 1 = valid; empty when the column has no mask.
    std::span<const std::uint8_t> validity() const noexcept {
        return valid_ ? std::span<const std::uint8_t>(valid_.get(), size_)
                      : std::span<const std::uint8_t>();
    }

    // The stored values; T must be the dtype's element type (see docs/core.md).
    // Null rows hold the canonical null value of the dtype.
    template <class T>
    std::span<const T> values() const {
        if (!detail::frame_storage::stores<T>(type_))
            throw errors::type_mismatch("column::values", name_,
                                        detail::frame_storage::cpp_name<T>(), dtype_name(type_));
        return {static_cast<const T*>(values_.get()), size_};
    }
    const std::vector<std::string>& dictionary() const {
        if (type_ != dtype::categorical)
            throw errors::type_mismatch("column::dictionary", name_, "categorical",
                                        dtype_name(type_));
        return *dict_;
    }
    // Address of the first element of this view (views of one buffer share it).
    const void* data() const noexcept { return values_.get(); }

    // Rows [begin, end) as a view of the same storage.
    column slice(std::size_t begin, std::size_t end) const {
        if (begin > end || end > size_)
            throw errors::invalid_range(detail::concat("column::slice: column '", name_, "'"),
                                        "row range", begin, end, size_);
        column c = *this;
        c.size_ = end - begin;
        c.values_ = std::shared_ptr<const void>(
            values_, static_cast<const unsigned char*>(values_.get()) +
                         begin * detail::frame_storage::element_size(type_));
        if (valid_) c.valid_ = std::shared_ptr<const std::uint8_t>(valid_, valid_.get() + begin);
        return c;
    }
    column renamed(std::string name) const {
        column c = *this;
        c.name_ = std::move(name);
        return c;
    }

private:
    column(std::string name, dtype t, std::size_t n) : name_(std::move(name)), type_(t), size_(n) {}

    template <class T>
    static column make(std::string name, dtype t, std::vector<T> values,
                       const std::vector<bool>& validity, T null_value) {
        auto store = std::make_shared<std::vector<T>>(std::move(values));
        column c(std::move(name), t, store->size());
        c.set_validity(validity, "column::" + std::string(dtype_name(t)),
                       [&](std::size_t r) { (*store)[r] = null_value; });
        c.values_ = std::shared_ptr<const void>(store, store->data());
        return c;
    }

    // Builds the mask (dropped when every row is valid) and writes the dtype's
    // canonical value into each null row, so equal data has equal bytes.
    template <class SetNull>
    void set_validity(const std::vector<bool>& validity, std::string_view where, SetNull&& set_null) {
        if (validity.empty()) return;
        if (validity.size() != size_)
            throw errors::length_mismatch(detail::concat(where, ": validity mask"), name_, size_,
                                          validity.size());
        if (std::find(validity.begin(), validity.end(), false) == validity.end()) return;
        auto mask = std::make_shared<std::uint8_t[]>(size_);
        for (std::size_t r = 0; r < size_; ++r) {
            mask[r] = validity[r] ? 1 : 0;
            if (!validity[r]) set_null(r);
        }
        valid_ = std::shared_ptr<const std::uint8_t>(mask, mask.get());
    }

    std::string name_;
    dtype type_ = dtype::float64;
    std::size_t size_ = 0;
    std::shared_ptr<const void> values_;         // aliases the first element of this view
    std::shared_ptr<const std::uint8_t> valid_;  // null: no mask
    std::shared_ptr<const std::vector<std::string>> dict_;  // categorical only
};

// A table of equally long, uniquely named columns. Copies share column storage.
class frame {
public:
    frame() = default;

    static frame from_columns(std::vector<tessera::column> columns) {
        frame f;
        for (auto& c : columns) f.add_column(std::move(c));
        return f;
    }
    frame& add_column(tessera::column c) {
        constexpr std::string_view where = "frame::add_column";
        if (contains(c.name())) throw errors::duplicate_column(where, c.name());
        if (!cols_.empty() && c.size() != rows_)
            throw errors::length_mismatch(
                where, c.name(), rows_, c.size());
        rows_ = c.size();
        cols_.push_back(std::move(c));
        return *this;
    }

    std::size_t num_rows() const noexcept { return rows_; }
    std::size_t num_columns() const noexcept { return cols_.size(); }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        out.reserve(cols_.size());
        for (const auto& c : cols_) out.push_back(c.name());
        return out;
    }
    bool contains(std::string_view name) const noexcept { return find(name) != npos; }

    const tessera::column& column(std::string_view name) const {
        const std::size_t i = find(name);
        if (i == npos) throw errors::unknown_column("frame::column", name);
        return cols_[i];
    }
    const tessera::column& column(std::size_t i) const {
        if (i >= cols_.size()) throw errors::out_of_bounds("frame::column", "column index", i, cols_.size());
        return cols_[i];
    }

    // The named columns, in the order given; no data is copied.
    frame select(const std::vector<std::string>& names) const {
        frame f;
        for (const auto& n : names) {
            const std::size_t i = find(n);
            if (i == npos) throw errors::unknown_column("frame::select", n);
            if (f.contains(n)) throw errors::duplicate_column("frame::select", n);
            f.cols_.push_back(cols_[i]);
        }
        f.rows_ = f.cols_.empty() ? 0 : rows_;
        return f;
    }
    // Rows [begin, end) of every column; no data is copied.
    frame slice(std::size_t begin, std::size_t end) const {
        if (begin > end || end > rows_)
            throw errors::invalid_range("frame::slice", "row range", begin, end, rows_);
        frame f;
        for (const auto& c : cols_) f.cols_.push_back(c.slice(begin, end));
        f.rows_ = end - begin;
        return f;
    }

    // Row-major num_rows × columns.size() matrix. Nulls become NaN; bool is 0/1;
    // categorical gives its code; timestamp its nanoseconds (rounded to T).
    template <std::floating_point T, exec::execution_policy P>
    matrix<T> to_matrix(const P& policy, const std::vector<std::string>& columns) const;
    template <std::floating_point T>
    matrix<T> to_matrix(const std::vector<std::string>& columns) const {
        return to_matrix<T>(exec::par, columns);
    }
    template <std::floating_point T>
    matrix<T> to_matrix() const {
        return to_matrix<T>(exec::par, names());
    }

    // XXH64 over names, dtypes, validity and values of the logical content (see
    // docs/core.md for the byte layout): equal for equal data, whatever buffers
    // or offsets the columns view.
    std::uint64_t fingerprint() const;

private:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::size_t find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < cols_.size(); ++i)
            if (cols_[i].name() == name) return i;
        return npos;
    }

    std::vector<tessera::column> cols_;
    std::size_t rows_ = 0;
};

// ---- to_matrix ----------------------------------------------------------------

namespace detail::frame_convert {

// Rows [r0, r1) of column c into column j of the row-major n × k output.
template <class T>
void column_into(const column& c, std::size_t r0, std::size_t r1, T* out, std::size_t k,
                 std::size_t j) {
    constexpr T nan = std::numeric_limits<T>::quiet_NaN();
    const auto valid = c.validity();
    const auto copy = [&](auto values, auto&& convert) {
        for (std::size_t r = r0; r < r1; ++r) out[r * k + j] = convert(values[r], r);
    };
    const auto plain = [](auto v, std::size_t) { return static_cast<T>(v); };
    const auto masked = [&](auto v, std::size_t r) { return valid[r] ? static_cast<T>(v) : nan; };
    switch (c.type()) {
        case dtype::float64: copy(c.values<double>(), plain); break;  // null rows hold NaN
        case dtype::float32: copy(c.values<float>(), plain); break;
        case dtype::categorical:
            copy(c.values<std::int32_t>(),
                 [&](std::int32_t v, std::size_t) { return v < 0 ? nan : static_cast<T>(v); });
            break;
        case dtype::boolean:
            if (valid.empty()) copy(c.values<bool>(), plain);
            else copy(c.values<bool>(), masked);
            break;
        case dtype::int64:
        case dtype::timestamp:
            if (valid.empty()) copy(c.values<std::int64_t>(), plain);
            else copy(c.values<std::int64_t>(), masked);
            break;
    }
}

}  // namespace detail::frame_convert

template <std::floating_point T, exec::execution_policy P>
matrix<T> frame::to_matrix(const P& policy, const std::vector<std::string>& columns) const {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
    } else {
        std::vector<const tessera::column*> cs;
        cs.reserve(columns.size());
        for (const auto& n : columns) {
            const std::size_t i = find(n);
            if (i == npos) throw errors::unknown_column("frame::to_matrix", n);
            cs.push_back(&cols_[i]);
        }
        const std::size_t n = rows_, k = cs.size();
        matrix<T> out = matrix<T>::from_shape({n, k});
        T* o = out.data();
        // Row blocks keep each block's output rows in cache while the columns fill them.
        const auto fill = [&](std::size_t r0, std::size_t r1) {
            constexpr std::size_t block = 512;
            for (std::size_t b = r0; b < r1; b += block)
                for (std::size_t j = 0; j < k; ++j)
                    detail::frame_convert::column_into(*cs[j], b, std::min(r1, b + block), o, k, j);
        };
        const auto backend = exec::select_backend(policy);
        if constexpr (requires { backend.grain; }) {
            auto rows_tag = backend;  // grain counts matrix elements; split by rows
            rows_tag.grain = std::max<std::size_t>(1, backend.grain / std::max<std::size_t>(1, k));
            exec::parallel_for(rows_tag, n, [&](exec::chunk ch) { fill(ch.begin, ch.end); });
        } else {
            fill(0, n);
        }
        return out;
    }
}

// ---- fingerprint --------------------------------------------------------------

inline std::uint64_t frame::fingerprint() const {
    hasher64 h(0);
    const auto put_string = [&](std::string_view s) {
        h.update_value(static_cast<std::uint64_t>(s.size()));
        h.update(s);
    };
    put_string("tessera.frame.v1");
    h.update_value(static_cast<std::uint64_t>(cols_.size()));
    h.update_value(static_cast<std::uint64_t>(rows_));
    for (const auto& c : cols_) {
        put_string(c.name());
        h.update_value(static_cast<std::uint8_t>(c.type()));
        // A mask with no nulls in this view is the same content as no mask.
        const std::size_t nulls = c.null_count();
        h.update_value(static_cast<std::uint64_t>(nulls));
        if (nulls) h.update(c.validity().data(), c.size());
        // Null rows hold canonical values, so the raw bytes are the logical content.
        h.update(c.data(), c.size() * detail::frame_storage::element_size(c.type()));
        if (c.type() == dtype::categorical) {
            h.update_value(static_cast<std::uint64_t>(c.dictionary().size()));
            for (const auto& s : c.dictionary()) put_string(s);
        }
    }
    return h.digest();
}

}  // namespace tessera
