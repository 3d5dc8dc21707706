// tessera/eval.hpp — module header: metrics with scikit-learn's definitions (docs/eval.md).
#pragma once

#include <tessera/eval/metrics.hpp>
