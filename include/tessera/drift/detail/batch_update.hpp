// tessera/drift/detail/batch_update.hpp — the block form of a detector's update,
// shared by ADWIN, DDM and EDDM: feed a span in order, exactly as one update(x)
// per value, and report where drift was detected.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace tessera::drift::detail {

// Appends to `at` the positions i in xs (0-based within xs) whose update
// detected drift; returns how many. The detector ends in the state the last
// single update would leave. An exception from update(xs[i]) propagates with
// xs[0, i) applied.
template <class D, class T>
std::size_t update_block(D& d, std::span<const T> xs, std::vector<std::size_t>& at) {
    std::size_t found = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        if (d.update(xs[i])) {
            at.push_back(i);
            ++found;
        }
    }
    return found;
}

}  // namespace tessera::drift::detail
