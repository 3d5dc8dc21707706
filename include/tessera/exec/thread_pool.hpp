// tessera/exec/thread_pool.hpp — one lazily created pool of worker threads.
//
// A job is `ntasks` independent tasks identified by index; workers (and the
// caller) claim indices from an atomic counter. Which thread runs which task is
// unspecified, so callers write each task's result to its own slot and combine
// slots in index order: that is what makes results independent of the thread
// count. The first exception thrown by a task is captured and rethrown in the
// caller once the job has drained (std::execution would terminate instead).
//
// Dispatch is spin-then-block, as OpenMP runtimes do: a worker that finished a
// job polls for the next one for about `spin_budget` before it sleeps on a
// condition variable, and a job wakes sleepers only when there are any. A
// trainer that runs thousands of short parallel regions (a GBDT fit, an MLP
// epoch) thus pays an atomic handshake per region, not a futex wake-up and a
// scheduler round trip (tens of microseconds on a virtual machine).
//
// Nested calls (a task that itself calls `run`) and calls made while another
// user thread owns the pool run inline on the calling thread: correct, never
// a deadlock, merely serial.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tessera::exec {

namespace detail {

// One spin-wait step: a CPU hint that we are polling (frees the core's shared
// resources for a hyper-thread sibling) where there is one.
inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#else
    std::this_thread::yield();
#endif
}

// Polls `ready()` for about `budget`, checking the clock every 64 polls.
// Returns whether it became true.
template <class Ready>
bool spin_until(Ready&& ready, std::chrono::nanoseconds budget) {
    const auto until = std::chrono::steady_clock::now() + budget;
    for (;;) {
        for (int i = 0; i < 64; ++i) {
            if (ready()) return true;
            cpu_relax();
        }
        if (std::chrono::steady_clock::now() >= until) return ready();
    }
}

}  // namespace detail

class thread_pool {
public:
    // How long an idle worker polls for the next job before it sleeps, and how
    // long the caller polls for helpers to leave before it yields its core.
    static constexpr std::chrono::microseconds spin_budget{200};

    static thread_pool& instance() {
        static thread_pool pool;
        return pool;
    }

    static unsigned hardware_threads() noexcept {
        const unsigned n = std::thread::hardware_concurrency();
        return n == 0 ? 1u : n;
    }

    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;

    ~thread_pool() {
        stop_.store(true);
        {
            std::lock_guard lk(mu_);
        }
        cv_.notify_all();
        for (auto& t : workers_) t.join();
    }

    // Runs task(i) for every i in [0, ntasks) on up to `threads` threads
    // (the caller included; 0 means hardware_threads()).
    template <class F>
    void run(unsigned threads, std::size_t ntasks, F&& task) {
        if (ntasks == 0) return;
        if (threads == 0) threads = hardware_threads();
        // Every path below calls the task through this one std::function, so
        // the task body is compiled once. Two inlined copies may be optimised
        // differently (e.g. FMA contraction under -ffp-contract=fast), which
        // would make results depend on the thread count.
        std::function<void(std::size_t)> fn = std::ref(task);
        const std::size_t want = std::min<std::size_t>(threads, ntasks);
        if (want <= 1 || in_worker()) {
            for (std::size_t i = 0; i < ntasks; ++i) fn(i);
            return;
        }
        std::unique_lock owner(run_mu_, std::try_to_lock);
        if (!owner.owns_lock()) {  // another user thread is using the pool
            for (std::size_t i = 0; i < ntasks; ++i) fn(i);
            return;
        }
        ensure_workers(want - 1);

        job j(&fn, ntasks);
        job_ = &j;  // published by the store below; no helper is active now
        state_.store(static_cast<std::uint64_t>(want - 1) << 32);
        if (sleepers_.load() > 0) {
            // A sleeper checked `state_` under mu_ before our store, or it
            // will see the store: taking mu_ orders us after its check.
            { std::lock_guard lk(mu_); }
            cv_.notify_all();
        }
        {
            // The caller works too; mark it so a nested run() goes inline
            // instead of re-locking run_mu_.
            in_worker() = true;
            struct reset_flag {
                ~reset_flag() { in_worker() = false; }
            } reset;
            work_on(j);
        }
        // Close the job to late helpers, then wait for the ones inside it.
        std::uint64_t s = state_.load();
        while (!state_.compare_exchange_weak(s, s & active_mask)) {
        }
        const auto drained = [&] { return (state_.load(std::memory_order_acquire) & active_mask) == 0; };
        if (!detail::spin_until(drained, spin_for()))
            while (!drained()) std::this_thread::yield();
        job_ = nullptr;
        // Every task has finished: helpers only leave work_on() when the counter
        // is exhausted and their claimed task returned.
        if (j.failure) std::rethrow_exception(j.failure);
    }

private:
    struct job {
        job(std::function<void(std::size_t)>* f, std::size_t n) : fn(f), ntasks(n) {}
        std::function<void(std::size_t)>* fn;
        std::size_t ntasks;
        std::atomic<std::size_t> next{0};
        std::mutex fail_mu;
        std::exception_ptr failure;
        std::atomic<bool> failed{false};
    };

    // state_: high 32 bits = helper places still open in the current job,
    // low 32 bits = helpers inside it. A helper joins with one CAS that moves
    // a place to the active count, so the caller, which closes the places and
    // then waits for the active count to reach zero, never frees a job that a
    // helper is about to enter.
    static constexpr std::uint64_t active_mask = 0xffffffffu;
    static constexpr std::uint64_t one_place = std::uint64_t{1} << 32;

    thread_pool() = default;

    static bool& in_worker() {
        thread_local bool flag = false;
        return flag;
    }

    void ensure_workers(std::size_t n) {
        while (workers_.size() < n) workers_.emplace_back([this] { worker_loop(); });
        // More threads than cores: a polling thread would take the core from
        // the one doing the work, so idle workers sleep at once instead.
        oversubscribed_.store(workers_.size() + 1 > hardware_threads(), std::memory_order_relaxed);
    }

    std::chrono::nanoseconds spin_for() const noexcept {
        return oversubscribed_.load(std::memory_order_relaxed) ? std::chrono::nanoseconds{0}
                                                               : std::chrono::nanoseconds{spin_budget};
    }

    static void work_on(job& j) {
        for (;;) {
            const std::size_t i = j.next.fetch_add(1, std::memory_order_relaxed);
            if (i >= j.ntasks) return;
            if (j.failed.load(std::memory_order_relaxed)) continue;  // drain quickly
            try {
                (*j.fn)(i);
            } catch (...) {
                std::lock_guard lk(j.fail_mu);
                if (!j.failure) j.failure = std::current_exception();
                j.failed.store(true, std::memory_order_relaxed);
            }
        }
    }

    bool places_open() const noexcept { return (state_.load() >> 32) != 0; }

    // Waits until a job has an open place (true) or the pool stops (false).
    bool wait_for_job() {
        const auto ready = [&] { return stop_.load(std::memory_order_relaxed) || places_open(); };
        if (!detail::spin_until(ready, spin_for())) {
            std::unique_lock lk(mu_);
            sleepers_.fetch_add(1);
            cv_.wait(lk, [&] { return stop_.load() || places_open(); });
            sleepers_.fetch_sub(1);
        }
        return !stop_.load();
    }

    void worker_loop() {
        in_worker() = true;
        while (wait_for_job()) {
            std::uint64_t s = state_.load();
            while ((s >> 32) != 0) {
                if (state_.compare_exchange_weak(s, s - one_place + 1, std::memory_order_acq_rel)) {
                    work_on(*job_);
                    state_.fetch_sub(1, std::memory_order_release);
                    break;
                }
            }
        }
    }

    std::mutex run_mu_;  // one job at a time; also guards workers_
    std::mutex mu_;      // sleepers wait on cv_ under it
    std::condition_variable cv_;
    std::vector<std::thread> workers_;
    job* job_ = nullptr;
    std::atomic<std::uint64_t> state_{0};
    std::atomic<int> sleepers_{0};
    std::atomic<bool> stop_{false};
    std::atomic<bool> oversubscribed_{false};
};

}  // namespace tessera::exec
