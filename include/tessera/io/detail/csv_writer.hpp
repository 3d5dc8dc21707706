// tessera/io/detail/csv_writer.hpp — a frame as RFC 4180 text. Numbers use
// std::to_chars' shortest form that reads back to the same bits; timestamps
// io::format_timestamp; a field is quoted when it must be for read_csv to give
// back the same text (delimiter, quote, CR or LF inside, empty, or equal to a
// default null token or the null token written, or starting with a UTF-8 BOM).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <tessera/core/frame.hpp>
#include <tessera/io/csv_options.hpp>
#include <tessera/io/timestamp.hpp>

// core/serialize.hpp says `detail::concat` inside tessera::io: once tessera::io::detail
// exists that lookup stops there, so every header opening it declares the name
// (as model_file.hpp does), whichever is included first.
namespace tessera::io::detail {
using tessera::detail::concat;
}  // namespace tessera::io::detail

namespace tessera::io::detail::csv {

inline void put_text(std::string& out, std::string_view s, const csv_write_options& o) {
    // A leading byte-order mark would be stripped by the reader at file start.
    bool quote = s.empty() || s == o.null_token || s.starts_with("\xEF\xBB\xBF");
    for (const std::string_view t : {"NA", "N/A", "null", "NaN"}) quote = quote || s == t;
    for (const char c : s)
        if (c == o.delimiter || c == o.quote || c == '\n' || c == '\r') {
            quote = true;
            break;
        }
    if (!quote) {
        out += s;
        return;
    }
    out.push_back(o.quote);
    for (const char c : s) {
        if (c == o.quote) out.push_back(o.quote);
        out.push_back(c);
    }
    out.push_back(o.quote);
}

template <class T>
void put_number(std::string& out, T v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
    // A float that prints like an integer ("1000") gets ".0" so that type
    // inference reads the column back as float, not int64.
    if constexpr (std::is_floating_point_v<T>) {
        bool integral = true;
        for (const char* c = buf; c < r.ptr; ++c) integral = integral && (*c == '-' || (*c >= '0' && *c <= '9'));
        if (integral) out += ".0";
    }
}

inline void put_cell(std::string& out, const column& c, std::size_t r, const csv_write_options& o) {
    if (c.is_null(r)) {
        out += o.null_token;
        return;
    }
    switch (c.type()) {
        case dtype::float64: put_number(out, c.values<double>()[r]); break;
        case dtype::float32: put_number(out, c.values<float>()[r]); break;
        case dtype::int64: put_number(out, c.values<std::int64_t>()[r]); break;
        case dtype::timestamp: out += format_timestamp(c.values<std::int64_t>()[r]); break;
        case dtype::boolean: out += c.values<bool>()[r] ? "true" : "false"; break;
        case dtype::categorical: {
            const std::int32_t k = c.values<std::int32_t>()[r];
            if (k < 0) out += o.null_token;
            else put_text(out, c.dictionary()[static_cast<std::size_t>(k)], o);
            break;
        }
    }
}

inline std::string format_csv(const frame& f, const csv_write_options& o) {
    std::string out;
    if (o.header) {
        for (std::size_t j = 0; j < f.num_columns(); ++j) {
            if (j) out.push_back(o.delimiter);
            put_text(out, f.column(j).name(), o);
        }
        out += o.line_terminator;
    }
    for (std::size_t r = 0; r < f.num_rows(); ++r) {
        for (std::size_t j = 0; j < f.num_columns(); ++j) {
            if (j) out.push_back(o.delimiter);
            put_cell(out, f.column(j), r, o);
        }
        out += o.line_terminator;
    }
    return out;
}

}  // namespace tessera::io::detail::csv
