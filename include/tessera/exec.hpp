// tessera/exec.hpp — module header: execution policies, the thread pool and the
// deterministic parallel loops (docs/exec.md).
#pragma once

#include <tessera/exec/parallel.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/exec/thread_pool.hpp>
