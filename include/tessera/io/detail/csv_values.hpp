// tessera/io/detail/csv_values.hpp — one field's text to one typed value, without
// allocation: std::from_chars for numbers (libstdc++ 12: Eisel-Lemire, correctly
// rounded), fixed spellings for bool, io::try_parse_timestamp for timestamps;
// UTF-8 validation for text that becomes a category or a column name; and the
// quoting of offending text in error messages.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include <tessera/core/frame.hpp>
#include <tessera/io/timestamp.hpp>

// core/serialize.hpp says `detail::concat` inside tessera::io: once tessera::io::detail
// exists that lookup stops there, so every header opening it declares the name
// (as model_file.hpp does), whichever is included first.
namespace tessera::io::detail {
using tessera::detail::concat;
}  // namespace tessera::io::detail

namespace tessera::io::detail::csv {

// Numbers, bools and timestamps may carry spaces or tabs around them.
constexpr std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// from_chars rejects a leading '+', which CSV writers (and pandas) accept.
constexpr std::string_view drop_plus(std::string_view s) noexcept {
    if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
    return s;
}

inline bool parse_int64(std::string_view s, std::int64_t& out) noexcept {
    s = drop_plus(trim(s));
    if (s.empty()) return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

template <class F>
inline bool parse_float(std::string_view s, F& out) noexcept {
    s = drop_plus(trim(s));
    if (s.empty()) return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    // Out-of-range magnitudes: from_chars leaves `out` unset; strtod would give
    // ±inf or 0. Treat them as unparseable rather than guess.
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

inline bool parse_bool(std::string_view s, bool& out) noexcept {
    s = trim(s);
    if (s == "true" || s == "True" || s == "TRUE") {
        out = true;
        return true;
    }
    if (s == "false" || s == "False" || s == "FALSE") {
        out = false;
        return true;
    }
    return false;
}

inline bool parse_time(std::string_view s, std::int64_t& out) noexcept {
    return try_parse_timestamp(trim(s), out);
}

// Which of the inferable types a (non-null) value fits, as bits.
enum fits : unsigned {
    fits_int = 1,
    fits_float = 2,
    fits_bool = 4,
    fits_time = 8,
    fits_all = 15,
};
inline unsigned classify(std::string_view s) noexcept {
    unsigned m = 0;
    std::int64_t i = 0;
    double d = 0;
    bool b = false;
    if (parse_int64(s, i)) m |= fits_int | fits_float;
    else if (parse_float(s, d)) m |= fits_float;
    else if (parse_bool(s, b)) m |= fits_bool;
    else if (parse_time(s, i)) m |= fits_time;
    return m;
}
// The narrowest type every value of a column fits; categorical when none does.
inline dtype type_of(unsigned m) noexcept {
    if (m & fits_int) return dtype::int64;
    if (m & fits_float) return dtype::float64;
    if (m & fits_bool) return dtype::boolean;
    if (m & fits_time) return dtype::timestamp;
    return dtype::categorical;
}
// The least type holding both (int64 < float64 < categorical; bool and timestamp
// join only to categorical).
inline dtype join(dtype a, dtype b) noexcept {
    if (a == b) return a;
    const auto numeric = [](dtype t) { return t == dtype::int64 || t == dtype::float64; };
    if (numeric(a) && numeric(b)) return dtype::float64;
    return dtype::categorical;
}

// Strict UTF-8 (no overlongs, no surrogates, at most U+10FFFF). Returns the
// byte offset of the first invalid sequence, or npos.
inline std::size_t invalid_utf8(std::string_view s) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return i;
        }
        if (n - i < len) return i;
        if (p[i + 1] < lo || p[i + 1] > hi) return i;
        for (std::size_t k = 2; k < len; ++k)
            if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
        i += len;
    }
    return std::string_view::npos;
}

// Offending text for a message: at most 60 bytes, bytes outside printable
// ASCII written as \xNN, so a message is always printable and bounded.
inline std::string shown(std::string_view s) {
    constexpr std::size_t max = 60;
    std::string out;
    const std::size_t n = s.size() < max ? s.size() : max;
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x7F) {
            out.push_back(static_cast<char>(c));
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    if (s.size() > max) out += "...";
    return out;
}

}  // namespace tessera::io::detail::csv
