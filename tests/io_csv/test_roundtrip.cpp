// io::parse_timestamp against pandas.Timestamp (tests/data/csv/timestamp_golden.txt,
// make_timestamp_golden.py), format_timestamp inverse, rejected forms; and
// write_csv -> read_csv round trips of every dtype with nulls, text that needs
// quoting, and the atomic file write.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/io/csv.hpp>

using namespace tessera;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_SUITE(timestamps)

BOOST_AUTO_TEST_CASE(parse_matches_pandas) {
    std::ifstream in(fs::path(TESSERA_TEST_DATA_DIR) / "csv" / "timestamp_golden.txt");
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        const std::string text = line.substr(0, tab);
        const std::int64_t want = std::stoll(line.substr(tab + 1));
        BOOST_TEST_CONTEXT(text) {
            BOOST_TEST(io::parse_timestamp(text) == want);
            // format gives the canonical form, which parses to the same instant
            BOOST_TEST(io::parse_timestamp(io::format_timestamp(want)) == want);
        }
        ++n;
    }
    BOOST_TEST(n > 200u);
}

BOOST_AUTO_TEST_CASE(format_is_canonical_and_inverse) {
    BOOST_TEST(io::format_timestamp(0) == "1970-01-01T00:00:00Z");
    BOOST_TEST(io::format_timestamp(-1) == "1969-12-31T23:59:59.999999999Z");
    BOOST_TEST(io::format_timestamp(1500000000) == "1970-01-01T00:00:01.500Z");
    BOOST_TEST(io::format_timestamp(1000) == "1970-01-01T00:00:00.000001Z");
    BOOST_TEST(io::format_timestamp(std::numeric_limits<std::int64_t>::max()) ==
               "2262-04-11T23:47:16.854775807Z");
    philox_engine rng(7, 1);
    for (int i = 0; i < 2000; ++i) {
        const auto t = static_cast<std::int64_t>(rng());
        if (t == std::numeric_limits<std::int64_t>::min()) continue;
        BOOST_TEST(io::parse_timestamp(io::format_timestamp(t)) == t);
    }
}

BOOST_AUTO_TEST_CASE(rejects_what_is_not_iso8601) {
    for (const char* bad : {"", "2020", "2020-1-01", "2020-13-01", "2021-02-29", "2020-04-31",
                            "2020-01-01T", "2020-01-01T24:00", "2020-01-01T12:60", "2020-01-01T12:00:60",
                            "2020-01-01T12:00:00.", "2020-01-01T12:00Zx", "2020-01-01T12:00+1",
                            "2020-01-01T12:00+24:00", "2020-01-01X12:00", "2262-04-12",
                            "1677-09-21", "1677-09-21T00:12:43.145224192Z",  // INT64_MIN is null
                            " 2020-01-01", "2020-01-01 "}) {
        std::int64_t out = 42;
        BOOST_TEST_CONTEXT("'" << bad << "'") {
            BOOST_TEST(!io::try_parse_timestamp(bad, out));
            BOOST_TEST(out == 42);
        }
    }
    try {
        io::parse_timestamp("2020-02-30");
        BOOST_FAIL("no error");
    } catch (const data_error& e) {
        BOOST_TEST(std::string(e.what()).starts_with(
            "tessera::io::parse_timestamp: cannot parse '2020-02-30' as an ISO 8601 timestamp"));
    }
    // The first nanosecond that is not the null sentinel.
    BOOST_TEST(io::parse_timestamp("1677-09-21T00:12:43.145224193Z") ==
               std::numeric_limits<std::int64_t>::min() + 1);
    // Fractions beyond nanoseconds are truncated, as pandas does.
    BOOST_TEST(io::parse_timestamp("2020-01-01T00:00:00.1234567899Z") ==
               io::parse_timestamp("2020-01-01T00:00:00.123456789Z"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(write_then_read)

namespace {

frame sample_frame() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    return frame::from_columns({
        column::float64("f64", {1.0, -0.1, 1e300, 4.9e-324, nan, inf, -0.0, 0.1 + 0.2},
                        {true, true, true, true, true, true, false, true}),
        column::float32("f32", {1.5f, 3.4028235e38f, 1e-45f, -2.0f, 0.1f, 7.0f, 8.0f, 1.0f / 3},
                        {true, true, true, true, false, true, true, true}),
        column::int64("i64", {0, -1, std::numeric_limits<std::int64_t>::max(),
                              std::numeric_limits<std::int64_t>::min(), 5, 6, 7, 8},
                      {true, true, true, true, true, false, true, true}),
        column::boolean("flag", {true, false, true, false, true, false, true, false},
                        {true, true, false, true, true, true, true, true}),
        column::timestamp("when", {0, -1, 1500000000, 1592224245123456789, 5, 6, 7, 8},
                          {true, true, true, true, true, true, false, true}),
        column::categorical_from_labels(
            "text", {"plain", "with,comma", "with \"quote\"", "two\nlines", "", "NA", " pad ", "crlf\r\n"},
            {true, true, true, true, true, true, true, false}),
        column::categorical_from_labels("with space, and \"quotes\"",
                                        {"a", "b", "a", "b", "a", "b", "a", "b"}),
    });
}

io::csv_options schema_of(const frame& f) {
    io::csv_options o;
    for (std::size_t j = 0; j < f.num_columns(); ++j) o.schema[f.column(j).name()] = f.column(j).type();
    return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_dtype_with_nulls_bit_for_bit) {
    const frame f = sample_frame();
    std::ostringstream out;
    io::write_csv(f, out);
    // Inference alone recovers every type here (floats are written with a '.' or 'e').
    std::istringstream in(out.str());
    const frame inferred = io::read_csv(exec::seq, in);
    for (std::size_t j = 0; j < f.num_columns(); ++j) {
        const dtype want = f.column(j).type() == dtype::float32 ? dtype::float64 : f.column(j).type();
        BOOST_TEST(inferred.column(j).type() == want);
    }
    std::istringstream in2(out.str());
    const frame back = io::read_csv(exec::seq, in2, schema_of(f));
    BOOST_TEST(back.fingerprint() == f.fingerprint());
    BOOST_TEST(back.column("text").is_null(7));
    BOOST_TEST(!back.column("text").is_null(4));  // "" written quoted: the empty string
}

BOOST_AUTO_TEST_CASE(written_text_is_rfc4180) {
    const frame f = frame::from_columns({
        column::int64("n", {1, 2}, {true, false}),
        column::categorical_from_labels("s", {"a,b", "say \"hi\""}),
        column::float64("x", {1000.0, 0.5}),
    });
    std::ostringstream out;
    io::write_csv(f, out, {.line_terminator = "\r\n"});
    BOOST_TEST(out.str() == "n,s,x\r\n1,\"a,b\",1000.0\r\n,\"say \"\"hi\"\"\",0.5\r\n");
    std::ostringstream semi;
    io::write_csv(f, semi, {.delimiter = ';', .header = false, .null_token = "NA"});
    BOOST_TEST(semi.str() == "1;a,b;1000.0\nNA;\"say \"\"hi\"\"\";0.5\n");
}

BOOST_AUTO_TEST_CASE(random_frames_through_a_file_with_par) {
    philox_engine rng(99, 3);
    const std::size_t n = 5000;
    std::vector<double> x(n);
    std::vector<std::int64_t> k(n), t(n);
    std::vector<bool> valid(n), b(n);
    std::vector<std::string> labels(n);
    for (std::size_t r = 0; r < n; ++r) {
        x[r] = rng.normal() * std::pow(10.0, rng.uniform_int(-30, 30));
        k[r] = static_cast<std::int64_t>(rng());
        t[r] = static_cast<std::int64_t>(rng()) / 2;
        valid[r] = rng.uniform() > 0.1;
        b[r] = rng.uniform() > 0.5;
        labels[r] = std::string(1, 'L');  // not "L" + ...: GCC 12 PR105329 false -Wrestrict
        labels[r] += std::to_string(rng.uniform_int(0, 40));
        if (rng.uniform() < 0.1) labels[r] += ",\"\n";
    }
    const frame f = frame::from_columns({column::float64("x", x, valid), column::int64("k", k),
                                         column::timestamp("t", t, valid), column::boolean("b", b),
                                         column::categorical_from_labels("s", labels, valid)});
    const fs::path path = fs::temp_directory_path() / "tessera_csv_roundtrip_test.csv";
    io::write_csv(f, path);
    io::write_csv(f, path);  // replaces the file
    for (const auto& e : fs::directory_iterator(path.parent_path()))
        BOOST_TEST(e.path().filename().string().find("tessera_csv_roundtrip_test.csv.tmp") ==
                   std::string::npos);
    io::csv_options o;
    o.chunk_bytes = 4096;
    for (const unsigned threads : {1u, 2u, 7u})
        BOOST_TEST(io::read_csv(exec::par_t{.threads = threads}, path, o).fingerprint() ==
                   f.fingerprint());
    BOOST_TEST(io::read_csv(exec::seq, path).fingerprint() == f.fingerprint());
    fs::remove(path);
    // A directory that does not exist: io_error, nothing written.
    BOOST_CHECK_THROW(io::write_csv(f, fs::path("/nonexistent-dir/x.csv")), io_error);
}

BOOST_AUTO_TEST_SUITE_END()
