// tests/fuzz/csv_fuzz_case.hpp — one fuzz case for io::read_csv, shared by the
// libFuzzer target (fuzz_read_csv.cpp) and the corpus regression test in the
// normal suite (tests/io_csv/test_corpus.cpp).
//
// The first two bytes pick the options (delimiter, quote, header, bad-row
// policy, quoted nulls, blank lines, a schema for column 0, inference sample,
// chunk size); the rest is the CSV text. Every input must either parse or throw
// a tessera::error. Beyond that, these properties must hold (else
// csv_fuzz_finding is thrown):
//   * exec::par with 1, 2 and 3 threads and tiny chunks gives seq's frame and counts;
//   * the report is consistent, and skip keeps the rows collect keeps;
//   * write_csv then read_csv (with the read types as schema) gives the frame back.
#pragma once

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

#include <tessera/io/csv.hpp>

namespace csv_fuzz {

struct finding : std::logic_error {
    using std::logic_error::logic_error;
};

inline tessera::frame read(std::string_view text, const tessera::io::csv_options& o,
                           tessera::io::csv_report* rep, int threads) {
    using namespace tessera;
    std::istringstream in{std::string(text)};
    if (threads == 0) return io::read_csv(exec::seq, in, o, rep);
    return io::read_csv(exec::par_t{.threads = static_cast<unsigned>(threads)}, in, o, rep);
}

inline tessera::io::csv_options options_of(std::uint8_t a, std::uint8_t b) {
    using namespace tessera;
    io::csv_options o;
    static constexpr char delims[] = {',', ';', '\t', '|'};
    o.delimiter = delims[a & 3];
    o.quote = (a & 4) ? '\'' : '"';
    o.header = (a & 8) == 0;
    o.quoted_nulls = (a & 16) != 0;
    o.skip_blank_lines = (a & 32) == 0;
    o.on_bad_row = (a & 64) ? io::bad_row_policy::collect : io::bad_row_policy::error;
    o.infer_rows = (b & 3) == 0 ? 0 : (b & 3) * 2;
    static constexpr dtype types[] = {dtype::float64, dtype::float32, dtype::int64,
                                      dtype::boolean, dtype::categorical, dtype::timestamp};
    if (b & 4) o.schema[o.header ? "a" : "column_0"] = types[(b >> 3) % 6];
    o.chunk_bytes = 1 + static_cast<std::size_t>(b >> 6) * 7;
    return o;
}

// Returns true if the text parsed, false if read_csv threw a tessera::error.
inline bool check_case(const std::uint8_t* data, std::size_t size) {
    using namespace tessera;
    if (size < 2) return false;
    const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
    const io::csv_options o = options_of(data[0], data[1]);

    io::csv_report rep_seq;
    frame seq;
    bool seq_ok = false;
    try {
        seq = read(text, o, &rep_seq, 0);
        seq_ok = true;
    } catch (const tessera::config_error&) {
        return false;  // e.g. a schema naming a column the text does not have
    } catch (const tessera::error&) {
    }
    for (int threads = 1; threads <= 3; ++threads) {
        io::csv_report rep;
        try {
            const frame par = read(text, o, &rep, threads);
            if (!seq_ok) throw finding("par parsed what seq rejected");
            if (par.fingerprint() != seq.fingerprint()) throw finding("par frame differs from seq");
            if (rep.bad_row_count != rep_seq.bad_row_count || rep.rows_read != rep_seq.rows_read)
                throw finding("par report differs from seq");
        } catch (const tessera::error& e) {
            if (seq_ok) throw finding(std::string("par threw, seq did not: ") + e.what());
        }
    }
    if (!seq_ok) return false;
    if (rep_seq.rows_kept != seq.num_rows() ||
        rep_seq.rows_read != rep_seq.rows_kept + rep_seq.bad_row_count ||
        (o.on_bad_row == io::bad_row_policy::collect &&
         rep_seq.bad_rows.size() != rep_seq.bad_row_count))
        throw finding("inconsistent report");
    if (o.on_bad_row == io::bad_row_policy::collect) {
        io::csv_options skip = o;
        skip.on_bad_row = io::bad_row_policy::skip;
        io::csv_report rep;
        if (read(text, skip, &rep, 0).fingerprint() != seq.fingerprint() ||
            rep.bad_row_count != rep_seq.bad_row_count)
            throw finding("skip differs from collect");
    }

    // Round trip: what was read is written and read back with its types.
    if (seq.num_columns() == 0) return true;
    std::ostringstream out;
    io::write_csv(seq, out);
    io::csv_options back;
    back.skip_blank_lines = false;  // a one-column frame's null row is an empty line
    for (std::size_t j = 0; j < seq.num_columns(); ++j)
        back.schema[seq.column(j).name()] = seq.column(j).type();
    try {
        if (read(out.str(), back, nullptr, 0).fingerprint() != seq.fingerprint())
            throw finding("round trip changed the frame");
    } catch (const tessera::error& e) {
        throw finding(std::string("round trip threw: ") + e.what());
    }
    return true;
}

}  // namespace csv_fuzz
