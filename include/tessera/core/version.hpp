// tessera/core/version.hpp — the library version, as a value and as macros.
//
// Kept equal to `project(tessera VERSION ...)` in the top-level CMakeLists.txt
// (test_pipeline checks it against the configured PROJECT_VERSION). Model files
// record the version that wrote them (io/model_file.hpp); readers decide on the
// file's format version, never on this one.
#pragma once

#include <cstdint>
#include <string_view>

#define TESSERA_VERSION_MAJOR 0
#define TESSERA_VERSION_MINOR 1
#define TESSERA_VERSION_PATCH 0
#define TESSERA_VERSION_STRING "0.1.0"

namespace tessera {

struct version_info {
    std::uint16_t major;
    std::uint16_t minor;
    std::uint16_t patch;
    friend constexpr bool operator==(const version_info&, const version_info&) = default;
};

inline constexpr version_info version{TESSERA_VERSION_MAJOR, TESSERA_VERSION_MINOR,
                                      TESSERA_VERSION_PATCH};
inline constexpr std::string_view version_string = TESSERA_VERSION_STRING;

}  // namespace tessera
