// io::json_writer and io::html: exact output on hand cases, escaping, doubles
// that read back to the same bits, well-formedness checked by independent
// checkers (checkers.hpp), misuse errors.
#include <boost/test/unit_test.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
// json.hpp first on purpose: it must not break core/serialize.hpp (pulled in by
// html.hpp) by declaring namespaces it looks names up in.
#include <tessera/io/json.hpp>
#include <tessera/io/html.hpp>

#include "checkers.hpp"

using namespace tessera;
using test_checkers::html_problem;
using test_checkers::valid_json;

namespace {
bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
std::size_t count_of(const std::string& s, std::string_view part) {
    std::size_t n = 0;
    for (std::size_t i = s.find(part); i != std::string::npos; i = s.find(part, i + 1)) ++n;
    return n;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(json)

BOOST_AUTO_TEST_CASE(compact_and_pretty_documents) {
    io::json_writer w;
    w.begin_object()
        .field("rows", 3)
        .key("names").array(std::vector<std::string>{"a", "b"})
        .key("empty").begin_object().end_object()
        .key("none").begin_array().end_array()
        .field("ok", true)
        .key("x").null()
        .end_object();
    BOOST_TEST(w.str() ==
               R"({"rows":3,"names":["a","b"],"empty":{},"none":[],"ok":true,"x":null})");
    BOOST_TEST(valid_json(w.str()));

    io::json_writer p({.indent = 2});
    p.begin_object().field("a", 1).key("b").begin_array().value(1.5).value("s").end_array()
        .end_object();
    BOOST_TEST(p.str() == "{\n  \"a\": 1,\n  \"b\": [\n    1.5,\n    \"s\"\n  ]\n}");
    BOOST_TEST(valid_json(p.str()));
}

BOOST_AUTO_TEST_CASE(string_escaping) {
    BOOST_TEST(io::json_string("a\"b\\c") == R"("a\"b\\c")");
    BOOST_TEST(io::json_string("\n\r\t\b\f") == R"("\n\r\t\b\f")");
    BOOST_TEST(io::json_string(std::string("\x01\x1f\x00", 3)) == R"("\u0001\u001f\u0000")");
    BOOST_TEST(io::json_string("\x7f/") == "\"\x7f/\"");  // DEL and '/' need no escape
    // Valid UTF-8 passes through: 2-, 3- and 4-byte sequences.
    const std::string utf8 = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80";
    BOOST_TEST(io::json_string(utf8) == "\"" + utf8 + "\"");
    // Invalid: lone continuation, truncated sequence, overlong, surrogate, > U+10FFFF.
    const std::string fffd = "\xEF\xBF\xBD";
    BOOST_TEST(io::json_string("\x80") == "\"" + fffd + "\"");
    BOOST_TEST(io::json_string("a\xC3") == "\"a" + fffd + "\"");
    BOOST_TEST(io::json_string("\xC0\xAF") == "\"" + fffd + fffd + "\"");
    BOOST_TEST(io::json_string("\xED\xA0\x80") == "\"" + fffd + fffd + fffd + "\"");
    BOOST_TEST(io::json_string("\xF4\x90\x80\x80") == "\"" + fffd + fffd + fffd + fffd + "\"");
    // Every single byte value yields valid JSON.
    for (int b = 0; b < 256; ++b) {
        const std::string s(1, static_cast<char>(b));
        BOOST_TEST(valid_json(io::json_string(s)), "byte " << b);
    }
}

BOOST_AUTO_TEST_CASE(numbers_round_trip_and_non_finite_is_null) {
    BOOST_TEST(io::json_number(0.1) == "0.1");
    BOOST_TEST(io::json_number(-2.0) == "-2");
    BOOST_TEST(io::json_number(1e300) == "1e+300");
    BOOST_TEST(io::json_number(std::numeric_limits<double>::quiet_NaN()) == "null");
    BOOST_TEST(io::json_number(std::numeric_limits<double>::infinity()) == "null");
    BOOST_TEST(io::json_number(-std::numeric_limits<double>::infinity()) == "null");
    io::json_writer w;
    w.begin_array().value(std::int64_t{-9223372036854775807 - 1}).value(std::uint64_t{18446744073709551615u})
        .value(1.0f / 3.0f).end_array();
    BOOST_TEST(w.str() == "[-9223372036854775808,18446744073709551615,0.3333333432674408]");

    rng g(7);
    for (int i = 0; i < 20000; ++i) {
        // Random bit patterns cover subnormals, huge and tiny exponents.
        std::uint64_t bits = g();
        double v;
        std::memcpy(&v, &bits, 8);
        const std::string s = io::json_number(v);
        if (!std::isfinite(v)) {
            BOOST_TEST(s == "null");
            continue;
        }
        BOOST_TEST(valid_json(s), s);
        double back = 0;
        std::from_chars(s.data(), s.data() + s.size(), back);
        BOOST_TEST(std::memcmp(&back, &v, 8) == 0, s);
    }
}

BOOST_AUTO_TEST_CASE(misuse_throws) {
    const auto msg = [](auto&& f) -> std::string {
        try {
            f();
        } catch (const tessera::error& e) {
            return e.what();
        }
        return "<no exception>";
    };
    BOOST_TEST(msg([] { io::json_writer w; w.begin_object().value(1); }) ==
               "io::json_writer: a value inside an object without a key");
    BOOST_TEST(msg([] { io::json_writer w; w.begin_array().key("k"); }) ==
               "io::json_writer: key(\"k\") outside an object");
    BOOST_TEST(msg([] { io::json_writer w; w.begin_array().end_object(); }) ==
               "io::json_writer: '}' does not match the open container");
    BOOST_TEST(msg([] { io::json_writer w; w.begin_object().key("a").end_object(); }) ==
               "io::json_writer: '}' after a key with no value");
    BOOST_TEST(msg([] { io::json_writer w; w.begin_object(); (void)w.str(); }) ==
               "io::json_writer: str() before the document is complete (1 container(s) still open)");
    BOOST_TEST(msg([] { io::json_writer w; w.value(1).value(2); }) ==
               "io::json_writer: a second top-level value");
    BOOST_CHECK_THROW(io::json_writer({.indent = -1}), config_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(html)

BOOST_AUTO_TEST_CASE(escaping_and_numbers) {
    BOOST_TEST(io::html::escape("<a href=\"x\">&'</a>") ==
               "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    BOOST_TEST(io::html::format_number(0.123456) == "0.1235");
    BOOST_TEST(io::html::format_number(std::nan("")) == "n/a");
    BOOST_TEST(io::html::format_percent(0.1234) == "12.3%");
}

BOOST_AUTO_TEST_CASE(bar_chart_structure) {
    const std::vector<io::html::bar> bars = {
        {"age", 0.05}, {"<income>", 0.30}, {"zip", std::nan("")}, {"neg", -0.1, "#123456"}};
    const std::string svg =
        io::html::bar_chart(bars, {.title = "Null share", .threshold = 0.2, .percent = true});
    BOOST_TEST(html_problem(svg) == "");
    BOOST_TEST(svg.starts_with("<svg"));
    BOOST_TEST(has(svg, "&lt;income&gt;"));
    BOOST_TEST(!has(svg, "<income>"));
    BOOST_TEST(count_of(svg, "<rect") == 3u);  // NaN draws no bar
    BOOST_TEST(has(svg, ">30.0%<"));
    BOOST_TEST(has(svg, ">n/a<"));
    BOOST_TEST(has(svg, "fill=\"#e45756\""));  // 0.30 > threshold
    BOOST_TEST(count_of(svg, "fill=\"#4c78a8\"") == 1u);
    BOOST_TEST(has(svg, "fill=\"#123456\""));
    BOOST_TEST(has(svg, "class=\"threshold\""));
    // An empty chart is still well formed.
    BOOST_TEST(html_problem(io::html::bar_chart(std::vector<io::html::bar>{})) == "");
    BOOST_CHECK_THROW(io::html::bar_chart(bars, {.width = 10}), config_error);
}

BOOST_AUTO_TEST_CASE(histogram_structure) {
    const std::vector<double> edges = {-std::numeric_limits<double>::infinity(), 0.0, 1.5,
                                       std::numeric_limits<double>::infinity()};
    const std::vector<double> ref = {0.2, 0.5, 0.3}, cur = {0.1, 0.4, 0.5};
    const std::string svg = io::html::histogram(
        edges, ref, cur, {.title = "x: reference vs current", .percent = true});
    BOOST_TEST(html_problem(svg) == "");
    BOOST_TEST(count_of(svg, "<rect") == 2u + 6u);  // legend + 2 per bin
    BOOST_TEST(has(svg, "reference [0, 1.5): 50.0%"));
    BOOST_TEST(has(svg, "current [1.5, inf): 50.0%"));
    BOOST_TEST(has(svg, ">-inf<"));
    const std::string cats = io::html::grouped_bars({"a&b", "c"}, std::vector<double>{3, 4},
                                                    std::vector<double>{5, 0});
    BOOST_TEST(html_problem(cats) == "");
    BOOST_TEST(has(cats, ">a&amp;b<"));
    // One series: an empty `current`.
    const std::string one = io::html::histogram(edges, ref, std::vector<double>{}, {.reference_label = "count"});
    BOOST_TEST(html_problem(one) == "");
    BOOST_TEST(count_of(one, "<rect") == 1u + 3u);
    BOOST_TEST(!has(one, "current"));
    BOOST_CHECK_THROW(io::html::histogram(edges, ref, std::vector<double>{1, 2}), shape_error);
    BOOST_CHECK_THROW(io::html::histogram(std::vector<double>{0, 1}, ref, cur), shape_error);
    BOOST_CHECK_THROW(io::html::histogram(edges, ref, std::vector<double>{0.1, -1, 0}), data_error);
    BOOST_CHECK_THROW(io::html::histogram(edges, ref, std::vector<double>{0.1, std::nan(""), 0}),
                      data_error);
}

BOOST_AUTO_TEST_CASE(page_is_self_contained) {
    io::html::page p("Report <1>", "sub & title");
    p.heading("Columns").badge(false, "2 checks failed").list({"a < b", "c"});
    p.table({"name", "value"}, {{"x<y", {"0.5", "num"}}, {"z", {"bad", "bad"}}});
    p.raw(io::html::bar_chart(std::vector<io::html::bar>{{"a", 1.0}}));
    const std::string s = p.str();
    BOOST_TEST(html_problem(s) == "");
    BOOST_TEST(s.starts_with("<!DOCTYPE html>"));
    BOOST_TEST(has(s, "<title>Report &lt;1&gt;</title>"));
    BOOST_TEST(has(s, "<td>x&lt;y</td>"));
    BOOST_TEST(has(s, "<td class=\"num\">0.5</td>"));
    BOOST_TEST(has(s, "<li>a &lt; b</li>"));
    BOOST_TEST(has(s, "badge fail"));
    // Nothing to fetch: no scripts, links, images or URLs other than the SVG namespace.
    for (std::string_view bad : {"<script", "<link", "<img", "src=", "@import", "url("})
        BOOST_TEST(!has(s, bad), bad);
    // save writes the page (through a temporary file) and reports failure.
    const auto path = std::filesystem::temp_directory_path() / "tessera_test_page.html";
    p.save(path);
    std::ifstream in(path, std::ios::binary);
    const std::string back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST(back == s);
    std::filesystem::remove(path);
    BOOST_CHECK_THROW(p.save("/nonexistent-dir/x/page.html"), io_error);
    std::string no_ns = s;
    for (std::size_t i; (i = no_ns.find("xmlns=\"http://www.w3.org/2000/svg\"")) != std::string::npos;)
        no_ns.erase(i, 34);
    BOOST_TEST(!has(no_ns, "http"));
}

BOOST_AUTO_TEST_SUITE_END()
