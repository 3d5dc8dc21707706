// tessera/exec/thread_pool.hpp — one lazily created pool of worker threads.
//
// A job is `ntasks` independent tasks identified by index; workers (and the
// caller) claim indices from an atomic counter. Which thread runs which task is
// unspecified, so callers write each task's result to its own slot and combine
// slots in index order: that is what makes results independent of the thread
// count. The first exception thrown by a task is captured and rethrown in the
// caller once the job has drained (std::execution would terminate instead).
//
// Nested calls (a task that itself calls `run`) and calls made while another
// user thread owns the pool run inline on the calling thread: correct, never
// a deadlock, merely serial.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tessera::exec {

class thread_pool {
public:
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
        {
            std::lock_guard lk(mu_);
            stop_ = true;
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
        {
            std::lock_guard lk(mu_);
            job_ = &j;
            helpers_wanted_ = want - 1;
            ++generation_;
        }
        cv_.notify_all();
        {
            // The caller works too; mark it so a nested run() goes inline
            // instead of re-locking run_mu_.
            in_worker() = true;
            struct reset_flag {
                ~reset_flag() { in_worker() = false; }
            } reset;
            work_on(j);
        }
        {
            std::unique_lock lk(mu_);
            helpers_wanted_ = 0;  // helpers that have not woken yet are not needed
            done_cv_.wait(lk, [&] { return j.active_helpers == 0; });
            job_ = nullptr;
        }
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
        std::size_t active_helpers = 0;  // guarded by mu_
        std::mutex fail_mu;
        std::exception_ptr failure;
        std::atomic<bool> failed{false};
    };

    thread_pool() = default;

    static bool& in_worker() {
        thread_local bool flag = false;
        return flag;
    }

    void ensure_workers(std::size_t n) {
        std::lock_guard lk(mu_);
        while (workers_.size() < n) workers_.emplace_back([this] { worker_loop(); });
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

    void worker_loop() {
        in_worker() = true;
        std::uint64_t seen = 0;
        std::unique_lock lk(mu_);
        for (;;) {
            cv_.wait(lk, [&] { return stop_ || (generation_ != seen && helpers_wanted_ > 0); });
            if (stop_) return;
            seen = generation_;
            job* j = job_;
            --helpers_wanted_;
            ++j->active_helpers;
            lk.unlock();
            work_on(*j);
            lk.lock();
            --j->active_helpers;
            if (j->active_helpers == 0) done_cv_.notify_all();
        }
    }

    std::mutex run_mu_;  // one job at a time
    std::mutex mu_;
    std::condition_variable cv_;
    std::condition_variable done_cv_;
    std::vector<std::thread> workers_;
    job* job_ = nullptr;
    std::size_t helpers_wanted_ = 0;
    std::uint64_t generation_ = 0;
    bool stop_ = false;
};

}  // namespace tessera::exec
