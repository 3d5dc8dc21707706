// tessera/io/csv.hpp — CSV files <-> frames (RFC 4180; docs/io.md, "CSV").
//
//   frame f = io::read_csv("data.csv");                      // exec::par, defaults
//   frame g = io::read_csv(exec::seq, in, {.delimiter = ';'}); // any std::istream
//   io::csv_report rep;
//   frame h = io::read_csv("x.csv", {.on_bad_row = io::bad_row_policy::collect}, &rep);
//   io::write_csv(f, "out.csv");                             // atomic replace
//
// read_csv: header row, configurable delimiter and quote, quoted fields with
// doubled quotes and line breaks, LF / CRLF / CR, a UTF-8 byte-order mark; null
// tokens; per-column types from `schema` or inferred from a sample (int64,
// float64, bool, ISO 8601 timestamp, categorical); bad records throw a
// data_error naming source, line, column and text, or are set aside in a
// csv_report. exec::seq parses on the calling thread; exec::par cuts the input
// into chunks at record boundaries and parses them on the pool with the same
// result, bit for bit (detail/csv_reader.hpp). A file is memory-mapped and its
// pages are given back as they are parsed, so peak memory is about the parsed
// columns, not the file plus the columns.
#pragma once

#include <cstddef>
#include <filesystem>
#include <istream>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>


#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/exec/policy.hpp>
#include <tessera/io/csv_options.hpp>
#include <tessera/io/detail/csv_file.hpp>
#include <tessera/io/detail/csv_reader.hpp>
#include <tessera/io/detail/csv_writer.hpp>
#include <tessera/io/timestamp.hpp>

namespace tessera::io {

namespace detail::csv {

template <class P>
constexpr unsigned threads_of(const P& policy) {
    if constexpr (requires { policy.threads; }) return policy.threads;
    else return 1;
}
template <class P>
constexpr bool parallel_policy = requires(const P& p) { p.threads; };

}  // namespace detail::csv

// ---- read -------------------------------------------------------------------

// Reads the CSV file at `path`. `report` receives counts, bad rows (collect)
// and widenings; it is required with bad_row_policy::collect.
template <exec::execution_policy P>
frame read_csv(const P& policy, const std::filesystem::path& path, const csv_options& options = {},
               csv_report* report = nullptr) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
    } else {
        const detail::csv::file_bytes bytes(path);
        return detail::csv::read(bytes.view(), options,
                                 detail::concat("file '", path.string(), "'"),
                                 detail::csv::parallel_policy<P>, detail::csv::threads_of(policy),
                                 report,
                                 [&](const char* b, const char* e) { bytes.release(b, e); });
    }
}

// Reads CSV text from `in` to its end (into one buffer); `options.source_name`
// names it in messages.
template <exec::execution_policy P>
frame read_csv(const P& policy, std::istream& in, const csv_options& options = {},
               csv_report* report = nullptr) {
    if constexpr (exec::device_policy<P>) {
        TESSERA_CUDA_NOT_AVAILABLE(P);
    } else {
        const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (in.bad())
            throw io_error(detail::concat("tessera::io::read_csv: cannot read ", options.source_name));
        return detail::csv::read(text, options, options.source_name,
                                 detail::csv::parallel_policy<P>, detail::csv::threads_of(policy),
                                 report, [](const char*, const char*) {});
    }
}

inline frame read_csv(const std::filesystem::path& path, const csv_options& options = {},
                      csv_report* report = nullptr) {
    return read_csv(exec::par, path, options, report);
}
inline frame read_csv(std::istream& in, const csv_options& options = {},
                      csv_report* report = nullptr) {
    return read_csv(exec::par, in, options, report);
}

// ---- write ------------------------------------------------------------------

// Writes `f` as CSV text to `out`; io_error if the stream fails.
inline void write_csv(const frame& f, std::ostream& out, const csv_write_options& options = {}) {
    const std::string text = detail::csv::format_csv(f, options);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!out) throw io_error("tessera::io::write_csv: cannot write to the output stream");
}

// Writes `f` to `path` atomically (temporary file in the same directory,
// fsync, rename; io::save's recipe, docs/io.md): the target is either left as
// it was or replaced by the complete file.
inline void write_csv(const frame& f, const std::filesystem::path& path,
                      const csv_write_options& options = {}) {
    detail::csv::write_atomically(detail::csv::format_csv(f, options), path);
}

}  // namespace tessera::io
