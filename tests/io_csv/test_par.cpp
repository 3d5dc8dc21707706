// exec::par against exec::seq: random CSV text (every type, nulls, quoted
// fields with delimiters, doubled quotes and line breaks, literal quotes that
// fool the quote-parity scan, bad records) read with 1, 2 and 7 threads and
// chunk sizes from 1 byte up must give seq's frame bit for bit (fingerprint
// and raw bytes), the same report, and the same first error. Also par's
// writing straight into the final columns when its room, estimated from the
// inference sample, is too small or too large.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include <tessera/core/random.hpp>
#include <tessera/io/csv.hpp>

using namespace tessera;

namespace {

// `bad` > 0 sprinkles bad records (wrong field counts, unparseable ints).
std::string random_csv(std::uint64_t seed, std::size_t rows, bool bad, bool traps) {
    philox_engine rng(seed, 11);
    std::string s = "i,x,t,b,s,q\n";
    static const char* words[] = {"alpha", "be,ta", "ga\"mma", "del\nta", "", "eps\r\nilon", "NA"};
    for (std::size_t r = 0; r < rows; ++r) {
        const auto pick = [&](int n) { return static_cast<int>(rng.uniform_int<std::int64_t>(0, n - 1)); };
        if (bad && pick(20) == 0) {
            s += pick(2) ? "1,2\n" : "x,1.0,2020-01-01,true,a,b\n";  // field count / int64 value
            continue;
        }
        if (pick(15) == 0) s += "\n";  // blank line
        s += pick(10) == 0 ? "" : std::to_string(rng.uniform_int<std::int64_t>(-1000000, 1000000));
        s += ',';
        s += pick(10) == 0 ? "NA" : std::to_string(rng.normal());
        s += ',';
        s += pick(8) == 0 ? "" : "2021-03-0" + std::to_string(1 + pick(9)) + "T1" + std::to_string(pick(10)) + ":00:00.5Z";
        s += ',';
        s += pick(3) == 0 ? "" : (pick(2) ? "true" : "false");
        s += ',';
        const std::string w = words[pick(7)];
        if (w.find_first_of(",\"\r\n") != std::string::npos || w == "NA" || pick(4) == 0) {
            s += '"';
            for (char c : w) s += c == '"' ? std::string("\"\"") : std::string(1, c);
            s += '"';
        } else {
            s += w.empty() ? "w" + std::to_string(pick(50)) : w;
        }
        s += ',';
        // Literal quotes inside unquoted fields flip the parity scan's guess.
        s += traps && pick(25) == 0 ? "a\"b" : "q" + std::to_string(pick(5));
        s += pick(3) == 0 ? "\r\n" : "\n";
    }
    return s;
}

frame read_with(const std::string& text, const io::csv_options& o, io::csv_report* rep,
                unsigned threads) {
    std::istringstream in(text);
    if (threads == 0) return io::read_csv(exec::seq, in, o, rep);
    return io::read_csv(exec::par_t{.threads = threads}, in, o, rep);
}

void require_same(const frame& a, const frame& b) {
    BOOST_TEST_REQUIRE(a.num_rows() == b.num_rows());
    BOOST_TEST_REQUIRE(a.names() == b.names(), boost::test_tools::per_element());
    BOOST_TEST(a.fingerprint() == b.fingerprint());
    for (std::size_t j = 0; j < a.num_columns(); ++j) {
        const column& x = a.column(j);
        const column& y = b.column(j);
        BOOST_TEST_REQUIRE(x.type() == y.type());
        const std::size_t bytes = x.type() == dtype::float64 || x.type() == dtype::int64 ||
                                          x.type() == dtype::timestamp
                                      ? 8
                                      : (x.type() == dtype::boolean ? 1 : 4);
        BOOST_TEST(std::memcmp(x.data(), y.data(), bytes * x.size()) == 0);
        BOOST_TEST(x.null_count() == y.null_count());
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_csv_par_equals_seq)

BOOST_AUTO_TEST_CASE(random_files_any_threads_any_chunks) {
    for (const bool traps : {false, true}) {
        for (std::uint64_t seed = 1; seed <= 3; ++seed) {
            const std::string text = random_csv(seed, 700, true, traps);
            io::csv_options o;
            o.on_bad_row = io::bad_row_policy::collect;
            o.infer_rows = 50;
            io::csv_report ref_rep;
            const frame ref = read_with(text, o, &ref_rep, 0);
            BOOST_TEST(ref.num_rows() > 500u);
            BOOST_TEST(ref_rep.bad_row_count > 5u);
            BOOST_TEST(ref.column("s").type() == dtype::categorical);
            BOOST_TEST(ref.column("t").type() == dtype::timestamp);
            for (const std::size_t chunk : {std::size_t{1}, std::size_t{97}, std::size_t{1000}, std::size_t{1} << 20}) {
                for (const unsigned threads : {1u, 2u, 7u}) {
                    BOOST_TEST_CONTEXT("traps " << traps << " seed " << seed << " chunk " << chunk
                                                << " threads " << threads) {
                        io::csv_options p = o;
                        p.chunk_bytes = chunk;
                        io::csv_report rep;
                        require_same(read_with(text, p, &rep, threads), ref);
                        BOOST_TEST(rep.rows_read == ref_rep.rows_read);
                        BOOST_TEST_REQUIRE(rep.bad_rows.size() == ref_rep.bad_rows.size());
                        for (std::size_t i = 0; i < rep.bad_rows.size(); ++i) {
                            BOOST_TEST(rep.bad_rows[i].line == ref_rep.bad_rows[i].line);
                            BOOST_TEST(rep.bad_rows[i].row == ref_rep.bad_rows[i].row);
                            BOOST_TEST(rep.bad_rows[i].reason == ref_rep.bad_rows[i].reason);
                        }
                    }
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(same_first_error_and_same_widening) {
    const std::string text = random_csv(9, 400, true, true);
    io::csv_options o;
    o.chunk_bytes = 64;
    std::string ref;
    try {
        read_with(text, o, nullptr, 0);
    } catch (const data_error& e) {
        ref = e.what();
    }
    BOOST_TEST_REQUIRE(!ref.empty());
    for (const unsigned threads : {1u, 2u, 7u}) {
        try {
            read_with(text, o, nullptr, threads);
            BOOST_ERROR("par did not throw");
        } catch (const data_error& e) {
            BOOST_TEST(e.what() == ref);
        }
    }
    // A float far down an int column: widened the same way by every path.
    std::string late = "a,b\n";
    for (int r = 0; r < 3000; ++r) late += std::to_string(r) + "," + (r == 2500 ? "2.5" : "7") + "\n";
    io::csv_options w;
    w.infer_rows = 10;
    w.chunk_bytes = 128;
    io::csv_report ref_rep;
    const frame seq = read_with(late, w, &ref_rep, 0);
    BOOST_TEST(seq.column("b").type() == dtype::float64);
    for (const unsigned threads : {1u, 2u, 7u}) {
        io::csv_report rep;
        require_same(read_with(late, w, &rep, threads), seq);
        BOOST_TEST_REQUIRE(rep.widened.size() == 1u);
        BOOST_TEST(rep.widened[0].line == ref_rep.widened[0].line);
        BOOST_TEST(rep.widened[0].line == 2502u);
    }
}

BOOST_AUTO_TEST_CASE(quotes_only_after_the_sample) {
    // No quote in the inference sample: par cuts at the first LF after each
    // chunk_bytes without a parity scan; the quoted line breaks further down
    // make some cuts wrong, which verification must catch.
    std::string text = "a,s\n";
    for (int r = 0; r < 300; ++r) text += std::to_string(r) + ",plain\n";
    for (int r = 300; r < 900; ++r)
        text += std::to_string(r) + (r % 3 ? ",\"x\ny,\n\"\n" : ",\"q\"\"\"\n");
    io::csv_options o;
    o.infer_rows = 100;
    const frame ref = read_with(text, o, nullptr, 0);
    BOOST_TEST(ref.num_rows() == 900u);
    for (const std::size_t chunk : {std::size_t{7}, std::size_t{300}, std::size_t{4096}})
        for (const unsigned threads : {1u, 2u, 7u}) {
            io::csv_options p = o;
            p.chunk_bytes = chunk;
            require_same(read_with(text, p, nullptr, threads), ref);
        }
}

BOOST_AUTO_TEST_CASE(par_in_place_any_room_estimate_equals_seq) {
    // The first records (the inference sample) are short or long relative to
    // the rest, so par's room in the final columns is too large or too small;
    // blank lines, bad records and a CRLF stretch leave gaps to close.
    for (const bool short_first : {true, false}) {
        std::string text = "k,x,y,c\n";
        philox_engine rng(33, short_first);
        for (int r = 0; r < 3000; ++r) {
            const bool early = r < 200;
            const bool long_row = early != short_first;
            text += std::to_string(r % 7) + ',';
            text += long_row ? std::to_string(rng.normal() * 1e-3) + "123" : std::to_string(r % 10);
            text += ',';
            char buf[40];
            std::snprintf(buf, sizeof buf, long_row ? "%.15g" : "%.2g", rng.normal());
            text += buf;
            text += r % 4 ? ",c1" : ",c2";
            if (r % 97 == 5) text += ",extra";  // bad: too many fields
            text += r > 2000 && r < 2100 ? "\r\n" : "\n";
            if (r % 131 == 0) text += "\n";  // blank line
        }
        io::csv_options o;
        o.infer_rows = 100;
        o.on_bad_row = io::bad_row_policy::collect;
        io::csv_report ref_rep;
        const frame ref = read_with(text, o, &ref_rep, 0);
        BOOST_TEST(ref.column("x").type() == dtype::float64);
        BOOST_TEST(ref_rep.bad_row_count > 20u);
        for (const std::size_t chunk : {std::size_t{64}, std::size_t{1000}, std::size_t{1} << 14})
            for (const unsigned threads : {1u, 2u, 7u}) {
                BOOST_TEST_CONTEXT("short_first " << short_first << " chunk " << chunk << " threads " << threads) {
                    io::csv_options p = o;
                    p.chunk_bytes = chunk;
                    io::csv_report rep;
                    require_same(read_with(text, p, &rep, threads), ref);
                    BOOST_TEST(rep.bad_row_count == ref_rep.bad_row_count);
                    BOOST_TEST(rep.rows_kept == ref_rep.rows_kept);
                }
            }
    }
}

BOOST_AUTO_TEST_SUITE_END()
