// tessera/learners.hpp — module header: every learner family (docs/linear.md,
// docs/gbdt.md, docs/nn.md).
#pragma once

#include <tessera/learners/gbdt.hpp>
#include <tessera/learners/linear.hpp>
#include <tessera/learners/nn.hpp>
