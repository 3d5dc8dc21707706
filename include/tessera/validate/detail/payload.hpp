// tessera/validate/detail/payload.hpp — small model-file field helpers shared
// by the fitted validators' save/load.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <tessera/core/errors.hpp>
#include <tessera/core/serialize.hpp>

namespace tessera::validate::detail {

using tessera::detail::concat;

inline void put_optional(io::writer& w, const std::optional<double>& v) {
    w.put<std::uint8_t>(v ? 1 : 0);
    w.put<double>(v ? *v : 0.0);
}
inline std::optional<double> get_optional(io::reader& r, std::string_view field) {
    const auto has = r.get<std::uint8_t>(field);
    const auto v = r.get<double>(field);
    if (has > 1)
        throw format_error(concat("validate: field '", field, "' flag is ",
                                  unsigned{has}, ", expected 0 or 1"));
    return has ? std::optional<double>(v) : std::nullopt;
}
inline bool get_flag(io::reader& r, std::string_view field) {
    const auto v = r.get<std::uint8_t>(field);
    if (v > 1)
        throw format_error(concat("validate: field '", field, "' is ",
                                  unsigned{v}, ", expected 0 or 1"));
    return v == 1;
}

}  // namespace tessera::validate::detail
