// tessera/io/timestamp.hpp — ISO 8601 timestamps <-> int64 nanoseconds since the
// Unix epoch (UTC), the storage of dtype::timestamp.
//
// Accepted (the subset of ISO 8601 / RFC 3339 that CSV files carry):
//   YYYY-MM-DD                                 midnight UTC
//   YYYY-MM-DD[T| ]hh:mm[:ss[.f...]][Z|±hh[:mm]|±hhmm]
// Fractional seconds take any number of digits; digits beyond the ninth are
// truncated (as pandas does). No zone or `Z` means UTC; an offset is
// subtracted (`10:00+02:00` is 08:00 UTC). Calendar fields are checked (month,
// day of that month in that year, hour < 24, minute < 60, second < 60). The
// result must fit int64 ns (1677-09-21 to 2262-04-11, pandas' Timestamp range).
// Dates use the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <tessera/core/errors.hpp>

// core/serialize.hpp says `detail::concat` inside tessera::io: once tessera::io::detail
// exists that lookup stops there, so every header opening it declares the name
// (as model_file.hpp does), whichever is included first.
namespace tessera::io::detail {
using tessera::detail::concat;
}  // namespace tessera::io::detail

namespace tessera::io {

namespace detail::iso8601 {

constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct civil {
    std::int64_t year;
    unsigned month, day;
};
constexpr civil civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

constexpr bool leap(std::int64_t y) noexcept {
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}
constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29u : dm[m - 1];
}

// Reads exactly n digits at s[pos]; false if any is not a digit.
constexpr bool digits(std::string_view s, std::size_t& pos, std::size_t n, unsigned& out) noexcept {
    if (s.size() - pos < n) return false;
    unsigned v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    pos += n;
    out = v;
    return true;
}

constexpr std::int64_t ns_per_s = 1'000'000'000;

}  // namespace detail::iso8601

// Parses `text` as an ISO 8601 timestamp; false (and `out` untouched) when it is
// not one or is out of the int64-ns range. Never throws.
constexpr bool try_parse_timestamp(std::string_view s, std::int64_t& out) noexcept {
    using namespace detail::iso8601;
    std::size_t p = 0;
    unsigned y = 0, mo = 0, d = 0;
    if (!digits(s, p, 4, y) || p >= s.size() || s[p++] != '-' || !digits(s, p, 2, mo) ||
        p >= s.size() || s[p++] != '-' || !digits(s, p, 2, d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return false;
    unsigned hh = 0, mi = 0, ss = 0;
    std::int64_t frac = 0;  // nanoseconds
    std::int64_t offset_s = 0;
    if (p < s.size()) {
        if (s[p] != 'T' && s[p] != ' ') return false;
        ++p;
        if (!digits(s, p, 2, hh) || p >= s.size() || s[p++] != ':' || !digits(s, p, 2, mi))
            return false;
        if (p < s.size() && s[p] == ':') {
            ++p;
            if (!digits(s, p, 2, ss)) return false;
            if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
                ++p;
                std::size_t n = 0;
                std::int64_t scale = 100'000'000;
                while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
                    if (n < 9) frac += (s[p] - '0') * scale;
                    scale /= 10;
                    ++n;
                    ++p;
                }
                if (n == 0) return false;
            }
        }
        if (hh > 23 || mi > 59 || ss > 59) return false;
        if (p < s.size()) {
            if (s[p] == 'Z') {
                ++p;
            } else if (s[p] == '+' || s[p] == '-') {
                const bool neg = s[p] == '-';
                ++p;
                unsigned oh = 0, om = 0;
                if (!digits(s, p, 2, oh)) return false;
                if (p < s.size() && s[p] == ':') {
                    ++p;
                    if (!digits(s, p, 2, om)) return false;
                } else if (p < s.size()) {
                    if (!digits(s, p, 2, om)) return false;
                }
                if (oh > 23 || om > 59) return false;
                offset_s = (neg ? -1 : 1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
            } else {
                return false;
            }
        }
        if (p != s.size()) return false;
    }
    const std::int64_t days = days_from_civil(static_cast<std::int64_t>(y), mo, d);
    // |days| <= ~3.7e6, so the seconds fit easily; the nanoseconds may not.
    std::int64_t secs = days * 86400 + hh * 3600 + mi * 60 + ss - offset_s;
    if (secs < 0 && frac > 0) {  // so the product stays in range down to INT64_MIN + 1
        secs += 1;
        frac -= ns_per_s;
    }
    std::int64_t ns = 0;
    if (__builtin_mul_overflow(secs, ns_per_s, &ns) || __builtin_add_overflow(ns, frac, &ns))
        return false;
    if (ns == INT64_MIN) return false;  // the null sentinel (NaT) is not a time
    out = ns;
    return true;
}

// Parses `text` as an ISO 8601 timestamp into ns since the epoch (UTC); throws
// data_error "cannot parse '<text>' as an ISO 8601 timestamp ..." otherwise.
inline std::int64_t parse_timestamp(std::string_view text) {
    std::int64_t ns = 0;
    if (!try_parse_timestamp(text, ns))
        throw data_error(tessera::detail::concat(
            "tessera::io::parse_timestamp: cannot parse '", text,
            "' as an ISO 8601 timestamp (YYYY-MM-DD, optionally followed by T or a space, "
            "hh:mm[:ss[.fraction]] and Z or an offset ±hh:mm; 1677-09-21 to 2262-04-11)"));
    return ns;
}

// Writes ns since the epoch as "YYYY-MM-DDThh:mm:ss[.fraction]Z": the fraction
// has 3, 6 or 9 digits (the fewest that are exact) and is left out when zero, so
// parse_timestamp(format_timestamp(t)) == t for every t except INT64_MIN (null).
inline std::string format_timestamp(std::int64_t ns) {
    using namespace detail::iso8601;
    std::int64_t secs = ns / ns_per_s, sub = ns % ns_per_s;
    if (sub < 0) {
        sub += ns_per_s;
        --secs;
    }
    std::int64_t days = secs / 86400, sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        --days;
    }
    const civil c = civil_from_days(days);
    char buf[40];
    int n = 0;
    const auto put = [&](std::int64_t v, int width) {
        for (int i = width - 1; i >= 0; --i) {
            buf[n + i] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
        n += width;
    };
    put(c.year, 4);
    buf[n++] = '-';
    put(c.month, 2);
    buf[n++] = '-';
    put(c.day, 2);
    buf[n++] = 'T';
    put(sod / 3600, 2);
    buf[n++] = ':';
    put(sod / 60 % 60, 2);
    buf[n++] = ':';
    put(sod % 60, 2);
    if (sub != 0) {
        buf[n++] = '.';
        if (sub % 1'000'000 == 0) put(sub / 1'000'000, 3);
        else if (sub % 1'000 == 0) put(sub / 1'000, 6);
        else put(sub, 9);
    }
    buf[n++] = 'Z';
    return std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace tessera::io
