#define BOOST_TEST_MODULE exec
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <cmath>
#include <cstring>
#include <numeric>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <tessera/exec/parallel.hpp>

using namespace tessera;

BOOST_AUTO_TEST_SUITE(policies)

BOOST_AUTO_TEST_CASE(policy_values_and_concepts) {
    static_assert(exec::execution_policy<exec::seq_t>);
    static_assert(exec::execution_policy<exec::simd_t>);
    static_assert(exec::execution_policy<exec::par_t>);
    static_assert(exec::execution_policy<const exec::par_t&>);
    static_assert(exec::execution_policy<exec::cuda_t>);
    static_assert(!exec::execution_policy<int>);
    static_assert(!exec::execution_policy<std::vector<float>>);
    static_assert(exec::host_policy<exec::par_t> && !exec::host_policy<exec::cuda_t>);
    static_assert(exec::device_policy<exec::cuda_t> && !exec::device_policy<exec::seq_t>);
    constexpr exec::par_t two{.threads = 2, .grain = 128};
    constexpr auto tag = exec::select_backend(two);
    static_assert(tag.threads == 2 && tag.grain == 128 && decltype(tag)::vector);
    static_assert(!decltype(exec::select_backend(exec::seq))::vector);
    static_assert(decltype(exec::select_backend(exec::simd))::vector);
    BOOST_TEST(exec::cuda.device == 0);
    BOOST_TEST(exec::cuda.stream == nullptr);
}

BOOST_AUTO_TEST_CASE(chunking_is_independent_of_threads) {
    BOOST_TEST(exec::chunk_count(0, 10) == 0u);
    BOOST_TEST(exec::chunk_count(1, 10) == 1u);
    BOOST_TEST(exec::chunk_count(10, 10) == 1u);
    BOOST_TEST(exec::chunk_count(11, 10) == 2u);
    const auto last = exec::chunk_at(25, 10, 2);
    BOOST_TEST(last.begin == 20u);
    BOOST_TEST(last.end == 25u);
    BOOST_TEST(last.index == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pool)

BOOST_AUTO_TEST_CASE(every_index_runs_exactly_once) {
    for (unsigned threads : {1u, 2u, 3u, 7u}) {
        for (std::size_t n : {0u, 1u, 5u, 1000u}) {
            std::vector<std::atomic<int>> hits(n);
            exec::thread_pool::instance().run(threads, n, [&](std::size_t i) { hits[i]++; });
            for (std::size_t i = 0; i < n; ++i) BOOST_TEST(hits[i].load() == 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(uses_several_threads) {
    std::mutex mu;
    std::set<std::thread::id> ids;
    exec::thread_pool::instance().run(4, 64, [&](std::size_t) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        std::lock_guard lk(mu);
        ids.insert(std::this_thread::get_id());
    });
    BOOST_TEST(ids.size() > 1u);
}

BOOST_AUTO_TEST_CASE(first_exception_is_rethrown_and_pool_survives) {
    BOOST_CHECK_THROW(exec::thread_pool::instance().run(3, 100,
                                                        [](std::size_t i) {
                                                            if (i == 37)
                                                                throw std::domain_error("task 37");
                                                        }),
                      std::domain_error);
    std::atomic<int> count{0};
    exec::thread_pool::instance().run(3, 100, [&](std::size_t) { count++; });
    BOOST_TEST(count.load() == 100);
}

BOOST_AUTO_TEST_CASE(nested_runs_go_inline) {
    std::atomic<int> count{0};
    exec::thread_pool::instance().run(2, 8, [&](std::size_t) {
        exec::thread_pool::instance().run(2, 8, [&](std::size_t) { count++; });
    });
    BOOST_TEST(count.load() == 64);
}

BOOST_AUTO_TEST_CASE(concurrent_callers) {
    std::atomic<long> total{0};
    std::vector<std::thread> users;
    for (int u = 0; u < 4; ++u)
        users.emplace_back([&] {
            for (int rep = 0; rep < 20; ++rep)
                exec::thread_pool::instance().run(2, 50, [&](std::size_t i) {
                    total += static_cast<long>(i);
                });
        });
    for (auto& t : users) t.join();
    BOOST_TEST(total.load() == 4L * 20L * (49L * 50L / 2L));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(reduce)

// A float sum whose value depends on association order: only a fixed chunk
// order makes it bitwise reproducible across thread counts.
BOOST_AUTO_TEST_CASE(bitwise_identical_for_1_2_7_threads) {
    std::vector<float> x(100'003);
    std::uint32_t s = 12345;
    for (auto& v : x) {
        s = s * 1664525u + 1013904223u;
        v = static_cast<float>(s >> 8) * 1e-3f - 8000.f;
    }
    auto run = [&](unsigned threads) {
        return exec::parallel_reduce(
            exec::par_t{.threads = threads, .grain = 1000}, x.size(), 0.0f,
            [&](exec::chunk c) {
                float a = 0;
                for (std::size_t i = c.begin; i < c.end; ++i) a += x[i];
                return a;
            },
            [](float a, float b) { return a + b; });
    };
    const float r1 = run(1), r2 = run(2), r7 = run(7);
    BOOST_TEST(std::memcmp(&r1, &r2, sizeof r1) == 0);
    BOOST_TEST(std::memcmp(&r1, &r7, sizeof r1) == 0);
    double ref = 0;
    for (float v : x) ref += v;
    BOOST_TEST(std::abs(r1 - ref) <= 1e-4 * std::abs(ref) + 1.0);
}

BOOST_AUTO_TEST_CASE(empty_and_single_chunk) {
    auto r = exec::parallel_reduce(exec::par, 0, 42, [](exec::chunk) { return 1; },
                                   [](int a, int b) { return a + b; });
    BOOST_TEST(r == 42);
    r = exec::parallel_reduce(exec::par_t{.grain = 10}, 7, 1,
                              [](exec::chunk c) { return static_cast<int>(c.size()); },
                              [](int a, int b) { return a + b; });
    BOOST_TEST(r == 8);
}

BOOST_AUTO_TEST_SUITE_END()
