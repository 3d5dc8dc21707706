// The device pieces of GBDT training (cuda/tessera/cuda/detail/gbdt_*.hpp),
// compiled by g++ with Thrust's OMP device system, and the host emulation of the
// raw node-histogram kernel. References: brute-force loops written here (exact
// integers, so every comparison is bit for bit). Inputs: random bin matrices
// with odd feature widths and NaN bins, random row subsets (empty, 1, odd sizes),
// random gradients; launch shapes from one block to many, shared and global.
#define BOOST_TEST_MODULE gbdt_thrust_omp
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <vector>

#include <tessera/cuda/detail/gbdt_backend.hpp>
#include <tessera/cuda/detail/gbdt_histogram.hpp>
#include <tessera/cuda/detail/gbdt_partition.hpp>
#include <tessera/cuda/detail/gbdt_quantize.hpp>
#include <tessera/cuda/detail/gbdt_split.hpp>

#include <tessera/learners/gbdt/estimators.hpp>

#include "backend_cases.hpp"
#include "device_steps.hpp"

using namespace tessera;
namespace dd = tessera::device_detail;
using namespace gbdt_cuda_test;

namespace {

const dd::omp_backend be{};

template <class T>
std::vector<T> to_host(const thrust::device_vector<T>& d) {
    std::vector<T> h(d.size());
    thrust::copy(d.begin(), d.end(), h.begin());
    return h;
}

}  // namespace

// ---- node histogram kernel (host emulation) ---------------------------------------

BOOST_AUTO_TEST_SUITE(node_histogram)

BOOST_AUTO_TEST_CASE(emulated_kernel_equals_brute_force_for_every_launch_shape) {
    for (std::size_t rows : {std::size_t{1}, std::size_t{2}, std::size_t{37}, std::size_t{1001}}) {
        for (std::size_t nf : {std::size_t{1}, std::size_t{3}, std::size_t{13}}) {
            const binned_case c = make_binned(rows, nf, 7 * rows + nf);
            const auto g = random_gradients(rows, 11 + rows, 0);
            const auto h = random_gradients(rows, 12 + rows, 1);
            std::vector<long long> qg(rows), qh(rows);
            const int kg = dd::fixed_point_exponent(rows, max_abs(g));
            const int kh = dd::fixed_point_exponent(rows, max_abs(h));
            for (std::size_t i = 0; i < rows; ++i) {
                qg[i] = std::llrint(std::ldexp(static_cast<double>(g[i]), kg));
                qh[i] = std::llrint(std::ldexp(static_cast<double>(h[i]), kh));
            }
            for (const auto& subset : {all_rows(rows), some_rows(rows, 3 + rows), std::vector<std::uint32_t>{}}) {
                const auto want = reference_histogram(c, subset, qg, qh);
                for (unsigned block : {32u, 256u, 1024u}) {
                    for (unsigned grid : {1u, 7u, 512u}) {
                        // 48 KiB (one group), a budget that splits the features into
                        // several groups, and one that forces global atomics.
                        for (std::size_t smem : {std::size_t{48 * 1024}, std::size_t{24 * 300},
                                                 std::size_t{24}}) {
                            auto plan = dd::plan_node_hist(subset.size(), c.offsets.data(), nf,
                                                           block, grid, smem);
                            plan.grid_x = grid;  // also more blocks than work
                            BOOST_TEST_CONTEXT("rows " << rows << " nf " << nf << " subset "
                                                        << subset.size() << " block " << block
                                                        << " grid " << grid << " smem " << smem
                                                        << " groups " << plan.n_groups()) {
                                BOOST_TEST((device_histogram(be, c, subset, qg, qh, plan) == want));
                            }
                        }
                    }
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(plan_groups_cover_features_and_fit_the_budget) {
    const binned_case c = make_binned(5, 40, 3);
    for (std::size_t smem : {std::size_t{48 * 1024}, std::size_t{24 * 256}, std::size_t{24 * 700}}) {
        const auto p = dd::plan_node_hist(5, c.offsets.data(), 40, 256, 512, smem);
        BOOST_TEST(p.groups.front() == 0u);
        BOOST_TEST(p.groups.back() == 40u);
        for (unsigned g = 0; g < p.n_groups(); ++g) {
            BOOST_TEST(p.groups[g] < p.groups[g + 1]);
            const std::size_t bytes = 24 * (c.offsets[p.groups[g + 1]] - c.offsets[p.groups[g]]);
            if (p.shared) BOOST_TEST(bytes <= p.smem_bytes);
        }
        if (p.shared) BOOST_TEST(p.smem_bytes <= smem);
    }
    // One feature wider than the budget: global atomics, one group.
    const auto p = dd::plan_node_hist(5, c.offsets.data(), 40, 256, 512, 24);
    BOOST_TEST(!p.shared);
    BOOST_TEST(p.n_groups() == 1u);
    BOOST_TEST(p.smem_bytes == 0u);
}

BOOST_AUTO_TEST_CASE(subtraction_gives_the_sibling_bit_for_bit) {
    const std::size_t rows = 777, nf = 9;
    const binned_case c = make_binned(rows, nf, 42);
    std::vector<long long> qg(rows), qh(rows);
    std::mt19937_64 rng(5);
    for (std::size_t i = 0; i < rows; ++i) {
        qg[i] = static_cast<long long>(rng()) >> 12;  // negative and positive
        qh[i] = static_cast<long long>(rng() >> 13);
    }
    const auto all = all_rows(rows);
    const auto left = some_rows(rows, 9);
    std::vector<std::uint32_t> right;
    std::set_difference(all.begin(), all.end(), left.begin(), left.end(), std::back_inserter(right));
    const auto plan = dd::plan_node_hist(rows, c.offsets.data(), nf);
    thrust::device_vector<dd::ull> parent = [&] {
        const auto v = device_histogram(be, c, all, qg, qh, plan);
        return thrust::device_vector<dd::ull>(v.begin(), v.end());
    }();
    const auto l = device_histogram(be, c, left, qg, qh, plan);
    thrust::device_vector<dd::ull> child(l.begin(), l.end());
    dd::subtract_histogram(be, thrust::raw_pointer_cast(parent.data()),
                           thrust::raw_pointer_cast(child.data()),
                           thrust::raw_pointer_cast(parent.data()), c.total_bins());
    BOOST_TEST((to_host(parent) == reference_histogram(c, right, qg, qh)));
}

BOOST_AUTO_TEST_SUITE_END()

// ---- quantization -------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(quantization_matches_the_host_rule_bit_for_bit) {
    for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{17}, std::size_t{10007}}) {
        for (int scale : {-30, 0, 20}) {
            auto g = random_gradients(n, 3 + n, 0);
            for (float& v : g) v = std::ldexp(v, scale);
            thrust::device_vector<float> dg(g.begin(), g.end());
            thrust::device_vector<long long> q(n);
            const std::size_t n_exp = n + 5;  // the exponent's row count is the caller's
            const int k = dd::quantize_to_fixed(be, dg.data(), n, n_exp, q.data(), "fit", "grad");
            double m = 0;
            for (float v : g) m = std::max(m, std::fabs(static_cast<double>(v)));
            int en = 0, em = 0;
            std::frexp(static_cast<double>(n_exp), &en);
            std::frexp(m, &em);
            BOOST_TEST(k == 61 - en - em);
            BOOST_TEST(k == gd::fixed_point_exponent(n_exp, m));  // gbdt-core's rule
            const auto hq = to_host(q);
            bool same = true;
            for (std::size_t i = 0; i < n; ++i) {
                same = same && hq[i] == std::llrint(std::ldexp(static_cast<double>(g[i]), k));
                same = same && hq[i] == gd::quantize(static_cast<double>(g[i]), k);
            }
            BOOST_TEST(same);
        }
    }
    // All zero: k = 0, all zero integers. Empty: k = 0.
    thrust::device_vector<double> z(5, 0.0);
    thrust::device_vector<long long> q(5, 7);
    BOOST_TEST(dd::quantize_to_fixed(be, z.data(), 5, 5, q.data(), "fit", "grad") == 0);
    BOOST_TEST((to_host(q) == std::vector<long long>(5, 0)));
    BOOST_TEST(dd::quantize_to_fixed(be, z.data(), 0, 0, q.data(), "fit", "grad") == 0);
}

BOOST_AUTO_TEST_CASE(non_finite_gradient_is_a_data_error_naming_the_row) {
    std::vector<float> g(10, 1.0f);
    g[6] = std::numeric_limits<float>::infinity();
    thrust::device_vector<float> dg(g.begin(), g.end());
    thrust::device_vector<long long> q(10);
    try {
        dd::quantize_to_fixed(be, dg.data(), 10, 10, q.data(), "gbdt::fit(exec::cuda)", "hess");
        BOOST_FAIL("no throw");
    } catch (const data_error& e) {
        BOOST_TEST(e.row() == 6u);
        BOOST_TEST(std::string(e.what()).find("hess") != std::string::npos);
    }
}

// ---- split finding ------------------------------------------------------------------


BOOST_AUTO_TEST_CASE(device_split_equals_brute_force_including_ties) {
    for (std::size_t rows : {std::size_t{1}, std::size_t{2}, std::size_t{50}, std::size_t{999}}) {
        for (std::size_t nf : {std::size_t{1}, std::size_t{4}, std::size_t{11}}) {
            for (bool ties : {false, true}) {
                const binned_case c = make_binned(rows, nf, 100 + rows + nf, ties);
                // Integer gradients (ties) or random ones; hessians 1 (ties) or random.
                std::vector<long long> qg(rows), qh(rows);
                std::mt19937_64 rng(rows * 31 + nf);
                for (std::size_t i = 0; i < rows; ++i) {
                    qg[i] = ties ? static_cast<long long>(rng() % 3) - 1 : static_cast<long long>(rng() >> 20) - (1ll << 43);
                    qh[i] = ties ? 1 : static_cast<long long>(rng() >> 21) + 1;
                }
                const auto rows_all = all_rows(rows);
                const auto hist = reference_histogram(c, rows_all, qg, qh);
                std::vector<std::uint8_t> allowed(nf, 1);
                if (nf > 3) allowed[2] = 0;
                const l2_rules r{ties ? 0 : 40, ties ? 0 : 40, 1.0, ties ? 1 : 3};
                const auto want = reference_split(c, hist, allowed, r);

                dd::fixed_sums node{0, 0, 0};
                for (std::size_t i = 0; i < rows; ++i) node = node + dd::fixed_sums{qg[i], qh[i], 1};
                const auto got = device_split(be, c, hist, allowed, node, r);
                BOOST_TEST_CONTEXT("rows " << rows << " nf " << nf << " ties " << ties) {
                    BOOST_TEST(got.gain == want.gain);
                    if (want.gain != -INFINITY) {
                        BOOST_TEST(got.feature == want.feature);
                        BOOST_TEST(got.bin == want.bin);
                        BOOST_TEST(got.nan_left == want.nan_left);
                        BOOST_TEST(got.left.g == want.left.g);
                        BOOST_TEST(got.left.h == want.left.h);
                        BOOST_TEST(got.left.c == want.left.c);
                        BOOST_TEST(got.right.c == static_cast<long long>(rows) - want.left.c);
                    }
                }
            }
        }
    }
}

// ---- partition ----------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(partition_is_stable_and_matches_the_decision) {
    for (std::size_t rows : {std::size_t{0}, std::size_t{1}, std::size_t{33}, std::size_t{5001}}) {
        const std::size_t nf = 5;
        const binned_case c = make_binned(rows == 0 ? 1 : rows, nf, 9 + rows);
        const auto subset = rows == 0 ? std::vector<std::uint32_t>{} : some_rows(rows, 2);
        for (std::uint32_t f = 0; f < nf; ++f) {
            for (int mode = 0; mode < 3; ++mode) {  // NaN right, NaN left, categorical
                BOOST_TEST_CONTEXT("rows " << rows << " feature " << f << " mode " << mode) {
                    const auto got = device_partition(be, c, subset, f, mode);
                    const auto want = reference_partition(c, subset, f, mode);
                    BOOST_TEST(got.second == want.second);
                    BOOST_TEST((got.first == want.first));
                }
            }
        }
    }
}

// ---- the device backend against gbdt-core's CPU backend ------------------------------

BOOST_AUTO_TEST_SUITE(backend)

using omp_gbdt = dd::gbdt_backend<dd::omp_backend>;

const auto make_omp = [](const dataset& d, const gd::split_settings& st, const launch_shape& shape) {
    return omp_gbdt(be, d, st, shape.block, shape.smem);
};

BOOST_AUTO_TEST_CASE(steps_equal_the_cpu_backend_bit_for_bit) {
    check_steps_against_cpu({1, 9, 301, 4099}, {1, 6, 13}, make_omp);
}

BOOST_AUTO_TEST_CASE(boosted_trees_equal_the_cpu_backend_bit_for_bit) {
    check_boosting_against_cpu({2, 57, 3001}, {3, 11}, make_omp);
}

BOOST_AUTO_TEST_SUITE_END()

// ---- the public fit with exec::cuda, on the OMP back end --------------------------------

namespace tessera::gbdt::detail {
// In this g++ test exec::cuda trains with the device backend on Thrust's OMP
// back end: the overload <tessera/cuda/gbdt.cuh> declares, with omp_backend in
// place of cuda_backend (and no CUDA error wrapping).
inline model train_on_device(const exec::cuda_t&, const dataset& d, const fit_labels& lab, std::size_t K,
                             const grad_source& src, std::vector<double> base, const std::vector<double>& w,
                             const params& p, const fit_options& opt) {
    return device_detail::train_on(device_detail::omp_backend{}, d, lab, K, src, std::move(base), w, p, opt);
}
}  // namespace tessera::gbdt::detail

BOOST_AUTO_TEST_CASE(fit_with_exec_cuda_gives_the_cpu_model_bytes) {
    check_fit_against_cpu({3, 101, 2500}, {5, 12});
}
