// tessera/core/serialize.hpp — the byte-level writer and reader fitted objects
// use in `save(io::writer&) const` / `static T load(io::reader&)`.
//
// Little-endian, fixed-width fields, no padding. The reader bounds-checks every
// read and throws format_error naming what it was reading, so a truncated or
// corrupted payload is rejected rather than trusted. The container around these
// bytes (magic, versions, type tag, checksum) is io/model_file.hpp.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <tessera/core/errors.hpp>
#include <xtensor/xtensor.hpp>

namespace tessera::io {

static_assert(std::endian::native == std::endian::little,
              "tessera model files are little-endian; big-endian hosts are not supported");

template <class T>
concept trivially_serializable =
    std::is_trivially_copyable_v<T> && !std::is_pointer_v<T> && !std::is_reference_v<T>;

class writer {
public:
    template <trivially_serializable T>
    void put(const T& v) {
        const auto* p = reinterpret_cast<const char*>(&v);
        bytes_.append(p, sizeof(T));
    }
    void put_bytes(const void* p, std::size_t n) {
        bytes_.append(static_cast<const char*>(p), n);
    }
    void put(std::string_view s) {
        put<std::uint64_t>(s.size());
        bytes_.append(s.data(), s.size());
    }
    void put(const std::string& s) { put(std::string_view(s)); }
    void put(const char* s) { put(std::string_view(s)); }

    template <trivially_serializable T>
    void put(const std::vector<T>& v) {
        put<std::uint64_t>(v.size());
        put_bytes(v.data(), v.size() * sizeof(T));
    }
    void put(const std::vector<std::string>& v) {
        put<std::uint64_t>(v.size());
        for (const auto& s : v) put(s);
    }
    template <class T, std::size_t N>
    void put(const xt::xtensor<T, N>& t) {
        put<std::uint32_t>(static_cast<std::uint32_t>(N));
        for (std::size_t d = 0; d < N; ++d) put<std::uint64_t>(t.shape()[d]);
        put_bytes(t.data(), t.size() * sizeof(T));
    }

    const std::string& bytes() const noexcept { return bytes_; }
    std::string take() noexcept { return std::move(bytes_); }

private:
    std::string bytes_;
};

class reader {
public:
    explicit reader(std::string_view bytes, std::string_view what = "model payload")
        : bytes_(bytes), what_(what) {}

    template <trivially_serializable T>
    T get(std::string_view field = "value") {
        need(sizeof(T), field);
        T v;
        std::memcpy(&v, bytes_.data() + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    void get_bytes(void* out, std::size_t n, std::string_view field) {
        need(n, field);
        std::memcpy(out, bytes_.data() + pos_, n);
        pos_ += n;
    }
    std::string get_string(std::string_view field = "string") {
        const auto n = get<std::uint64_t>(field);
        need(n, field);
        std::string s(bytes_.data() + pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return s;
    }
    template <trivially_serializable T>
    std::vector<T> get_vector(std::string_view field = "vector") {
        const auto n = get<std::uint64_t>(field);
        if (n > remaining() / (sizeof(T) ? sizeof(T) : 1)) truncated(field);
        std::vector<T> v(static_cast<std::size_t>(n));
        get_bytes(v.data(), v.size() * sizeof(T), field);
        return v;
    }
    std::vector<std::string> get_strings(std::string_view field = "strings") {
        const auto n = get<std::uint64_t>(field);
        if (n > remaining() / sizeof(std::uint64_t)) truncated(field);
        std::vector<std::string> v;
        v.reserve(static_cast<std::size_t>(n));
        for (std::uint64_t i = 0; i < n; ++i) v.push_back(get_string(field));
        return v;
    }
    template <class T, std::size_t N>
    xt::xtensor<T, N> get_tensor(std::string_view field = "tensor") {
        const auto rank = get<std::uint32_t>(field);
        if (rank != N)
            throw format_error(tessera::detail::concat(what_, ": field '", field, "' has rank ", rank,
                                              ", expected ", N));
        std::array<std::size_t, N> shape{};
        std::size_t total = 1;
        for (std::size_t d = 0; d < N; ++d) {
            const auto s = get<std::uint64_t>(field);
            if (s != 0 && total > remaining() / s) truncated(field);
            shape[d] = static_cast<std::size_t>(s);
            total *= shape[d];
        }
        if (total > remaining() / sizeof(T)) truncated(field);
        xt::xtensor<T, N> t(shape);
        get_bytes(t.data(), total * sizeof(T), field);
        return t;
    }

    std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
    bool at_end() const noexcept { return pos_ == bytes_.size(); }
    void expect_end() const {
        if (!at_end())
            throw format_error(tessera::detail::concat(what_, ": ", remaining(),
                                              " unexpected trailing bytes"));
    }

private:
    void need(std::uint64_t n, std::string_view field) const {
        if (n > remaining()) truncated(field);
    }
    [[noreturn]] void truncated(std::string_view field) const {
        throw format_error(tessera::detail::concat(what_, ": truncated while reading '", field,
                                          "' at byte ", pos_));
    }

    std::string_view bytes_;
    std::size_t pos_ = 0;
    std::string what_;
};

}  // namespace tessera::io
