// tessera/io/detail/csv_values.hpp — one field's text to one typed value, without
// allocation: std::from_chars for numbers (libstdc++ 12: Eisel-Lemire, correctly
// rounded), fixed spellings for bool, io::try_parse_timestamp for timestamps;
// UTF-8 validation for text that becomes a category or a column name; and the
// quoting of offending text in error messages.
#pragma once

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

#include <tessera/io/detail/csv_simd.hpp>

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
    s = trim(s);
    // Fast path: up to 18 digits cannot overflow; longer ones go to from_chars.
    const char* p = s.data();
    const char* e = p + s.size();
    const bool neg = p < e && *p == '-';
    p += (p < e && (*p == '-' || *p == '+'));
    if (p < e && e - p <= 18) {
        std::int64_t v = 0;
        const char* q = p;
        for (; q < e && static_cast<unsigned>(*q - '0') < 10; ++q) v = v * 10 + (*q - '0');
        if (q == e) {
            out = neg ? -v : v;
            return true;
        }
        return false;
    }
    s = drop_plus(s);
    if (s.empty()) return false;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
    return r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

// The tail both fast paths share: an optional exponent ([eE][+-]digits, at
// most 4 digits) that must end the text, then m * 10^exp10 when Clinger's
// condition holds (m <= 2^53, |exp10| <= 22: both exact, one rounding).
inline constexpr double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                         1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                         1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
inline bool finish_decimal(const char* p, const char* e, std::uint64_t m, int exp10, bool neg,
                           double& out) noexcept {
    const auto& pow10 = exact_pow10;
    if (p < e && (*p == 'e' || *p == 'E')) {
        ++p;
        bool eneg = false;
        if (p < e && (*p == '-' || *p == '+')) eneg = *p++ == '-';
        int x = 0, xd = 0;
        for (; p < e && static_cast<unsigned>(*p - '0') < 10; ++p) {
            if (++xd > 4) return false;
            x = x * 10 + (*p - '0');
        }
        if (xd == 0) return false;
        exp10 += eneg ? -x : x;
    }
    if (p != e) return false;
    double d = 0.0;
    if (m != 0) {
        if (m > (std::uint64_t{1} << 53) || exp10 < -22 || exp10 > 22) return false;
        d = static_cast<double>(m);
        d = exp10 < 0 ? d / pow10[-exp10] : d * pow10[exp10];
    }
    out = neg ? -d : d;
    return true;
}

// Clinger's fast path: a decimal with at most 19 significant digits and a
// power of ten in [-22, 22] is m * 10^e (or m / 10^-e) with m < 2^53 exact, so
// one IEEE operation gives the correctly rounded double, the same bits as
// from_chars. Returns false when the text is not such a number (from_chars
// then decides).
inline bool fast_double(const char* p, const char* e, double& out) noexcept {
    bool neg = false;
    if (p < e && (*p == '-' || *p == '+')) neg = *p++ == '-';
    std::uint64_t m = 0;
    int nd = 0, exp10 = 0;
    bool any = false;
    for (; p < e && static_cast<unsigned>(*p - '0') < 10; ++p) {
        any = true;
        if (m == 0 && *p == '0') continue;
        if (++nd > 19) return false;
        m = m * 10 + static_cast<unsigned>(*p - '0');
    }
    if (p < e && *p == '.') {
        for (++p; p < e && static_cast<unsigned>(*p - '0') < 10; ++p) {
            any = true;
            --exp10;
            if (m == 0 && *p == '0') continue;
            if (++nd > 19) return false;
            m = m * 10 + static_cast<unsigned>(*p - '0');
        }
    }
    if (!any) return false;
    return finish_decimal(p, e, m, exp10, neg, out);
}

// SWAR digit runs (little-endian loads): the number of leading ASCII digits in
// 8 bytes, and their value. Zero bytes are treated like '0', so a run of n < 8
// digits shifted to the top of the word reads as that n-digit number.
inline unsigned leading_digits8(std::uint64_t w) noexcept {
    const std::uint64_t hi = (w & 0xF0F0F0F0F0F0F0F0) ^ 0x3030303030303030;
    // A byte >= 0xFA carries into the next (later) byte, but it is not a digit,
    // so the run before it is counted right.
    const std::uint64_t lo = ((w + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) ^ 0x3030303030303030;
    const std::uint64_t bad = hi | lo;
    return bad ? static_cast<unsigned>(__builtin_ctzll(bad)) / 8 : 8;
}
inline std::uint64_t digits_value8(std::uint64_t w, unsigned n) noexcept {
    w = n == 0 ? 0 : (w << (8 * (8 - n))) & 0x0F0F0F0F0F0F0F0F;
    w = w * 10 + (w >> 8);
    w = ((w & 0x000000FF000000FF) * 0x000F424000000064 +
         ((w >> 16) & 0x000000FF000000FF) * 0x0000271000000001) >> 32;
    return w;
}

// fast_double for the common short decimal ("-0.5984036", "12.5e3"): the
// integer and fraction digits are read 8 bytes at a time. `safe` is how far
// reading is allowed (the input buffer's end); false = use fast_double.
inline bool fast_double_swar(const char* p, const char* e, const char* safe, double& out) noexcept {
    static_assert(std::endian::native == std::endian::little);
    static constexpr std::uint64_t ipow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
    const bool neg = p < e && *p == '-';
    p += (p < e && (*p == '-' || *p == '+'));
    if (safe - p < 16 || e - p > 16) return false;
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const unsigned ni = std::min<unsigned>(leading_digits8(w), static_cast<unsigned>(e - p));
    if (ni == 8) return false;
    std::uint64_t m = digits_value8(w, ni);
    p += ni;
    int exp10 = 0;
    unsigned nf = 0;
    if (p < e && *p == '.') {
        ++p;
        std::memcpy(&w, p, 8);
        nf = std::min<unsigned>(leading_digits8(w), static_cast<unsigned>(e - p));
        if (nf == 8) return false;
        m = m * ipow10[nf] + digits_value8(w, nf);
        p += nf;
        exp10 = -static_cast<int>(nf);
    }
    if (ni + nf == 0) return false;
    return finish_decimal(p, e, m, exp10, neg, out);
}

// SSE4.1 path for a decimal whose text is known to be [p, e): an optional
// sign, then at most 16 characters that are digits and at most one '.' (no
// exponent; at least one digit). The digits, dot removed and right-aligned by
// one shuffle from a table, are combined 2, 4, then 8 at a time by multiply-
// adds; the value is then finish_decimal's (Clinger: m <= 2^53, one IEEE
// operation), so the same bits as from_chars. 16 bytes from the first digit
// must be readable (below `safe`). false: not such a text (or no SSE4.1), and
// the other parsers decide.
struct decimal_shuffles {
    // [len][dot position, len = no dot][output byte]: digit index or 0x80 (zero).
    std::uint8_t m[17][17][16];
};
constexpr decimal_shuffles make_decimal_shuffles() {
    decimal_shuffles t{};
    for (int len = 0; len <= 16; ++len)
        for (int dp = 0; dp <= 16; ++dp) {
            int pos[16] = {};
            int nd = 0;
            for (int i = 0; i < len; ++i)
                if (i != dp) pos[nd++] = i;
            for (int k = 0; k < 16; ++k) t.m[len][dp][k] = 0x80;
            for (int k = 0; k < nd; ++k) t.m[len][dp][16 - nd + k] = static_cast<std::uint8_t>(pos[k]);
        }
    return t;
}
alignas(16) inline constexpr decimal_shuffles decimal_shuffle_table = make_decimal_shuffles();

inline bool simd_decimal(const char* p, const char* e, const char* safe, double& out) noexcept {
#if defined(__SSE4_1__)
    if (p >= e) return false;
    const bool neg = *p == '-';
    p += (*p == '-' || *p == '+');
    const std::ptrdiff_t len = e - p;
    if (len <= 0 || len > 16 || safe - p < 16) return false;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    const auto digit = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d)));
    const auto dots = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.'))));
    const unsigned in = (1u << len) - 1;
    const unsigned dot = dots & in;
    if (((digit | dot) & in) != in || (dot & (dot - 1)) != 0 || dot == in) return false;
    const int dp = dot ? std::countr_zero(dot) : static_cast<int>(len);
    const __m128i sh = _mm_load_si128(
        reinterpret_cast<const __m128i*>(decimal_shuffle_table.m[len][dp]));
    const __m128i x = _mm_shuffle_epi8(d, sh);
    const __m128i t1 = _mm_maddubs_epi16(x, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1,
                                                          10, 1, 10, 1));
    const __m128i t2 = _mm_madd_epi16(t1, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
    const __m128i t3 = _mm_packus_epi32(t2, t2);
    const __m128i t4 = _mm_madd_epi16(t3, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
    const std::uint64_t m = static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_cvtsi128_si32(t4))) * 100000000u +
                            static_cast<std::uint32_t>(_mm_extract_epi32(t4, 1));
    // finish_decimal without an exponent: 10^(digits after the dot) <= 10^15.
    if (m > (std::uint64_t{1} << 53)) return false;
    // Branch-free: the sign is unpredictable in real data; division by 1 is exact.
    const double r = static_cast<double>(m) / exact_pow10[dot ? len - 1 - dp : 0];
    out = std::bit_cast<double>(std::bit_cast<std::uint64_t>(r) | std::uint64_t{neg} << 63);
    return true;
#else
    (void)p;
    (void)e;
    (void)safe;
    (void)out;
    return false;
#endif
}

// Four fields at once, each as simd_decimal reads it (the same texts accepted,
// the same bits): field k is [b[k], e[k]), 16 bytes from its first digit
// readable below `safe`. One 128-bit lane of an AVX-512 register per field:
// the table shuffle and multiply-adds of simd_decimal run on the four lanes
// together, then the four mantissas are converted and divided by their
// powers of ten in one 256-bit operation each (IEEE division is correctly
// rounded per lane, so each lane is the scalar result). Bit k of the result
// says field k was such a decimal and out[k] holds its value; out[k] of the
// other fields is unspecified. Without AVX-512BW/DQ/VL: 0 (callers take
// simd_decimal field by field).
#if defined(__AVX512BW__) && defined(__AVX512DQ__) && defined(__AVX512VL__)
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push  // GCC bug 105593, as in csv_simd.hpp
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
inline constexpr bool have_decimal4 = true;
// 16 bytes from each of p[0..3], lane k from p[k].
template <class C>
__m512i load_lanes(const C* const* p) noexcept {
    const auto at = [&](int k) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p[k])); };
    return _mm512_inserti64x2(
        _mm512_inserti64x2(_mm512_inserti64x2(_mm512_castsi128_si512(at(0)), at(1), 1), at(2), 2),
        at(3), 3);
}
inline unsigned simd_decimal4(const char* const* b, const char* const* e, const char* safe,
                              double* out) noexcept {
    alignas(16) static constexpr char filler[16] = {'0', '0', '0', '0', '0', '0', '0', '0',
                                                    '0', '0', '0', '0', '0', '0', '0', '0'};
    const char* at[4];
    unsigned len[4];
    unsigned ok = 0;
    std::uint64_t sign[4];
    for (int k = 0; k < 4; ++k) {
        const char* p = b[k];
        const bool nonempty = p < e[k];
        const char c = nonempty ? *p : '\0';
        sign[k] = std::uint64_t{c == '-'} << 63;
        p += (c == '-' || c == '+');
        const std::ptrdiff_t n = e[k] - p;
        const bool fits = nonempty && n > 0 && n <= 16 && safe - p >= 16;
        ok |= unsigned{fits} << k;
        at[k] = fits ? p : filler;
        len[k] = fits ? static_cast<unsigned>(n) : 1u;
    }
    const __m512i v = load_lanes(at);
    const __m512i d = _mm512_sub_epi8(v, _mm512_set1_epi8('0'));
    const std::uint64_t digit = _mm512_cmple_epu8_mask(d, _mm512_set1_epi8(9));
    const std::uint64_t dots = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('.'));
    const std::uint8_t* rows[4];
    double pw[4];
    for (int k = 0; k < 4; ++k) {
        const unsigned in = (1u << len[k]) - 1;
        const auto dg = static_cast<unsigned>(digit >> (16 * k)) & 0xFFFFu;
        const unsigned dt = static_cast<unsigned>(dots >> (16 * k)) & in;
        const bool good = ((dg | dt) & in) == in && (dt & (dt - 1)) == 0 && dt != in;
        ok &= ~(unsigned{!good} << k);
        const unsigned dp = dt ? static_cast<unsigned>(std::countr_zero(dt)) : len[k];
        rows[k] = decimal_shuffle_table.m[len[k]][dp];
        pw[k] = exact_pow10[dt ? len[k] - 1 - dp : 0];
    }
    const __m512i sh = load_lanes(rows);
    const __m512i x = _mm512_shuffle_epi8(d, sh);
    const __m512i t1 = _mm512_maddubs_epi16(x, _mm512_set1_epi16(0x010A));  // bytes 10, 1
    const __m512i t2 = _mm512_madd_epi16(t1, _mm512_set1_epi32(0x00010064));  // 100, 1
    const __m512i t3 = _mm512_packus_epi32(t2, t2);
    const __m512i t4 = _mm512_madd_epi16(t3, _mm512_set1_epi32(0x00012710));  // 10000, 1
    // Per lane: dword 0 = the high 8 digits, dword 1 = the low 8.
    const __m512i m8 = _mm512_add_epi64(_mm512_mul_epu32(t4, _mm512_set1_epi64(100000000)),
                                        _mm512_srli_epi64(t4, 32));
    const __m256i m = _mm512_castsi512_si256(
        _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 4, 6, 0, 2, 4, 6), m8));
    ok &= ~static_cast<unsigned>(
        _mm256_cmpgt_epu64_mask(m, _mm256_set1_epi64x(std::int64_t{1} << 53)));
    const __m256d r = _mm256_div_pd(_mm256_cvtepu64_pd(m), _mm256_loadu_pd(pw));
    const __m256i s = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(sign));
    _mm256_storeu_pd(out, _mm256_castsi256_pd(_mm256_or_si256(_mm256_castpd_si256(r), s)));
    return ok;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#else
inline constexpr bool have_decimal4 = false;
inline unsigned simd_decimal4(const char* const*, const char* const*, const char*, double*) noexcept {
    return 0;
}
#endif

// The reader's fused fast path for float64 fields: reads a short decimal
// starting at p (sign, < 8 integer digits, optional '.' and < 8 fraction
// digits, optional exponent) without knowing where the field ends, and
// returns where the number's text ends (the caller checks a delimiter or line
// break is there); nullptr when the text is not such a number, and the caller
// scans and parses the field the general way. The value is the one
// fast_double_swar / from_chars give for the same text. Reads below `safe` only.
inline const char* scan_double(const char* p, const char* safe, double& out) noexcept {
    static constexpr std::uint64_t ipow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
    const bool neg = p < safe && *p == '-';
    p += (p < safe && (*p == '-' || *p == '+'));
    if (safe - p < 24) return nullptr;
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const unsigned ni = leading_digits8(w);
    if (ni == 8) return nullptr;
    std::uint64_t m = digits_value8(w, ni);
    p += ni;
    int exp10 = 0;
    unsigned nf = 0;
    if (*p == '.') {
        ++p;
        std::memcpy(&w, p, 8);
        nf = leading_digits8(w);
        if (nf == 8) return nullptr;
        m = m * ipow10[nf] + digits_value8(w, nf);
        p += nf;
        exp10 = -static_cast<int>(nf);
    }
    if (ni + nf == 0) return nullptr;
    const char* e = p;
    if (*e == 'e' || *e == 'E') {
        ++e;
        e += (e < safe && (*e == '-' || *e == '+'));
        while (e < safe && static_cast<unsigned>(*e - '0') < 10) ++e;
    }
    return finish_decimal(p, e, m, exp10, neg, out) ? e : nullptr;
}

// `safe`: how far past the text bytes may be read (nullptr: not at all).
template <class F>
inline bool parse_float(std::string_view s, F& out, const char* safe = nullptr) noexcept {
    s = trim(s);
    if constexpr (std::is_same_v<F, double>) {
        if (safe && simd_decimal(s.data(), s.data() + s.size(), safe, out)) return true;
        if (safe && fast_double_swar(s.data(), s.data() + s.size(), safe, out)) return true;
        if (fast_double(s.data(), s.data() + s.size(), out)) return true;
    }
    s = drop_plus(s);
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
