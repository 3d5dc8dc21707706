// io::read_csv on bad input: the data_error a user sees by default (file,
// line, column, offending text), and skip / collect keeping every good row
// with a report of the bad ones; widening of inferred columns; option checks.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <tessera/io/csv.hpp>

using namespace tessera;

namespace {

frame read_text(const std::string& text, const io::csv_options& o = {},
                io::csv_report* rep = nullptr) {
    std::istringstream in(text);
    return io::read_csv(exec::seq, in, o, rep);
}

// The data_error's message (and that it is one); "" if nothing was thrown.
std::string error_of(const std::string& text, const io::csv_options& o = {}) {
    try {
        read_text(text, o);
    } catch (const data_error& e) {
        return e.what();
    }
    return "";
}

io::csv_options collect() {
    io::csv_options o;
    o.on_bad_row = io::bad_row_policy::collect;
    return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_csv_bad_input)

BOOST_AUTO_TEST_CASE(messages_name_source_line_column_and_text) {
    BOOST_TEST(error_of("a,b\n1,2\n3,4,5\n") ==
               "tessera::io::read_csv: input stream, line 3: expected 2 fields, found 3");
    io::csv_options typed;
    typed.schema = {{"b", dtype::int64}};
    BOOST_TEST(error_of("a,b\n1,2\n3,x7\n", typed) ==
               "tessera::io::read_csv: input stream, line 3, column 'b' (field 2): cannot parse "
               "'x7' as int64 (type from csv_options::schema)");
    BOOST_TEST(error_of("a,b\n1,2\n3,\"4\n5,6\n") ==
               "tessera::io::read_csv: input stream, line 3, column 'b' (field 2): unterminated "
               "quote: the quoted field opened here runs to the end of the input");
    BOOST_TEST(error_of("a,b\n1,2\n\"x\"y,6\n") ==
               "tessera::io::read_csv: input stream, line 3, column 'a' (field 1): text after the "
               "closing quote in '\"x\"y'");
    BOOST_TEST(error_of("s,n\nok,1\nb\xff" "d,2\n") ==
               "tessera::io::read_csv: input stream, line 3, column 's' (field 1): invalid UTF-8 "
               "at byte 1 of 'b\\xffd'");
    BOOST_TEST(error_of("") == "tessera::io::read_csv: input stream: the input is empty (no header row)");
    BOOST_TEST(error_of("\xEF\xBB\xBF\r\n\n") ==
               "tessera::io::read_csv: input stream: the input is empty (no header row)");
    BOOST_TEST(error_of("a,a\n1,2\n") ==
               "tessera::io::read_csv: input stream: duplicate column name 'a' (fields 1 and 2); "
               "rename it with csv_options::column_names");
    BOOST_TEST(error_of("a,\"b\n1,2\n") ==
               "tessera::io::read_csv: input stream, line 1 (header), field 2: unterminated quote: "
               "the quoted field opened here runs to the end of the input");
}

BOOST_AUTO_TEST_CASE(error_carries_line_row_column_and_file) {
    const auto path = std::filesystem::temp_directory_path() / "tessera_csv_bad_rows_test.csv";
    {
        std::ofstream f(path, std::ios::binary);
        f << "x,y\n1,2\n\"multi\nline\",3\n\n4,oops\n";
    }
    io::csv_options o;
    o.schema = {{"y", dtype::float64}};
    try {
        io::read_csv(exec::seq, path, o);
        BOOST_FAIL("no error");
    } catch (const data_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "tessera::io::read_csv: file '" + path.string() +
                       "', line 6, column 'y' (field 2): cannot parse 'oops' as float64 (type "
                       "from csv_options::schema)");
        BOOST_TEST(e.line() == 6u);  // physical line: the quoted newline and the blank line count
        BOOST_TEST(e.row() == 2u);   // third data record
        BOOST_TEST(e.column() == "y");
    }
    std::filesystem::remove(path);
}

BOOST_AUTO_TEST_CASE(inferred_type_contradicted_later) {
    io::csv_options o;
    o.infer_rows = 2;
    // int64 -> float64: widened, the report says where.
    io::csv_report rep;
    const frame f = read_text("a,b\n1,x\n2,y\n3.5,z\n", o, &rep);
    BOOST_TEST(f.column("a").type() == dtype::float64);
    BOOST_TEST(f.column("a").values<double>()[2] == 3.5);
    BOOST_TEST_REQUIRE(rep.widened.size() == 1u);
    BOOST_TEST(rep.widened[0].column == "a");
    BOOST_TEST(rep.widened[0].from == dtype::int64);
    BOOST_TEST(rep.widened[0].to == dtype::float64);
    BOOST_TEST(rep.widened[0].line == 4u);
    // Anything else is a bad value, and the message says the type was inferred.
    BOOST_TEST(error_of("a\n1\n2\nabc\n", o) ==
               "tessera::io::read_csv: input stream, line 4, column 'a' (field 1): cannot parse "
               "'abc' as int64 (type inferred from the first 2 records; name the column in "
               "csv_options::schema to choose its type)");
    // A column with no value in the sample takes the type of all its values.
    io::csv_report rep2;
    const frame g = read_text("a,b\n,1\n,2\ntrue,3\nfalse,4\n", o, &rep2);
    BOOST_TEST(g.column("a").type() == dtype::boolean);
    BOOST_TEST(g.column("a").is_null(0));
    BOOST_TEST(g.column("a").values<bool>()[2] == true);
    BOOST_TEST_REQUIRE(rep2.widened.size() == 1u);
    BOOST_TEST(rep2.widened[0].line == 4u);
    // The report is reset by each read (rep2 is reused: one widening, not two).
    read_text("a,b\n,1\n,2\ntrue,3\nfalse,4\n", o, &rep2);
    BOOST_TEST(rep2.widened.size() == 1u);
    const frame h = read_text("a,b\n,1\n,2\n7,3\nseven,4\n", o);
    BOOST_TEST(h.column("a").type() == dtype::categorical);
    // ... and stays float64 (all null) when there is none at all.
    BOOST_TEST(read_text("a,b\n,1\nNA,2\n", o).column("a").type() == dtype::float64);
}

BOOST_AUTO_TEST_CASE(skip_and_collect_keep_every_good_row) {
    const std::string text =
        "id,v\n"
        "1,1.5\n"
        "2,2.5,extra\n"       // line 3: too many fields
        "3,three\n"           // line 4: not a float (v is float64 by schema)
        "4,\"4.5\"\n"         // quoted numbers are fine
        "5\n"                 // line 6: too few
        "6,\"6\n.5\"x\n"      // line 7: text after the closing quote (spans two lines)
        "7,7.5\n"
        "8,\"unterminated\n";  // line 10: runs to the end
    io::csv_options o = collect();
    o.schema = {{"v", dtype::float64}};
    io::csv_report rep;
    const frame f = read_text(text, o, &rep);
    const auto id = f.column("id").values<std::int64_t>();
    BOOST_TEST(std::vector<std::int64_t>(id.begin(), id.end()) == (std::vector<std::int64_t>{1, 4, 7}),
               boost::test_tools::per_element());
    const auto v = f.column("v").values<double>();
    BOOST_TEST(std::vector<double>(v.begin(), v.end()) == (std::vector<double>{1.5, 4.5, 7.5}),
               boost::test_tools::per_element());
    BOOST_TEST(rep.rows_read == 8u);
    BOOST_TEST(rep.rows_kept == 3u);
    BOOST_TEST(rep.bad_row_count == 5u);
    BOOST_TEST_REQUIRE(rep.bad_rows.size() == 5u);
    const std::vector<std::size_t> lines{3, 4, 6, 7, 10};
    const std::vector<std::size_t> rows{1, 2, 4, 5, 7};
    const std::vector<std::string> columns{"", "v", "", "v", "v"};
    for (std::size_t i = 0; i < 5; ++i) {
        BOOST_TEST(rep.bad_rows[i].line == lines[i]);
        BOOST_TEST(rep.bad_rows[i].row == rows[i]);
        BOOST_TEST(rep.bad_rows[i].column == columns[i]);
    }
    BOOST_TEST(rep.bad_rows[0].reason == "expected 2 fields, found 3");
    BOOST_TEST(rep.bad_rows[1].reason ==
               "cannot parse 'three' as float64 (type from csv_options::schema)");
    BOOST_TEST(rep.bad_rows[4].reason ==
               "unterminated quote: the quoted field opened here runs to the end of the input");

    io::csv_options s = o;
    s.on_bad_row = io::bad_row_policy::skip;
    io::csv_report rep_skip;
    BOOST_TEST(read_text(text, s, &rep_skip).fingerprint() == f.fingerprint());
    BOOST_TEST(rep_skip.bad_row_count == 5u);
    BOOST_TEST(rep_skip.bad_rows.empty());
    BOOST_TEST(read_text(text, s).num_rows() == 3u);  // skip needs no report
}

BOOST_AUTO_TEST_CASE(options_are_checked) {
    const auto config_field = [](const io::csv_options& o, io::csv_report* rep = nullptr) {
        try {
            read_text("a\n1\n", o, rep);
        } catch (const config_error& e) {
            return e.field();
        }
        return std::string("none");
    };
    io::csv_options o = collect();
    BOOST_TEST(config_field(o) == "on_bad_row");  // collect without a report
    io::csv_options d;
    d.delimiter = '\n';
    BOOST_TEST(config_field(d) == "delimiter");
    d.delimiter = '"';
    BOOST_TEST(config_field(d) == "delimiter");
    io::csv_options q;
    q.quote = '\r';
    BOOST_TEST(config_field(q) == "quote");
    io::csv_options c;
    c.chunk_bytes = 0;
    BOOST_TEST(config_field(c) == "chunk_bytes");
    io::csv_options sc;
    sc.schema = {{"nope", dtype::int64}};
    BOOST_TEST(config_field(sc) == "schema");
    io::csv_options names;
    names.column_names = {"x", "y"};
    BOOST_TEST(config_field(names) == "column_names");
}

BOOST_AUTO_TEST_CASE(missing_file_is_an_io_error) {
    BOOST_CHECK_THROW(io::read_csv(exec::seq, std::filesystem::path("/nonexistent/x.csv")), io_error);
    BOOST_CHECK_THROW(io::read_csv(exec::seq, std::filesystem::temp_directory_path()), io_error);
    try {
        io::read_csv(std::filesystem::path("/nonexistent/x.csv"));
    } catch (const io_error& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "tessera::io::read_csv: cannot open '/nonexistent/x.csv': No such file or directory");
    }
}

BOOST_AUTO_TEST_SUITE_END()
