// io::read_csv: hand-written inputs and the frames they must give (types,
// values, nulls), RFC 4180 quoting, line endings, BOM, null tokens, schema.
#define BOOST_TEST_MODULE io_csv
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/io/csv.hpp>

using namespace tessera;

namespace {

frame read_text(const std::string& text, const io::csv_options& o = {}) {
    std::istringstream in(text);
    return io::read_csv(exec::seq, in, o);
}

std::vector<std::string> labels(const column& c) {
    std::vector<std::string> out;
    const auto codes = c.values<std::int32_t>();
    for (std::size_t r = 0; r < c.size(); ++r)
        out.push_back(codes[r] < 0 ? "<null>" : c.dictionary()[static_cast<std::size_t>(codes[r])]);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_csv_basics)

BOOST_AUTO_TEST_CASE(infers_every_type_and_nulls) {
    const frame f = read_text(
        "i,x,b,t,s\n"
        "1,2.5,true,2020-01-01,apple\n"
        "-7,NA,False,2020-01-02T03:04:05Z,\n"
        "+3,1e3,,2020-01-02 03:04:05.25+01:00,pear\n");
    BOOST_TEST(f.num_rows() == 3u);
    BOOST_TEST(f.names() == (std::vector<std::string>{"i", "x", "b", "t", "s"}),
               boost::test_tools::per_element());
    BOOST_TEST(f.column("i").type() == dtype::int64);
    BOOST_TEST(f.column("x").type() == dtype::float64);
    BOOST_TEST(f.column("b").type() == dtype::boolean);
    BOOST_TEST(f.column("t").type() == dtype::timestamp);
    BOOST_TEST(f.column("s").type() == dtype::categorical);
    const auto i = f.column("i").values<std::int64_t>();
    BOOST_TEST(i[0] == 1);
    BOOST_TEST(i[1] == -7);
    BOOST_TEST(i[2] == 3);
    const auto x = f.column("x").values<double>();
    BOOST_TEST(x[0] == 2.5);
    BOOST_TEST(std::isnan(x[1]));
    BOOST_TEST(f.column("x").is_null(1));
    BOOST_TEST(x[2] == 1000.0);
    BOOST_TEST(f.column("b").values<bool>()[0] == true);
    BOOST_TEST(f.column("b").values<bool>()[1] == false);
    BOOST_TEST(f.column("b").is_null(2));
    const auto t = f.column("t").values<std::int64_t>();
    BOOST_TEST(t[0] == 1577836800LL * 1000000000LL);
    BOOST_TEST(t[1] == (1577836800LL + 86400 + 3 * 3600 + 4 * 60 + 5) * 1000000000LL);
    BOOST_TEST(t[2] == (1577836800LL + 86400 + 2 * 3600 + 4 * 60 + 5) * 1000000000LL + 250000000LL);
    BOOST_TEST(labels(f.column("s")) == (std::vector<std::string>{"apple", "<null>", "pear"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rfc4180_quoting_crlf_bom) {
    const frame f = read_text(
        "\xEF\xBB\xBF\"name\",value\r\n"
        "\"a,b\",1\r\n"
        "\"say \"\"hi\"\"\",2\r\n"
        "\"two\r\nlines\",3\r\n"
        "\"\",4\r\n"
        "\"NA\",5");
    BOOST_TEST(f.names() == (std::vector<std::string>{"name", "value"}), boost::test_tools::per_element());
    BOOST_TEST(labels(f.column("name")) ==
                   (std::vector<std::string>{"a,b", "say \"hi\"", "two\r\nlines", "", "NA"}),
               boost::test_tools::per_element());
    const auto v = f.column("value").values<std::int64_t>();
    BOOST_TEST(std::vector<std::int64_t>(v.begin(), v.end()) == (std::vector<std::int64_t>{1, 2, 3, 4, 5}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(schema_overrides_inference) {
    io::csv_options o;
    o.schema = {{"a", dtype::float32}, {"b", dtype::categorical}};
    const frame f = read_text("a,b\n1,2\n3,4\n", o);
    BOOST_TEST(f.column("a").type() == dtype::float32);
    BOOST_TEST(f.column("a").values<float>()[1] == 3.0f);
    BOOST_TEST(labels(f.column("b")) == (std::vector<std::string>{"2", "4"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(wrong_field_count_names_line) {
    try {
        read_text("a,b\n1,2\n\n3\n");
        BOOST_FAIL("no error");
    } catch (const data_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "tessera::io::read_csv: input stream, line 4: expected 2 fields, found 1");
        BOOST_TEST(e.line() == 4u);
        BOOST_TEST(e.row() == 1u);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(read_csv_numbers)

// Doubles in many spellings: the fused fast path (unquoted), the general path
// (quoted) and std::strtod (the independent reference, correctly rounded in
// glibc) must agree bit for bit; so must int64 against std::strtoll.
BOOST_AUTO_TEST_CASE(doubles_and_ints_match_strtod_bit_for_bit) {
    philox_engine rng(2024, 9);
    std::string plain = "x,k\n", quoted = "x,k\n";
    std::vector<double> want;
    std::vector<std::int64_t> want_k;
    const char* formats[] = {"%.17g", "%.7g", "%.3e", "%+.5f", "%.1f", "%.0f", "%.12E", "%g"};
    for (int r = 0; r < 20000; ++r) {
        const double v = rng.normal() * std::pow(10.0, rng.uniform_int(-30, 30));
        char buf[64];
        std::snprintf(buf, sizeof buf, formats[r % 8], v);
        const std::int64_t k = static_cast<std::int64_t>(rng()) >> rng.uniform_int(0, 62);
        const std::string ks = std::to_string(k);
        plain += std::string(buf) + "," + ks + "\n";
        // (appended piece by piece: GCC 12 warns falsely on "literal" + std::string, PR105329)
        quoted += '"';
        quoted += buf;
        quoted += "\",\"";
        quoted += ks;
        quoted += "\"\n";
        want.push_back(std::strtod(buf, nullptr));
        want_k.push_back(std::strtoll(ks.c_str(), nullptr, 10));
    }
    for (const std::string* text : {&plain, &quoted}) {
        const frame f = read_text(*text);
        BOOST_TEST_REQUIRE(f.column("x").type() == dtype::float64);
        BOOST_TEST_REQUIRE(f.column("k").type() == dtype::int64);
        const auto x = f.column("x").values<double>();
        const auto k = f.column("k").values<std::int64_t>();
        std::size_t bad = 0;
        for (std::size_t r = 0; r < want.size(); ++r)
            bad += std::memcmp(&x[r], &want[r], sizeof(double)) != 0 || k[r] != want_k[r];
        BOOST_TEST(bad == 0u);
    }
}

BOOST_AUTO_TEST_SUITE_END()
