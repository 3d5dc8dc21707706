// tessera/io.hpp — module header (docs/io.md): CSV ingestion into frames
// (read_csv / write_csv, ISO-8601 timestamps), versioned, checksummed, atomically
// written model files, and the JSON / HTML writers reports use.
#pragma once

#include <tessera/io/csv.hpp>
#include <tessera/io/html.hpp>
#include <tessera/io/json.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/io/timestamp.hpp>
