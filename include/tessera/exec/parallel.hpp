// tessera/exec/parallel.hpp — deterministic parallel loops over fixed chunks.
//
// [0, n) is cut into chunks of `grain` elements (the last may be shorter). The
// cut depends only on n and grain, each chunk's result lands in its own slot,
// and slots are combined left to right, so `par{.threads = 1}`, `{2}` and `{7}`
// give bitwise-identical results. Small inputs (one chunk) run inline.
#pragma once

#include <cstddef>
#include <utility>
#include <vector>

#include <tessera/exec/policy.hpp>
#include <tessera/exec/thread_pool.hpp>

namespace tessera::exec {

struct chunk {
    std::size_t begin;
    std::size_t end;
    std::size_t index;
    std::size_t size() const noexcept { return end - begin; }
};

constexpr std::size_t chunk_count(std::size_t n, std::size_t grain) noexcept {
    if (grain == 0) grain = 1;
    return n == 0 ? 0 : (n + grain - 1) / grain;
}

constexpr chunk chunk_at(std::size_t n, std::size_t grain, std::size_t i) noexcept {
    if (grain == 0) grain = 1;
    const std::size_t b = i * grain;
    const std::size_t e = b + grain < n ? b + grain : n;
    return {b, e, i};
}

// f(chunk) for every chunk of [0, n), on the pool.
template <bool V, class F>
void parallel_for(const pool_tag<V>& tag, std::size_t n, F&& f) {
    const std::size_t nc = chunk_count(n, tag.grain);
    thread_pool::instance().run(tag.threads, nc,
                                [&](std::size_t i) { f(chunk_at(n, tag.grain, i)); });
}

template <class F>
void parallel_for(const par_t& p, std::size_t n, F&& f) {
    parallel_for(select_backend(p), n, std::forward<F>(f));
}

// Runs map(chunk) -> R on every chunk, then folds the partial results in chunk
// order: combine(combine(combine(init, r0), r1), r2)...
template <bool V, class R, class Map, class Combine>
R parallel_reduce(const pool_tag<V>& tag, std::size_t n, R init, Map&& map, Combine&& combine) {
    const std::size_t nc = chunk_count(n, tag.grain);
    if (nc == 0) return init;
    if (nc == 1) return combine(std::move(init), map(chunk_at(n, tag.grain, 0)));
    std::vector<R> partial(nc, init);
    thread_pool::instance().run(tag.threads, nc, [&](std::size_t i) {
        partial[i] = map(chunk_at(n, tag.grain, i));
    });
    R acc = std::move(init);
    for (auto& r : partial) acc = combine(std::move(acc), std::move(r));
    return acc;
}

template <class R, class Map, class Combine>
R parallel_reduce(const par_t& p, std::size_t n, R init, Map&& map, Combine&& combine) {
    return parallel_reduce(select_backend(p), n, std::move(init), std::forward<Map>(map),
                           std::forward<Combine>(combine));
}

}  // namespace tessera::exec
