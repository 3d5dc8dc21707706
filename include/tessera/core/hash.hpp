// tessera/core/hash.hpp — XXH64, the 64-bit hash behind data fingerprints and
// model-file checksums.
//
// Algorithm and constants: Yann Collet's xxHash specification (XXH64), tested
// against its published vectors. `hash64` hashes a buffer in one call; `hasher64`
// streams (update() any number of times, digest() at the end) and gives the
// same value as one call over the concatenation.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

namespace tessera {

namespace detail::xxh64 {

inline constexpr std::uint64_t p1 = 0x9E3779B185EBCA87ULL;
inline constexpr std::uint64_t p2 = 0xC2B2AE3D27D4EB4FULL;
inline constexpr std::uint64_t p3 = 0x165667B19E3779F9ULL;
inline constexpr std::uint64_t p4 = 0x85EBCA77C2B2AE63ULL;
inline constexpr std::uint64_t p5 = 0x27D4EB2F165667C5ULL;

inline std::uint64_t read64(const unsigned char* p) noexcept {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap64(v);
    return v;
}
inline std::uint32_t read32(const unsigned char* p) noexcept {
    std::uint32_t v;
    std::memcpy(&v, p, 4);
    if constexpr (std::endian::native == std::endian::big) v = __builtin_bswap32(v);
    return v;
}
inline std::uint64_t round(std::uint64_t acc, std::uint64_t input) noexcept {
    acc += input * p2;
    acc = std::rotl(acc, 31);
    return acc * p1;
}
inline std::uint64_t merge_round(std::uint64_t acc, std::uint64_t v) noexcept {
    acc ^= round(0, v);
    return acc * p1 + p4;
}
inline std::uint64_t finish(std::uint64_t h, const unsigned char* p, std::size_t len) noexcept {
    while (len >= 8) {
        h ^= round(0, read64(p));
        h = std::rotl(h, 27) * p1 + p4;
        p += 8;
        len -= 8;
    }
    if (len >= 4) {
        h ^= static_cast<std::uint64_t>(read32(p)) * p1;
        h = std::rotl(h, 23) * p2 + p3;
        p += 4;
        len -= 4;
    }
    while (len > 0) {
        h ^= (*p) * p5;
        h = std::rotl(h, 11) * p1;
        ++p;
        --len;
    }
    h ^= h >> 33;
    h *= p2;
    h ^= h >> 29;
    h *= p3;
    h ^= h >> 32;
    return h;
}

}  // namespace detail::xxh64

// Streaming XXH64.
class hasher64 {
public:
    explicit hasher64(std::uint64_t seed = 0) noexcept { reset(seed); }

    void reset(std::uint64_t seed = 0) noexcept {
        using namespace detail::xxh64;
        seed_ = seed;
        v_[0] = seed + p1 + p2;
        v_[1] = seed + p2;
        v_[2] = seed;
        v_[3] = seed - p1;
        total_ = 0;
        buffered_ = 0;
    }

    void update(const void* data, std::size_t len) noexcept {
        using namespace detail::xxh64;
        const auto* p = static_cast<const unsigned char*>(data);
        total_ += len;
        if (buffered_ + len < 32) {
            if (len) std::memcpy(buf_ + buffered_, p, len);
            buffered_ += len;
            return;
        }
        if (buffered_) {
            const std::size_t fill = 32 - buffered_;
            std::memcpy(buf_ + buffered_, p, fill);
            stripe(buf_);
            p += fill;
            len -= fill;
            buffered_ = 0;
        }
        while (len >= 32) {
            stripe(p);
            p += 32;
            len -= 32;
        }
        if (len) std::memcpy(buf_, p, len);
        buffered_ = len;
    }
    void update(std::string_view s) noexcept { update(s.data(), s.size()); }

    template <class T>
        requires std::is_trivially_copyable_v<T>
    void update_value(const T& v) noexcept {
        update(&v, sizeof(T));
    }

    std::uint64_t digest() const noexcept {
        using namespace detail::xxh64;
        std::uint64_t h;
        if (total_ >= 32) {
            h = std::rotl(v_[0], 1) + std::rotl(v_[1], 7) + std::rotl(v_[2], 12) +
                std::rotl(v_[3], 18);
            for (auto v : v_) h = merge_round(h, v);
        } else {
            h = seed_ + p5;
        }
        h += total_;
        return finish(h, buf_, buffered_);
    }

private:
    void stripe(const unsigned char* p) noexcept {
        using namespace detail::xxh64;
        for (int i = 0; i < 4; ++i) v_[i] = round(v_[i], read64(p + 8 * i));
    }

    std::uint64_t v_[4];
    std::uint64_t seed_ = 0;
    std::uint64_t total_ = 0;
    unsigned char buf_[32];
    std::size_t buffered_ = 0;
};

// One-shot XXH64 of a buffer.
inline std::uint64_t hash64(const void* data, std::size_t len, std::uint64_t seed = 0) noexcept {
    hasher64 h(seed);
    h.update(data, len);
    return h.digest();
}
inline std::uint64_t hash64(std::string_view s, std::uint64_t seed = 0) noexcept {
    return hash64(s.data(), s.size(), seed);
}

}  // namespace tessera
