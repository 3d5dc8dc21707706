// tessera/io/detail/csv_index.hpp — structural scanning for the reader's fast
// path (simdjson / simdcsv style): 64 bytes at a time, compare every byte with
// the delimiter, LF, CR and the quote character and keep one bit per byte, then
// turn the bits into positions. The parser then knows where every field of a
// record starts and ends before it converts any of them, so the conversions are
// independent of each other (the CPU overlaps them) instead of each field's end
// being found by the conversion before it.
//
// The index stops at the first quote character or CR: records that hold one
// are left to the general tokenizer (csv_tokenizer.hpp), which is the reference.
// Also here: counting line terminators (LF, CRLF, lone CR) in a range, which
// bounds the number of records that start in it.
//
// Paths: AVX-512BW or AVX2 where the build enables it, SSE2 on other x86-64, scalar
// elsewhere; `isa_scalar` is always available and the tests compare it with
// the native one.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <tessera/io/detail/csv_simd.hpp>

namespace tessera::io::detail::csv {

struct isa_scalar {};
struct isa_native {};

// Bit i describes byte i of a 64-byte block.
struct block_bits {
    std::uint64_t sep = 0;      // delimiter or LF
    std::uint64_t lf = 0;       // LF
    std::uint64_t cr = 0;       // CR
    std::uint64_t special = 0;  // quote or CR: the fast path stops there
};

inline block_bits classify64(isa_scalar, const char* p, char delim, char quote) noexcept {
    block_bits b;
    for (unsigned i = 0; i < 64; ++i) {
        const char c = p[i];
        const std::uint64_t bit = std::uint64_t{1} << i;
        if (c == '\n') b.lf |= bit;
        if (c == '\n' || c == delim) b.sep |= bit;
        if (c == '\r') b.cr |= bit;
        if (c == quote || c == '\r') b.special |= bit;
    }
    return b;
}

inline block_bits classify64(isa_native, const char* p, char delim, char quote) noexcept {
#if defined(__AVX512BW__)
    // One 64-byte load; each compare gives its 64 bits directly.
    const __m512i v = _mm512_loadu_si512(p);
    const auto eq = [&](char c) {
        return static_cast<std::uint64_t>(_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(c)));
    };
#elif defined(__AVX2__)
    const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
    const auto eq = [&](char c) {
        const __m256i v = _mm256_set1_epi8(c);
        const auto a = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(lo, v)));
        const auto b = static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, v)));
        return std::uint64_t{a} | std::uint64_t{b} << 32;
    };
#elif defined(__SSE2__)
    __m128i x[4];
    for (int k = 0; k < 4; ++k) x[k] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    const auto eq = [&](char c) {
        const __m128i v = _mm_set1_epi8(c);
        std::uint64_t m = 0;
        for (int k = 0; k < 4; ++k)
            m |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(x[k], v)))}
                 << (16 * k);
        return m;
    };
#endif
#if defined(__AVX512BW__) || defined(__AVX2__) || defined(__SSE2__)
    block_bits b;
    b.lf = eq('\n');
    b.sep = b.lf | eq(delim);
    b.cr = eq('\r');
    b.special = b.cr | eq(quote);
    return b;
#else
    return classify64(isa_scalar{}, p, delim, quote);
#endif
}

// Appends base + the position of every set bit of m to out[n...] (in order);
// writes up to 8 entries past the new end (callers leave room).
inline void flatten_bits(std::uint64_t m, std::uint32_t base, std::uint32_t* out,
                         std::size_t& n) noexcept {
    const int count = std::popcount(m);
    std::uint32_t* o = out + n;
    for (int k = 0; k < count; k += 8) {
        for (int i = 0; i < 8; ++i) {
            o[k + i] = base + static_cast<std::uint32_t>(std::countr_zero(m));
            m &= m - 1;
        }
    }
    n += static_cast<std::size_t>(count);
}

// Separators (delimiter or LF) and LFs of [p, limit), as offsets from p, up to
// the first quote or CR. `room` = capacity of each output array: at least
// (limit - p) + 72.
struct index_result {
    std::size_t seps = 0;
    std::size_t lfs = 0;
    const char* stop = nullptr;  // first special byte, or limit
    bool special = false;        // stopped at a quote or CR
};

template <class Isa>
index_result index_range(Isa isa, const char* p, const char* limit, char delim, char quote,
                         std::uint32_t* seps, std::uint32_t* lfs) noexcept {
    index_result r;
    const char* s = p;
    const auto take = [&](const block_bits& b, const char* at) {
        const std::uint64_t before = b.special ? (b.special & (~b.special + 1)) - 1 : ~std::uint64_t{0};
        const auto base = static_cast<std::uint32_t>(at - p);
        flatten_bits(b.sep & before, base, seps, r.seps);
        flatten_bits(b.lf & before, base, lfs, r.lfs);
        if (b.special) {
            r.stop = at + std::countr_zero(b.special);
            r.special = true;
            return true;
        }
        return false;
    };
    for (; limit - s >= 64; s += 64)
        if (take(classify64(isa, s, delim, quote), s)) return r;
    if (s < limit) {
        char tail[64];
        const auto n = static_cast<std::size_t>(limit - s);
        std::memcpy(tail, s, n);
        std::memset(tail + n, 0, 64 - n);  // padding, masked off below
        block_bits b = classify64(isa, tail, delim, quote);
        const std::uint64_t valid = (std::uint64_t{1} << n) - 1;
        b.sep &= valid;
        b.lf &= valid;
        b.cr &= valid;
        b.special &= valid;
        if (take(b, s)) return r;
    }
    r.stop = limit;
    return r;
}

// Line terminators in [b, e): LF, CRLF (once) and lone CR; plus one when the
// range does not end with a terminator. An upper bound of the records that
// start in [b, e) when b is a record start and the range ends at one (or at
// the end of the input).
template <class Isa>
std::size_t count_records(Isa isa, const char* b, const char* e) noexcept {
    std::size_t n = 0;
    const char* s = b;
    const auto lone_cr = [&](const char* at, std::uint64_t cr) {
        std::size_t k = 0;
        for (; cr; cr &= cr - 1) {
            const char* c = at + std::countr_zero(cr);
            k += c + 1 == e || c[1] != '\n';
        }
        return k;
    };
    for (; e - s >= 64; s += 64) {
        const block_bits bits = classify64(isa, s, '\n', '\n');
        n += static_cast<std::size_t>(std::popcount(bits.lf)) + (bits.cr ? lone_cr(s, bits.cr) : 0);
    }
    for (; s < e; ++s) n += *s == '\n' || (*s == '\r' && (s + 1 == e || s[1] != '\n'));
    if (e > b && e[-1] != '\n' && e[-1] != '\r') ++n;
    return n;
}

}  // namespace tessera::io::detail::csv
