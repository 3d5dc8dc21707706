// tessera/io/csv_options.hpp — the options of io::read_csv / io::write_csv and
// the report of a read (docs/io.md, "CSV"). Split from csv.hpp so the parser's
// detail headers can name them.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <tessera/core/frame.hpp>

namespace tessera::io {

// What read_csv does with a bad record (wrong field count, unparseable value,
// unterminated quote, text after a closing quote, invalid UTF-8).
enum class bad_row_policy {
    error,    // throw a data_error naming source, line, column and text (default)
    skip,     // drop the record; the report (if given) counts it
    collect,  // drop the record and list it in the report (one is required)
};

struct csv_options {
    char delimiter = ',';
    char quote = '"';
    // The first record holds the column names.
    bool header = true;
    // Names to use instead of the header's (header = true: same count required),
    // or the names of a header-less file; empty: the header's, or column_0, ...
    std::vector<std::string> column_names = {};
    // Unquoted fields equal to one of these are null. Quoted fields are never
    // null unless quoted_nulls, so "NA" in quotes is the text NA (and
    // write_csv can quote a category that looks like a null token).
    std::vector<std::string> null_tokens = {"", "NA", "N/A", "null", "NaN"};
    bool quoted_nulls = false;
    // Column name -> dtype; these columns skip inference and never widen.
    std::map<std::string, dtype, std::less<>> schema = {};
    // Records inspected to infer the type of the columns not in `schema`
    // (0: infer from every record).
    std::size_t infer_rows = 1000;
    bad_row_policy on_bad_row = bad_row_policy::error;
    // Lines with no characters are skipped (not records); false: a blank line
    // is a record with one empty field.
    bool skip_blank_lines = true;
    // par: bytes per chunk. Chunks depend only on the data and this value,
    // never on the thread count, and every result equals exec::seq's.
    std::size_t chunk_bytes = std::size_t{1} << 20;
    // Names the input in messages when reading from a std::istream.
    std::string source_name = "input stream";
};

// One record set aside under bad_row_policy::collect.
struct csv_bad_row {
    std::size_t line = 0;   // 1-based physical line where the record starts
    std::size_t row = 0;    // 0-based index among data records (blank lines excluded)
    std::string column;     // the column at fault; empty for a field-count error
    std::string reason;     // e.g. "cannot parse 'abc' as int64"
};

// An inferred column whose type a later value forced wider (int64 -> float64,
// or any type for a column that was all null in the inference sample).
struct csv_widening {
    std::string column;
    dtype from = dtype::float64;
    dtype to = dtype::float64;
    std::size_t line = 0;  // the first line whose value forced it
};

struct csv_report {
    std::size_t rows_read = 0;      // data records seen, good and bad
    std::size_t rows_kept = 0;      // rows in the frame
    std::size_t bad_row_count = 0;  // records dropped (skip or collect)
    std::vector<csv_bad_row> bad_rows;  // collect only, in file order
    std::vector<csv_widening> widened;  // in column order
};

struct csv_write_options {
    char delimiter = ',';
    char quote = '"';
    bool header = true;
    // Written for null values (unquoted).
    std::string null_token = "";
    // Record terminator: "\n" or "\r\n".
    std::string line_terminator = "\n";
};

}  // namespace tessera::io
