// tessera/features.hpp — the features module: transformers that turn a numeric
// matrix into the features a learner sees (standard_scaler; scikit-learn's
// preprocessing semantics).
#pragma once

#include <tessera/features/standard_scaler.hpp>
