// tessera/validate/detail/cells.hpp — cell-level helpers shared by the
// validators: what counts as null, values as double or text, and row hashing
// with exact equality (duplicates, train/test overlap, uniqueness).
//
// Cell semantics (pandas' for duplicated() / nunique()): a null is a masked
// row or a NaN in a float column; two nulls are equal; -0.0 equals 0.0;
// categoricals compare by label, not code, so frames with different
// dictionaries compare correctly.
#pragma once

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/hash.hpp>

namespace tessera::validate::detail {

using tessera::detail::concat;

// float64, float32, int64: the columns with summary statistics and outliers.
constexpr bool is_numeric(dtype t) noexcept {
    return t == dtype::float64 || t == dtype::float32 || t == dtype::int64;
}
// Everything with an order as a number (min/max and monotonic checks apply).
constexpr bool is_ordered(dtype t) noexcept {
    return is_numeric(t) || t == dtype::timestamp || t == dtype::boolean;
}

inline bool is_null(const column& c, std::size_t r) {
    const auto valid = c.validity();
    if (!valid.empty() && !valid[r]) return true;
    if (c.type() == dtype::float64) return std::isnan(c.values<double>()[r]);
    if (c.type() == dtype::float32) return std::isnan(c.values<float>()[r]);
    return false;
}

// The row's value as double; NaN for null and for categoricals.
inline double number_at(const column& c, std::size_t r) {
    if (is_null(c, r)) return std::numeric_limits<double>::quiet_NaN();
    switch (c.type()) {
        case dtype::float64: return c.values<double>()[r];
        case dtype::float32: return c.values<float>()[r];
        case dtype::int64:
        case dtype::timestamp: return static_cast<double>(c.values<std::int64_t>()[r]);
        case dtype::boolean: return c.values<bool>()[r] ? 1.0 : 0.0;
        case dtype::categorical: break;
    }
    return std::numeric_limits<double>::quiet_NaN();
}
inline std::vector<double> numbers(const column& c) {
    std::vector<double> out(c.size());
    for (std::size_t r = 0; r < c.size(); ++r) out[r] = number_at(c, r);
    return out;
}

inline std::string shortest(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// ISO 8601 UTC with as many fractional digits as needed: 2024-03-01T12:00:00.5Z.
inline std::string iso8601(std::int64_t ns) {
    using namespace std::chrono;
    const sys_time<nanoseconds> t{nanoseconds{ns}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    std::int64_t rest = (t - day).count();
    const auto h = rest / 3'600'000'000'000, m = rest / 60'000'000'000 % 60,
               s = rest / 1'000'000'000 % 60, frac = rest % 1'000'000'000;
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld",
                          static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                          static_cast<unsigned>(ymd.day()), static_cast<long long>(h),
                          static_cast<long long>(m), static_cast<long long>(s));
    if (frac) {
        char f[16];
        std::snprintf(f, sizeof f, ".%09lld", static_cast<long long>(frac));
        std::string fs(f);
        while (fs.back() == '0') fs.pop_back();
        n += std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "%s", fs.c_str());
    }
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), "Z");
    return buf;
}

// The row's value as text: samples in reports, allowed-set and regex checks.
// null -> "null"; floats shortest round-trip; bool true/false; categorical
// its label; timestamp ISO 8601.
inline std::string text_at(const column& c, std::size_t r) {
    if (is_null(c, r)) return "null";
    switch (c.type()) {
        case dtype::float64: return shortest(c.values<double>()[r]);
        case dtype::float32: return shortest(c.values<float>()[r]);
        case dtype::int64: return std::to_string(c.values<std::int64_t>()[r]);
        case dtype::timestamp: return iso8601(c.values<std::int64_t>()[r]);
        case dtype::boolean: return c.values<bool>()[r] ? "true" : "false";
        case dtype::categorical:
            return c.dictionary()[static_cast<std::size_t>(c.values<std::int32_t>()[r])];
    }
    return {};
}

// ---- cell hashing and equality ------------------------------------------------

// splitmix64's finaliser: a full-avalanche 64-bit mix.
constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

// Hashes cells of one column under the semantics above. Categorical labels
// are hashed once per dictionary entry; the dtype is resolved once, not per row.
class cell_hasher {
public:
    explicit cell_hasher(const column& c) : type_(c.type()), valid_(c.validity()), data_(c.data()) {
        if (c.type() == dtype::categorical)
            for (const auto& s : c.dictionary()) label_hash_.push_back(hash64(s.data(), s.size(), 0));
    }
    std::uint64_t operator()(std::size_t r) const noexcept {
        constexpr std::uint64_t null_hash = 0x6e756c6c6e756c6cULL;  // "nullnull"
        if (!valid_.empty() && !valid_[r]) return null_hash;
        std::uint64_t bits = 0;
        switch (type_) {
            case dtype::float64: {
                double v = static_cast<const double*>(data_)[r];
                if (std::isnan(v)) return null_hash;
                if (v == 0.0) v = 0.0;  // -0 hashes as 0
                std::memcpy(&bits, &v, 8);
                break;
            }
            case dtype::float32: {
                float v = static_cast<const float*>(data_)[r];
                if (std::isnan(v)) return null_hash;
                if (v == 0.0f) v = 0.0f;
                std::uint32_t b;
                std::memcpy(&b, &v, 4);
                bits = b;
                break;
            }
            case dtype::int64:
            case dtype::timestamp: bits = static_cast<std::uint64_t>(static_cast<const std::int64_t*>(data_)[r]); break;
            case dtype::boolean: bits = static_cast<const bool*>(data_)[r] ? 1 : 2; break;
            case dtype::categorical:
                return label_hash_[static_cast<std::size_t>(static_cast<const std::int32_t*>(data_)[r])];
        }
        return mix64(bits);
    }

private:
    dtype type_;
    std::span<const std::uint8_t> valid_;
    const void* data_;
    std::vector<std::uint64_t> label_hash_;
};

// An open-addressing table from a 64-bit hash to groups of equal items (each
// group known by its first item): no allocation per item, equality confirmed
// by the caller's predicate on every hash match.
class hash_groups {
public:
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    explicit hash_groups(std::size_t max_groups) {
        std::size_t cap = 16;
        while (cap < 2 * max_groups) cap <<= 1;
        slots_.assign(cap, npos);
        mask_ = cap - 1;
    }
    // The group of an item with hash h equal (by `same(first item)`) to an
    // existing group, or npos.
    template <class Same>
    std::size_t find(std::uint64_t h, Same&& same) const {
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const std::size_t g = slots_[i];
            if (g == npos) return npos;
            if (hash_[g] == h && same(first_[g])) return g;
        }
    }
    // The item's group, created (with `item` as its first) when new.
    template <class Same>
    std::size_t insert(std::uint64_t h, std::size_t item, Same&& same) {
        std::size_t i = h & mask_;
        for (;; i = (i + 1) & mask_) {
            const std::size_t g = slots_[i];
            if (g == npos) break;
            if (hash_[g] == h && same(first_[g])) return g;
        }
        slots_[i] = first_.size();
        first_.push_back(item);
        hash_.push_back(h);
        return first_.size() - 1;
    }
    std::size_t groups() const noexcept { return first_.size(); }
    std::size_t first(std::size_t g) const noexcept { return first_[g]; }

private:
    std::vector<std::size_t> slots_;
    std::size_t mask_ = 0;
    std::vector<std::size_t> first_;
    std::vector<std::uint64_t> hash_;
};

// Equal cells of two columns of the same dtype (possibly of different frames).
inline bool cells_equal(const column& a, std::size_t ra, const column& b, std::size_t rb) {
    const bool na = is_null(a, ra), nb = is_null(b, rb);
    if (na || nb) return na && nb;
    switch (a.type()) {
        case dtype::float64: return a.values<double>()[ra] == b.values<double>()[rb];
        case dtype::float32: return a.values<float>()[ra] == b.values<float>()[rb];
        case dtype::int64:
        case dtype::timestamp: return a.values<std::int64_t>()[ra] == b.values<std::int64_t>()[rb];
        case dtype::boolean: return a.values<bool>()[ra] == b.values<bool>()[rb];
        case dtype::categorical:
            return a.dictionary()[static_cast<std::size_t>(a.values<std::int32_t>()[ra])] ==
                   b.dictionary()[static_cast<std::size_t>(b.values<std::int32_t>()[rb])];
    }
    return false;
}

// Distinct non-null values of a column: each row's group (npos for null),
// each group's first row and size, groups numbered by first appearance.
struct value_groups {
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::vector<std::size_t> group_of;  // per row
    std::vector<std::size_t> first_row;
    std::vector<std::size_t> count;
};
inline value_groups group_values(const column& c) {
    value_groups g;
    const std::size_t n = c.size();
    g.group_of.assign(n, value_groups::npos);
    const auto add = [&](std::size_t r, std::size_t id) {
        if (id == g.count.size()) {
            g.first_row.push_back(r);
            g.count.push_back(0);
        }
        ++g.count[id];
        g.group_of[r] = id;
    };
    if (c.type() == dtype::categorical || c.type() == dtype::boolean) {
        // Codes (dictionary labels are unique) and bools map to groups directly.
        std::vector<std::size_t> id_of(c.type() == dtype::boolean ? 2 : c.dictionary().size(),
                                       value_groups::npos);
        for (std::size_t r = 0; r < n; ++r) {
            if (is_null(c, r)) continue;
            const std::size_t key = c.type() == dtype::boolean
                                        ? std::size_t{c.values<bool>()[r]}
                                        : static_cast<std::size_t>(c.values<std::int32_t>()[r]);
            if (id_of[key] == value_groups::npos) id_of[key] = g.count.size();
            add(r, id_of[key]);
        }
        return g;
    }
    const cell_hasher h(c);
    hash_groups table(n);
    for (std::size_t r = 0; r < n; ++r) {
        if (is_null(c, r)) continue;
        add(r, table.insert(h(r), r, [&](std::size_t first) { return cells_equal(c, first, c, r); }));
    }
    return g;
}

// Whole-row hashes over a list of columns (all of one frame).
inline std::vector<std::uint64_t> row_hashes(const std::vector<const column*>& cols,
                                             std::size_t rows) {
    std::vector<std::uint64_t> h(rows, 0x243F6A8885A308D3ULL);
    for (const column* c : cols) {
        const cell_hasher ch(*c);
        for (std::size_t r = 0; r < rows; ++r) {
            // Order-dependent combine (boost::hash_combine, 64-bit).
            h[r] ^= ch(r) + 0x9E3779B97F4A7C15ULL + (h[r] << 12) + (h[r] >> 4);
        }
    }
    for (auto& x : h) x = mix64(x);
    return h;
}
inline bool rows_equal(const std::vector<const column*>& a, std::size_t ra,
                       const std::vector<const column*>& b, std::size_t rb) {
    for (std::size_t j = 0; j < a.size(); ++j)
        if (!cells_equal(*a[j], ra, *b[j], rb)) return false;
    return true;
}
inline std::vector<const column*> columns_of(const frame& f) {
    std::vector<const column*> out;
    for (std::size_t j = 0; j < f.num_columns(); ++j) out.push_back(&f.column(j));
    return out;
}

}  // namespace tessera::validate::detail
