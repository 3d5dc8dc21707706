// The reader's fast paths against plain references: the structural index
// (native SIMD and scalar, both against a byte-by-byte scan), the record
// count bound, the SSE decimal parser against std::from_chars bit for bit, and
// its four-field AVX-512 form against it.
// (exec::par writing straight into the final columns: test_par.cpp.)
#include <boost/test/unit_test.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/io/detail/csv_index.hpp>
#include <tessera/io/detail/csv_values.hpp>

using namespace tessera;
namespace csv = tessera::io::detail::csv;

namespace {

// Bytes drawn mostly from the characters the index classifies.
std::string random_bytes(philox_engine& rng, std::size_t n) {
    static const char pool[] = {',', '\n', '\r', '"', ';', 'a', '1', '.', '-', ' ', '\0', '\xff'};
    std::string s(n, ' ');
    for (auto& c : s) c = pool[rng.uniform_int<std::int64_t>(0, sizeof pool - 1)];
    return s;
}

struct brute_index {
    std::vector<std::uint32_t> seps, lfs;
    std::size_t stop = 0;
    bool special = false;
};
brute_index brute(const std::string& s, std::size_t b, std::size_t e, char delim, char quote) {
    brute_index r;
    r.stop = e - b;
    for (std::size_t i = b; i < e; ++i) {
        const char c = s[i];
        if (c == quote || c == '\r') {
            r.stop = i - b;
            r.special = true;
            break;
        }
        if (c == delim || c == '\n') r.seps.push_back(static_cast<std::uint32_t>(i - b));
        if (c == '\n') r.lfs.push_back(static_cast<std::uint32_t>(i - b));
    }
    return r;
}

template <class Isa>
void check_index(Isa isa, const std::string& s, std::size_t b, std::size_t e, char delim, char quote) {
    std::vector<std::uint32_t> seps(e - b + 72), lfs(e - b + 72);
    const csv::index_result got =
        csv::index_range(isa, s.data() + b, s.data() + e, delim, quote, seps.data(), lfs.data());
    const brute_index want = brute(s, b, e, delim, quote);
    BOOST_TEST_REQUIRE(got.seps == want.seps.size());
    BOOST_TEST_REQUIRE(got.lfs == want.lfs.size());
    BOOST_TEST(std::equal(want.seps.begin(), want.seps.end(), seps.begin()));
    BOOST_TEST(std::equal(want.lfs.begin(), want.lfs.end(), lfs.begin()));
    BOOST_TEST(static_cast<std::size_t>(got.stop - (s.data() + b)) == want.stop);
    BOOST_TEST(got.special == want.special);
}

std::size_t brute_count(const std::string& s, std::size_t b, std::size_t e) {
    std::size_t n = 0;
    for (std::size_t i = b; i < e; ++i)
        n += s[i] == '\n' || (s[i] == '\r' && (i + 1 == e || s[i + 1] != '\n'));
    if (e > b && s[e - 1] != '\n' && s[e - 1] != '\r') ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_csv_fast_paths)

BOOST_AUTO_TEST_CASE(structural_index_native_and_scalar_equal_a_byte_scan) {
    philox_engine rng(31, 0);
    for (int trial = 0; trial < 300; ++trial) {
        const auto n = static_cast<std::size_t>(rng.uniform_int<std::int64_t>(0, 700));
        // Mostly without specials (long indexed runs), sometimes with them.
        std::string s = random_bytes(rng, n);
        if (trial % 3 != 0)
            for (auto& c : s)
                if (c == '"' || c == '\r') c = 'x';
        s += std::string(80, 'x');  // readable slack, as in the reader's buffer
        const auto b = static_cast<std::size_t>(rng.uniform_int<std::int64_t>(0, static_cast<std::int64_t>(n)));
        const auto e = static_cast<std::size_t>(rng.uniform_int<std::int64_t>(static_cast<std::int64_t>(b), static_cast<std::int64_t>(n)));
        const char delim = trial % 2 ? ',' : ';';
        BOOST_TEST_CONTEXT("trial " << trial << " [" << b << ", " << e << ")") {
            check_index(csv::isa_scalar{}, s, b, e, delim, '"');
            check_index(csv::isa_native{}, s, b, e, delim, '"');
            check_index(csv::isa_native{}, s, b, e, '\t', '\'');
            BOOST_TEST(csv::count_records(csv::isa_native{}, s.data() + b, s.data() + e) == brute_count(s, b, e));
            BOOST_TEST(csv::count_records(csv::isa_scalar{}, s.data() + b, s.data() + e) == brute_count(s, b, e));
        }
    }
}

BOOST_AUTO_TEST_CASE(sse_decimal_equals_from_chars_bit_for_bit) {
    philox_engine rng(32, 0);
    std::size_t taken = 0;
    const auto check = [&](const std::string& text) {
        std::string buf = text + std::string(32, '7');  // readable bytes after the text
        const char* b = buf.data();
        const char* e = b + text.size();
        double got = 0;
        if (!csv::simd_decimal(b, e, b + buf.size(), got)) return;
        ++taken;
        const char* f = b + (*b == '+');
        double want = 0;
        const auto r = std::from_chars(f, e, want);
        BOOST_TEST_REQUIRE((r.ec == std::errc{} && r.ptr == e), "from_chars rejects '" << text << "'");
        BOOST_TEST_REQUIRE(std::memcmp(&got, &want, sizeof got) == 0, "'" << text << "': " << got << " vs " << want);
    };
    // Random digit/dot/sign strings, accepted or not (rejects must be rejected).
    static const char alphabet[] = "0123456789.-+e";
    for (int k = 0; k < 200000; ++k) {
        std::string t(static_cast<std::size_t>(rng.uniform_int<std::int64_t>(1, 18)), '0');
        for (auto& c : t) c = alphabet[rng.uniform_int<std::int64_t>(0, k % 3 ? 10 : 13)];
        check(t);
    }
    // Printed doubles, as files hold them.
    char out[64];
    for (int k = 0; k < 100000; ++k) {
        const double v = rng.normal() * std::pow(10.0, static_cast<double>(rng.uniform_int<std::int64_t>(-6, 9)));
        for (const char* fmt : {"%.7g", "%.17g", "%.3f", "%.9f", "%.15g"}) {
            std::snprintf(out, sizeof out, fmt, v);
            check(out);
        }
    }
    BOOST_TEST(taken > 300000u);  // the fast path took most printed values
    const std::string dot = ".                ";
    double v = 1;
    BOOST_TEST(!csv::simd_decimal(dot.data(), dot.data() + 1, dot.data() + dot.size(), v));
}

BOOST_AUTO_TEST_CASE(four_lane_decimal_equals_one_field_at_a_time) {
    // simd_decimal4 must accept exactly the fields simd_decimal accepts, with
    // the same bits (and those are from_chars', test above). Without AVX-512 it
    // accepts none.
    philox_engine rng(33, 0);
    static const char alphabet[] = "0123456789.-+e ";
    char num[64];
    std::size_t lanes = 0, taken = 0;
    for (int k = 0; k < 100000; ++k) {
        std::string rec;
        std::size_t begin[4], end[4];
        for (int f = 0; f < 4; ++f) {
            begin[f] = rec.size();
            if (rng.uniform() < 0.5) {
                const double v = rng.normal() * std::pow(10.0, static_cast<double>(rng.uniform_int<std::int64_t>(-8, 12)));
                static const char* fmts[] = {"%.7g", "%.17g", "%.3f", "%.9f", "%.15g", "%.0f"};
                std::snprintf(num, sizeof num, fmts[rng.uniform_int<std::int64_t>(0, 5)], v);
                rec += num;
            } else {
                const auto n = static_cast<std::size_t>(rng.uniform_int<std::int64_t>(0, 19));
                for (std::size_t i = 0; i < n; ++i)
                    rec += alphabet[rng.uniform_int<std::int64_t>(0, k % 2 ? 10 : 14)];
            }
            end[f] = rec.size();
            rec += f == 3 ? '\n' : ',';
        }
        // Readable bytes after the record: none to 31 (the 16-byte rule decides).
        rec += std::string(static_cast<std::size_t>(rng.uniform_int<std::int64_t>(0, 31)), '5');
        const char* fb[4];
        const char* fe[4];
        for (int f = 0; f < 4; ++f) {
            fb[f] = rec.data() + begin[f];
            fe[f] = rec.data() + end[f];
        }
        const char* safe = rec.data() + rec.size();
        double got[4];
        const unsigned ok = csv::simd_decimal4(fb, fe, safe, got);
        for (int f = 0; f < 4; ++f) {
            double want = 0;
            const bool one = csv::simd_decimal(fb[f], fe[f], safe, want);
            ++lanes;
            const std::string text(fb[f], fe[f]);
            if (!csv::have_decimal4) {
                BOOST_TEST_REQUIRE(!(ok >> f & 1));
                continue;
            }
            BOOST_TEST_REQUIRE(static_cast<bool>(ok >> f & 1) == one, "'" << text << "'");
            if (one) {
                ++taken;
                BOOST_TEST_REQUIRE(std::memcmp(&got[f], &want, sizeof want) == 0,
                                   "'" << text << "': " << got[f] << " vs " << want);
            }
        }
    }
    if (csv::have_decimal4) BOOST_TEST(taken > lanes / 4);
}

BOOST_AUTO_TEST_SUITE_END()
