// tessera/core.hpp — module header: errors, concepts, tensor aliases, the Philox
// generator, XXH64, byte serialization, the columnar frame (docs/core.md).
#pragma once

#include <tessera/core/concepts.hpp>
#include <tessera/core/config.hpp>
#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/hash.hpp>
#include <tessera/core/random.hpp>
#include <tessera/core/serialize.hpp>
#include <tessera/core/tensor.hpp>
#include <tessera/core/version.hpp>
