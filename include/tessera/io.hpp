// tessera/io.hpp — module header: versioned, checksummed, atomically written model
// files (docs/io.md).
#pragma once

#include <tessera/io/model_file.hpp>
