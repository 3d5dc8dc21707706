// tests/core: Philox4x32-10 and the engine on top of it; XXH64 (one-shot and
// streaming). References: Random123's published known-answer vectors, xxHash's
// own sanity vectors, values from the Python xxhash package (tests/data), closed
// forms for the moments, and exact combinatorial facts (permutations, parity).
#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <tessera/core/hash.hpp>
#include <tessera/core/random.hpp>

using namespace tessera;

namespace {

struct kat {
    philox4x32_counter ctr;
    philox4x32_key key;
    philox4x32_counter expected;
};

// Random123 known-answer vectors, "philox4x32 10" lines. The first three are the
// kat_vectors lines quoted by Random123's own tests/ut_carray / boost-random
// philox tests (counter, key, expected); the other four are lines of
// examples/kat_vectors (girving/random123-manual, commit 61e84792).
constexpr kat philox_kats[] = {
    {{{0x00000000, 0x00000000, 0x00000000, 0x00000000}}, {{0x00000000, 0x00000000}},
     {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
    {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}}, {{0xffffffff, 0xffffffff}},
     {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
    {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, {{0xa4093822, 0x299f31d0}},
     {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
    {{{0x00000001, 0x00000000, 0x00000000, 0x00000000}}, {{0x00000001, 0x00000000}},
     {{0xac08141b, 0xdfc5ccbe, 0x79c07a47, 0xa7f66093}}},
    {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}}, {{0x00000001, 0x00000000}},
     {{0x38527b8f, 0xfad9a48c, 0x20e675c0, 0xf2fea26a}}},
    {{{0x00000000, 0x00000000, 0x00000000, 0xffffffff}}, {{0x00000000, 0xffffffff}},
     {{0x9f18bb20, 0x62161056, 0x7ea8c028, 0x4c01fc6e}}},
    {{{0x452821e6, 0x38d01377, 0xbe5466cf, 0x34e90c6c}}, {{0x00000000, 0x80000000}},
     {{0x94ca5566, 0x14924b2f, 0x28214292, 0x59faeaee}}},
};

// The block function is constexpr: the first vector is also checked by the compiler.
static_assert(philox4x32_10(philox_kats[0].ctr, philox_kats[0].key) == philox_kats[0].expected);

struct moments {
    double mean = 0, var = 0, skew = 0, kurt = 0;
};
moments moments_of(const std::vector<double>& x) {
    moments m;
    const double n = static_cast<double>(x.size());
    for (double v : x) m.mean += v;
    m.mean /= n;
    double m2 = 0, m3 = 0, m4 = 0;
    for (double v : x) {
        const double d = v - m.mean;
        m2 += d * d;
        m3 += d * d * d;
        m4 += d * d * d * d;
    }
    m2 /= n, m3 /= n, m4 /= n;
    m.var = m2;
    m.skew = m3 / std::pow(m2, 1.5);
    m.kurt = m4 / (m2 * m2);
    return m;
}

double chi_square(const std::vector<std::size_t>& counts, double expected_each) {
    double c = 0;
    for (auto k : counts) c += (k - expected_each) * (k - expected_each) / expected_each;
    return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(philox)

BOOST_AUTO_TEST_CASE(known_answer_vectors) {
    for (const auto& k : philox_kats) {
        const auto got = philox4x32_10(k.ctr, k.key);
        for (int w = 0; w < 4; ++w) BOOST_TEST(got.v[w] == k.expected.v[w]);
    }
}

BOOST_AUTO_TEST_CASE(engine_layout_of_counter_and_key) {
    // Draw i of (seed, stream) is the block at counter {i, stream}, key seed.
    const std::uint64_t seed = 0x299f31d0a4093822ull, stream = 0x0370734413198a2eull;
    const std::uint64_t index = 0x85a308d3243f6a88ull;
    const philox_engine e(seed, stream);
    BOOST_TEST((e.block_at(index) == philox_kats[2].expected));
    BOOST_TEST(e.bits_at(index) == 0x94fdccebd16cfe09ull);
    BOOST_TEST(philox_engine{}.bits_at(0) == 0xe169c58d6627e8d5ull);
}

BOOST_AUTO_TEST_CASE(uniform_moments_and_range) {
    philox_engine e(20240611, 3);
    std::vector<double> x(1'000'000);
    for (auto& v : x) v = e.uniform();
    BOOST_TEST(*std::min_element(x.begin(), x.end()) >= 0.0);
    BOOST_TEST(*std::max_element(x.begin(), x.end()) < 1.0);
    const auto m = moments_of(x);
    // 5 standard errors: sd(mean) = 2.9e-4, sd(var) = 7.5e-5 at n = 1e6.
    BOOST_TEST(std::abs(m.mean - 0.5) < 1.5e-3);
    BOOST_TEST(std::abs(m.var - 1.0 / 12) < 4e-4);
    BOOST_TEST(std::abs(m.skew) < 1.5e-2);

    philox_engine f(20240611, 4);
    float lo = 1, hi = 0;
    double sum = 0;
    for (int i = 0; i < 1'000'000; ++i) {
        const float u = f.uniform<float>();
        lo = std::min(lo, u);
        hi = std::max(hi, u);
        sum += u;
    }
    BOOST_TEST(lo >= 0.0f);
    BOOST_TEST(hi < 1.0f);
    BOOST_TEST(std::abs(sum / 1e6 - 0.5) < 1.5e-3);
}

BOOST_AUTO_TEST_CASE(float_and_double_use_the_same_top_bits) {
    const philox_engine e(7);
    for (std::uint64_t i = 0; i < 1000; ++i) {
        const double d = e.uniform_at<double>(i);
        const float f = e.uniform_at<float>(i);
        BOOST_TEST(static_cast<double>(f) <= d);  // truncation of the same bits
        BOOST_TEST(d - static_cast<double>(f) < 0x1.0p-24);
    }
    // The extremes of the mapping.
    BOOST_TEST(uniform_double(0) == 0.0);
    BOOST_TEST(uniform_double(~std::uint64_t{0}) == 1.0 - 0x1.0p-53);
    BOOST_TEST(uniform_float(~std::uint64_t{0}) == 1.0f - 0x1.0p-24f);
}

BOOST_AUTO_TEST_CASE(normal_moments) {
    philox_engine e(42, 0);
    std::vector<double> x(1'000'000);
    for (auto& v : x) v = e.normal();
    const auto m = moments_of(x);
    // 5 standard errors at n = 1e6: mean 1e-3, var 1.4e-3, skew 2.4e-3, kurtosis 4.9e-3.
    BOOST_TEST(std::abs(m.mean) < 5e-3);
    BOOST_TEST(std::abs(m.var - 1.0) < 7e-3);
    BOOST_TEST(std::abs(m.skew) < 1.2e-2);
    BOOST_TEST(std::abs(m.kurt - 3.0) < 2.5e-2);
    // Probability mass below -1.96, 0 and 1: Phi = 0.0249979, 0.5, 0.8413447.
    const auto frac_below = [&](double t) {
        return static_cast<double>(std::count_if(x.begin(), x.end(), [t](double v) { return v < t; })) / 1e6;
    };
    BOOST_TEST(std::abs(frac_below(-1.959963985) - 0.0249979) < 1e-3);
    BOOST_TEST(std::abs(frac_below(0.0) - 0.5) < 2.5e-3);
    BOOST_TEST(std::abs(frac_below(1.0) - 0.8413447) < 2e-3);

    philox_engine g(42, 0);
    BOOST_TEST(g.normal(10.0, 2.0) == 10.0 + 2.0 * x[0]);
    BOOST_TEST(static_cast<double>(g.normal<float>()) == static_cast<double>(static_cast<float>(x[1])));
}

BOOST_AUTO_TEST_CASE(uniform_int_bounds_and_coverage) {
    philox_engine e(1);
    std::vector<std::size_t> counts(7);
    for (int i = 0; i < 70000; ++i) {
        const int v = e.uniform_int(-3, 3);
        BOOST_REQUIRE(v >= -3);
        BOOST_REQUIRE(v <= 3);
        ++counts[static_cast<std::size_t>(v + 3)];
    }
    // chi-square, 6 degrees of freedom: P(> 30) = 4e-5.
    BOOST_TEST(chi_square(counts, 10000.0) < 30.0);

    BOOST_TEST(e.uniform_int(5, 5) == 5);
    BOOST_TEST(e.uniform_int<std::int64_t>(-1, -1) == -1);
    bool saw_lo = false, saw_hi = false;
    for (int i = 0; i < 2000; ++i) {
        const auto v = e.uniform_int<std::int8_t>(-128, 127);  // full range of the type
        saw_lo |= v == -128;
        saw_hi |= v == 127;
        const auto u = e.uniform_int<std::uint8_t>(250, 255);
        BOOST_REQUIRE(u >= 250);
    }
    BOOST_TEST(saw_lo);
    BOOST_TEST(saw_hi);
    // Full 64-bit ranges are the raw bits.
    const auto pos = e.position();
    BOOST_TEST(e.uniform_int(std::numeric_limits<std::uint64_t>::min(),
                             std::numeric_limits<std::uint64_t>::max()) == e.bits_at(pos));
    const auto s = e.uniform_int(std::numeric_limits<std::int64_t>::min(),
                                 std::numeric_limits<std::int64_t>::max());
    BOOST_TEST(static_cast<std::uint64_t>(s) == e.bits_at(pos + 1) + 0x8000000000000000ull);
}

BOOST_AUTO_TEST_CASE(uniform_int_is_unbiased_where_multiply_shift_is_not) {
    // With s = ceil(2^L * 2/3) outcomes, a plain (x * s) >> L gives even outcomes
    // two preimages and odd ones one: P(even) would be 2/3. Rejection makes it 1/2.
    // L = 32 and L = 64 paths; 2^63 + 1 rejects about half the candidates and so
    // also runs the re-encryption path.
    philox_engine e(99);
    const std::uint64_t s32 = 0xAAAAAAABull, s64 = 0xAAAAAAAAAAAAAAABull;
    std::size_t even32 = 0, even64 = 0, low_half = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        even32 += e.uniform_int<std::uint64_t>(0, s32 - 1) % 2 == 0;
        even64 += e.uniform_int<std::uint64_t>(0, s64 - 1) % 2 == 0;
        const auto v = e.uniform_int<std::uint64_t>(0, 0x8000000000000000ull);
        BOOST_REQUIRE(v <= 0x8000000000000000ull);
        low_half += v < 0x4000000000000000ull;
    }
    // sd of a fraction at n = 2e5 is 1.1e-3.
    BOOST_TEST(std::abs(static_cast<double>(even32) / n - 0.5) < 6e-3);
    BOOST_TEST(std::abs(static_cast<double>(even64) / n - 0.5) < 6e-3);
    BOOST_TEST(std::abs(static_cast<double>(low_half) / n - 0.5) < 6e-3);
}

BOOST_AUTO_TEST_CASE(uniform_int_rejects_empty_interval) {
    philox_engine e(1);
    BOOST_CHECK_EXCEPTION(e.uniform_int(3, 2), config_error, [](const config_error& x) {
        return std::string(x.what()) ==
                   "uniform_int: parameter 'hi' = 2 is out of range; valid range: >= lo = 3" &&
               x.field() == "hi";
    });
    BOOST_TEST(e.position() == 0u);  // a throwing draw consumes nothing
}

BOOST_AUTO_TEST_CASE(random_access_equals_sequential) {
    const philox_engine ref(123456789, 77);
    philox_engine e(123456789, 77);
    for (std::uint64_t i = 0; i < 5000; ++i) {
        BOOST_REQUIRE(e.position() == i);
        switch (i % 5) {
            case 0: BOOST_REQUIRE(e() == ref.bits_at(i)); break;
            case 1: BOOST_REQUIRE(e.uniform() == ref.uniform_at(i)); break;
            case 2: BOOST_REQUIRE(e.uniform<float>() == ref.uniform_at<float>(i)); break;
            case 3: BOOST_REQUIRE(e.normal() == ref.normal_at(i)); break;
            default: BOOST_REQUIRE(e.uniform_int(0, 999) == ref.uniform_int_at(i, 0, 999));
        }
    }
    // Jumping ahead gives the same values as drawing through.
    philox_engine a(5, 6), b(5, 6);
    for (int i = 0; i < 1000; ++i) (void)a.uniform();
    b.discard(600);
    b.seek(b.position() + 400);
    BOOST_TEST(a.uniform() == b.uniform());
    // Seeds and streams are different sequences.
    BOOST_TEST(philox_engine(1, 0).bits_at(0) != philox_engine(1, 1).bits_at(0));
    BOOST_TEST(philox_engine(1, 0).bits_at(0) != philox_engine(2, 0).bits_at(0));
    BOOST_TEST(philox_engine(1, 0).bits_at(0) != philox_engine(1, 0).bits_at(1));
}

BOOST_AUTO_TEST_CASE(works_with_std_random) {
    static_assert(std::uniform_random_bit_generator<rng>);
    rng e(3);
    std::uniform_int_distribution<int> d(1, 6);
    std::vector<int> v(100);
    for (auto& x : v) {
        x = d(e);
        BOOST_REQUIRE(x >= 1);
        BOOST_REQUIRE(x <= 6);
    }
    std::shuffle(v.begin(), v.end(), e);
    BOOST_TEST(e.position() > 100u);
}

BOOST_AUTO_TEST_CASE(shuffle_is_a_uniform_permutation) {
    philox_engine e(2024);
    std::vector<int> v(1000);
    std::iota(v.begin(), v.end(), 0);
    e.shuffle(v);
    BOOST_TEST(e.position() == 999u);
    BOOST_TEST(!std::is_sorted(v.begin(), v.end()));
    auto s = v;
    std::sort(s.begin(), s.end());
    std::vector<int> id(1000);
    std::iota(id.begin(), id.end(), 0);
    BOOST_TEST(s == id);

    // All 6 orders of 3 elements, equally often (chi-square, 5 dof: P(> 25) = 1.4e-4).
    std::vector<std::size_t> counts(6);
    for (int t = 0; t < 60000; ++t) {
        std::array<int, 3> a{0, 1, 2};
        e.shuffle(a);
        ++counts[static_cast<std::size_t>(a[0] * 2 + (a[1] > a[2] ? 1 : 0))];
    }
    BOOST_TEST(chi_square(counts, 10000.0) < 25.0);

    std::vector<int> empty, one{7};
    e.shuffle(empty);
    e.shuffle(one);
    BOOST_TEST(one[0] == 7);
}

BOOST_AUTO_TEST_CASE(sample_without_replacement_cases) {
    philox_engine e(11);
    for (auto [n, k] : {std::pair<std::size_t, std::size_t>{10, 3}, {1000, 1000}, {1000000, 50},
                        {5, 0}, {0, 0}, {1, 1}}) {
        const auto s = e.sample_without_replacement(n, k);
        BOOST_TEST(s.size() == k);
        std::set<std::size_t> distinct(s.begin(), s.end());
        BOOST_TEST(distinct.size() == k);
        if (k) BOOST_TEST(*distinct.rbegin() < n);
    }
    // Dense and sparse storage: the same draws give the same sample.
    for (auto [n, k] : {std::pair<std::size_t, std::size_t>{100, 40}, {5000, 37}, {7, 7}}) {
        philox_engine a(8, n), b(8, n);
        BOOST_TEST(a.sample_dense(n, k) == b.sample_sparse(n, k));
        BOOST_TEST(a.position() == k);
    }
    // Inclusion probability k/n for every index.
    std::vector<std::size_t> counts(10);
    for (int t = 0; t < 30000; ++t)
        for (auto i : e.sample_without_replacement(10, 3)) ++counts[i];
    BOOST_TEST(chi_square(counts, 9000.0) < 35.0);  // 9 dof: P(> 35) = 6e-5

    BOOST_CHECK_EXCEPTION(e.sample_without_replacement(3, 4), config_error,
                          [](const config_error& x) {
                              return std::string(x.what()) ==
                                     "sample_without_replacement: parameter 'k' = 4 is out of "
                                     "range; valid range: [0, n] with n = 3";
                          });
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

namespace {

// xxHash's sanity buffer: cli/xsum_sanity_check.c, XSUM_fillTestBuffer.
std::vector<unsigned char> sanity_buffer(std::size_t n) {
    std::vector<unsigned char> b(n);
    std::uint64_t gen = 2654435761u;
    for (auto& c : b) {
        c = static_cast<unsigned char>(gen >> 56);
        gen *= 11400714785074694797ull;
    }
    return b;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(xxh64)

BOOST_AUTO_TEST_CASE(xxhash_sanity_vectors) {
    // XSUM_XXH64_testdata, cli/xsum_sanity_check.c of Cyan4973/xxHash
    // (commit 08ae0257): {length of the sanity buffer, seed, XXH64}.
    constexpr std::uint64_t p32 = 2654435761u;
    struct row {
        std::size_t len;
        std::uint64_t seed, expected;
    };
    constexpr row rows[] = {
        {0, 0, 0xEF46DB3751D8E999ull},   {0, p32, 0xAC75FDA2929B17EFull},
        {1, 0, 0xE934A84ADB052768ull},   {1, p32, 0x5014607643A9B4C3ull},
        {4, 0, 0x9136A0DCA57457EEull},   {14, 0, 0x8282DCC4994E35C8ull},
        {14, p32, 0xC3BD6BF63DEB6DF0ull}, {222, 0, 0xB641AE8CB691C174ull},
        {222, p32, 0x20CB8AB7AE10C14Aull},
    };
    const auto buf = sanity_buffer(222);
    for (const auto& r : rows) {
        BOOST_TEST(hash64(buf.data(), r.len, r.seed) == r.expected);
        hasher64 h(r.seed);  // byte by byte, as the sanity check also does
        for (std::size_t i = 0; i < r.len; ++i) h.update(&buf[i], 1);
        BOOST_TEST(h.digest() == r.expected);
    }
    BOOST_TEST(hash64(std::string_view{}) == 0xEF46DB3751D8E999ull);
}

BOOST_AUTO_TEST_CASE(python_xxhash_vectors) {
    std::ifstream in(TESSERA_SHARED_TEST_DATA_DIR "/xxh64_vectors.txt");
    BOOST_REQUIRE(in.good());
    const auto buf = sanity_buffer(10007);
    std::string line;
    std::size_t checked = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::size_t len;
        std::uint64_t seed, expected;
        ls >> std::dec >> len >> std::hex >> seed >> expected;
        BOOST_REQUIRE(!ls.fail());
        BOOST_REQUIRE(len <= buf.size());
        BOOST_TEST(hash64(buf.data(), len, seed) == expected, "length " << len << " seed " << seed);
        ++checked;
    }
    BOOST_TEST(checked == 448u);
}

BOOST_AUTO_TEST_CASE(streaming_with_random_splits_equals_one_shot) {
    const auto buf = sanity_buffer(5000);
    philox_engine e(31337);
    for (int trial = 0; trial < 200; ++trial) {
        const auto len = e.uniform_int<std::size_t>(0, buf.size());
        const auto seed = e();
        hasher64 h(seed);
        std::size_t pos = 0;
        while (pos < len) {
            // Mostly short pieces, so the 32-byte buffer fills and drains in every phase.
            const auto piece = std::min(len - pos, e.uniform_int<std::size_t>(0, trial % 2 ? 40 : 700));
            h.update(buf.data() + pos, piece);
            pos += piece;
        }
        BOOST_REQUIRE(h.digest() == hash64(buf.data(), len, seed));
    }
    hasher64 h;
    h.update_value(std::uint32_t{0x01020304});
    BOOST_TEST(h.digest() == hash64("\x04\x03\x02\x01", 4));  // little-endian bytes
}

BOOST_AUTO_TEST_SUITE_END()
