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
            const auto hq = to_host(q);
            bool same = true;
            for (std::size_t i = 0; i < n; ++i)
                same = same && hq[i] == std::llrint(std::ldexp(static_cast<double>(g[i]), k));
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

// Launch shapes of the device backend: 48 KiB shared (one or few feature
// groups), a budget that forces many groups, global atomics only.
const std::pair<unsigned, std::size_t> shapes[] = {{256, 48 * 1024}, {32, 24 * 70}, {64, 24}};

BOOST_AUTO_TEST_CASE(steps_equal_the_cpu_backend_bit_for_bit) {
    for (std::size_t n : {std::size_t{1}, std::size_t{9}, std::size_t{301}, std::size_t{4099}}) {
        for (std::size_t F : {std::size_t{1}, std::size_t{6}, std::size_t{13}}) {
            const data_case c = make_data(n, F, 17 * n + F);
            const dataset d = dataset::build(exec::seq, c.X, c.p);
            const gd::split_settings st = settings_of(c.p);
            // gradients and their fixed point, by gbdt-core's rule
            std::vector<gd::gh_pair> q(n);
            const auto g = random_gradients(n, n + 1, 0), h = random_gradients(n, n + 2, 1);
            const gd::fixed_scale sc = gd::make_scale(gd::fixed_point_exponent(n, max_abs(g)),
                                                      gd::fixed_point_exponent(n, max_abs(h)));
            for (std::size_t i = 0; i < n; ++i) q[i] = {gd::quantize(g[i], sc.kg), gd::quantize(h[i], sc.kh)};
            const auto bag = n > 2 ? some_rows(n, n) : all_rows(n);  // a subsampled root
            for (const auto& shape : shapes) {
                gd::cpu_backend cpu(d, st, 1, true);
                omp_gbdt dev(be, d, st, shape.first, shape.second);
                BOOST_TEST(dev.total_bins() == cpu.total_bins());
                std::copy(bag.begin(), bag.end(), cpu.rows());
                std::copy(bag.begin(), bag.end(), dev.rows());
                const auto nr = static_cast<std::uint32_t>(bag.size());
                cpu.begin_tree(q.data(), sc, nr);
                dev.begin_tree(q.data(), sc, nr);
                gd::hist_buffer hc(cpu.total_bins()), hd(cpu.total_bins()), lc(cpu.total_bins()), ld(cpu.total_bins());
                cpu.build_histogram(0, nr, hc.data());
                dev.build_histogram(0, nr, hd.data());
                BOOST_TEST_CONTEXT("n " << n << " F " << F << " block " << shape.first << " smem " << shape.second) {
                    BOOST_TEST(bytes_of(hc.data(), cpu.total_bins()) == bytes_of(hd.data(), cpu.total_bins()));
                    gd::node_sums root;
                    for (std::uint32_t r : bag) root = {root.g + q[r].g, root.h + q[r].h, root.c + 1};
                    std::vector<std::uint8_t> mask(F, 1);
                    if (F > 3) mask[F - 1] = 0;
                    for (const std::uint8_t* m : {static_cast<const std::uint8_t*>(nullptr),
                                                  static_cast<const std::uint8_t*>(mask.data())}) {
                        const gd::split_info sc_cpu = cpu.find_split(hc.data(), root, m);
                        const gd::split_info sc_dev = dev.find_split(hd.data(), root, m);
                        BOOST_TEST(same_split(sc_cpu, sc_dev));
                        if (!sc_cpu.valid()) continue;
                        const std::uint32_t nl_cpu = cpu.partition(0, nr, sc_cpu);
                        const std::uint32_t nl_dev = dev.partition(0, nr, sc_dev);
                        BOOST_TEST(nl_cpu == nl_dev);
                        BOOST_TEST(std::equal(cpu.rows(), cpu.rows() + nr, dev.rows()));
                        // left child built, right = parent - left
                        cpu.build_histogram(0, nl_cpu, lc.data());
                        dev.build_histogram(0, nl_dev, ld.data());
                        BOOST_TEST(bytes_of(lc.data(), cpu.total_bins()) == bytes_of(ld.data(), cpu.total_bins()));
                        cpu.subtract(hc.data(), lc.data());
                        dev.subtract(hd.data(), ld.data());
                        BOOST_TEST(bytes_of(hc.data(), cpu.total_bins()) == bytes_of(hd.data(), cpu.total_bins()));
                        const gd::node_sums right{root.g - sc_cpu.left.g, root.h - sc_cpu.left.h, root.c - sc_cpu.left.c};
                        BOOST_TEST(same_split(cpu.find_split(hc.data(), right, m), dev.find_split(hd.data(), right, m)));
                        break;
                    }
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(boosted_trees_equal_the_cpu_backend_bit_for_bit) {
    struct variant {
        const char* name;
        boost_setup b;
    };
    std::vector<variant> variants;
    for (bool binary : {false, true}) {
        boost_setup b;
        b.binary = binary;
        b.gs.max_leaves = 15;
        b.gs.min_data_in_leaf = 3;
        variants.push_back({binary ? "binary leaf-wise" : "regression leaf-wise", b});
        b.gs.depth_wise = true;
        b.gs.max_depth = 4;
        b.gs.max_leaves = 0;
        variants.push_back({binary ? "binary depth-wise" : "regression depth-wise", b});
        b = boost_setup{};
        b.binary = binary;
        b.subsample = 0.7;
        b.gs.max_leaves = 31;
        b.gs.min_data_in_leaf = 3;
        b.gs.hist_cache = 3;  // evictions: children built without the parent
        b.gs.colsample_bynode = 0.6;
        b.gs.seed = 5;
        variants.push_back({binary ? "binary bagged, cache 3, colsample" : "regression bagged, cache 3, colsample", b});
    }
    for (std::size_t n : {std::size_t{2}, std::size_t{57}, std::size_t{3001}}) {
        for (std::size_t F : {std::size_t{3}, std::size_t{11}}) {
            data_case c = make_data(n, F, 3 * n + F, F == 11 ? 9 : 3);
            c.p.lambda_l2 = 0.5;
            const dataset d = dataset::build(exec::seq, c.X, c.p);
            const gd::split_settings st = settings_of(c.p);
            for (const variant& v : variants) {
                gd::cpu_backend cpu(d, st, 1, true);
                const boost_trace want = run_boosting(cpu, d, c, st, v.b);
                for (const auto& shape : shapes) {
                    omp_gbdt dev(be, d, st, shape.first, shape.second);
                    BOOST_TEST_CONTEXT("n " << n << " F " << F << " " << v.name << " block " << shape.first) {
                        const boost_trace got = run_boosting(dev, d, c, st, v.b);
                        BOOST_TEST(got.trees == want.trees);
                        BOOST_TEST(got.ranges == want.ranges);
                        BOOST_TEST(got.sums == want.sums);
                        BOOST_TEST(got.rows == want.rows);
                    }
                }
                // not vacuous: the larger cases grow real trees with categorical
                // splits and NaN-left defaults
                if (n > 1000) {
                    BOOST_TEST(want.trees.front().size() > 200u);
                    BOOST_TEST(want.categorical_splits > 0u);
                    BOOST_TEST(want.nan_left_splits > 0u);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
