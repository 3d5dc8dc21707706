// tessera/tessera.hpp — the umbrella header: every host module. A convenience for
// quick experiments; tessera's own tests and examples include module headers, which
// compile faster (docs/build.md). CUDA overloads are separate: <tessera/cuda.hpp>
// in nvcc translation units.
#pragma once

#include <tessera/core.hpp>
#include <tessera/drift.hpp>
#include <tessera/eval.hpp>
#include <tessera/exec.hpp>
#include <tessera/features.hpp>
#include <tessera/io.hpp>
#include <tessera/kernels.hpp>
#include <tessera/learners.hpp>
#include <tessera/pipeline.hpp>
#include <tessera/validate.hpp>
