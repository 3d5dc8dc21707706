// tessera/learners.hpp — module header: every learner family (docs/linear.md).
#pragma once

#include <tessera/learners/linear.hpp>
