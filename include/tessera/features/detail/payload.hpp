// tessera/features/detail/payload.hpp — reading fitted transformers' payloads:
// the payload-version check and one-byte enums, shared by every features header.
#pragma once

#include <cstdint>
#include <string_view>

#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>

namespace tessera::features::detail {

// format_error unless the payload was written with `expected`.
inline void check_version(io::reader& r, std::string_view owner, std::uint32_t expected) {
    const auto version = r.get<std::uint32_t>("payload version");
    if (version != expected)
        throw format_error(tessera::detail::concat(owner, ": payload version ", version,
                                                   " is not one this build reads (", expected,
                                                   ")"));
}

// An enum (or flag) stored as one byte, checked against its largest value.
template <class E>
E get_enum(io::reader& r, std::string_view owner, std::string_view field, E largest) {
    const auto v = r.get<std::uint8_t>(field);
    if (v > static_cast<std::uint8_t>(largest))
        throw format_error(tessera::detail::concat(owner, ": field '", field, "' is ", unsigned{v},
                                                   ", expected 0 to ",
                                                   unsigned{static_cast<std::uint8_t>(largest)}));
    return static_cast<E>(v);
}

}  // namespace tessera::features::detail
