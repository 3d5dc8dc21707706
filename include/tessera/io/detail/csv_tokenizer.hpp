// tessera/io/detail/csv_tokenizer.hpp — splits RFC 4180 text into records and
// fields without copying: a field is a view into the input buffer; only a
// quoted field with doubled quotes needs unescaping, done on demand into a
// scratch string.
//
// Rules (docs/io.md, "CSV: the format read"): records end at LF, CRLF or a lone
// CR outside quotes; a field that starts with the quote character is quoted and
// ends at the next quote not doubled; inside it the delimiter, CR and LF are
// data. Text between a closing quote and the next delimiter is an error (the
// record is reported bad, the text is kept so the record still ends where a
// reader expects). A quote inside an unquoted field is a literal character
// (pandas and pyarrow do the same). An opened quote that never closes makes
// the record run to the end of the input: "unterminated quote".
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>

// core/serialize.hpp says `detail::concat` inside tessera::io: once tessera::io::detail
// exists that lookup stops there, so every header opening it declares the name
// (as model_file.hpp does), whichever is included first.
namespace tessera::io::detail {
using tessera::detail::concat;
}  // namespace tessera::io::detail

namespace tessera::io::detail::csv {

struct field {
    const char* begin = nullptr;
    std::uint32_t size = 0;
    bool quoted = false;
    bool escaped = false;  // quoted and holds doubled quotes: unescape before use
    std::string_view raw() const noexcept { return {begin, size}; }
};

enum class record_status : std::uint8_t {
    ok,
    unterminated_quote,
    text_after_quote,
    field_too_long,
};

struct record {
    std::vector<field> fields;
    const char* begin = nullptr;    // first byte of the record
    std::size_t newlines = 0;       // line breaks consumed (inside quotes and the terminator)
    record_status status = record_status::ok;
    std::size_t bad_field = 0;      // field index of the problem when status != ok
    bool blank() const noexcept {
        return fields.size() == 1 && fields[0].size == 0 && !fields[0].quoted;
    }
};

// The unescaped text of a field ("a""b" -> a"b); views the input when it can.
inline std::string_view text(const field& f, char quote, std::string& scratch) {
    if (!f.escaped) return f.raw();
    scratch.clear();
    const char* p = f.begin;
    const char* e = f.begin + f.size;
    while (p < e) {
        scratch.push_back(*p);
        if (*p == quote && p + 1 < e && p[1] == quote) ++p;
        ++p;
    }
    return scratch;
}

// The delimiter and quote, and a table marking the bytes that end an unquoted
// field (delimiter, CR, LF), so the hot loop does one lookup per byte.
struct dialect {
    char delim = ',';
    char quote = '"';
    bool stop[256] = {};
    dialect(char d, char q) : delim(d), quote(q) {
        stop[static_cast<unsigned char>(d)] = true;
        stop[static_cast<unsigned char>('\n')] = true;
        stop[static_cast<unsigned char>('\r')] = true;
    }
    bool ends_field(char c) const noexcept { return stop[static_cast<unsigned char>(c)]; }
};

// Parses the record starting at p (p < end) into `rec`; returns where the next
// record starts. Never reads at or past `end`.
inline const char* next_record(const char* p, const char* end, const dialect& d, record& rec) {
    rec.fields.clear();
    rec.begin = p;
    rec.newlines = 0;
    rec.status = record_status::ok;
    rec.bad_field = 0;
    const auto flag = [&](record_status s) {
        if (rec.status == record_status::ok) {
            rec.status = s;
            rec.bad_field = rec.fields.size();
        }
    };
    const auto push = [&](const char* b, const char* e, bool quoted, bool escaped) {
        std::size_t n = static_cast<std::size_t>(e - b);
        if (n > UINT32_MAX) [[unlikely]] {
            flag(record_status::field_too_long);
            n = UINT32_MAX;
        }
        rec.fields.push_back({b, static_cast<std::uint32_t>(n), quoted, escaped});
    };
    const char quote = d.quote;
    for (;;) {
        // At the start of a field.
        if (p < end && *p == quote) [[unlikely]] {
            const char* b = ++p;
            bool escaped = false, closed = false;
            while (p < end) {
                const void* q = std::memchr(p, quote, static_cast<std::size_t>(end - p));
                const char* qe = q ? static_cast<const char*>(q) : end;
                // Line breaks inside quotes count as lines (a CR not before an LF, too).
                for (const char* s = p; s < qe; ++s)
                    rec.newlines += (*s == '\n') + (*s == '\r' && (s + 1 == end || s[1] != '\n'));
                if (!q) {
                    p = end;
                    break;
                }
                p = qe + 1;
                if (p < end && *p == quote) {
                    escaped = true;
                    ++p;
                    continue;
                }
                closed = true;
                break;
            }
            if (!closed) {
                flag(record_status::unterminated_quote);
                push(b, end, true, false);
                return end;
            }
            const char* e = p - 1;  // the closing quote
            if (p < end && !d.ends_field(*p)) {
                // Text after the closing quote: keep scanning as an unquoted tail.
                flag(record_status::text_after_quote);
                while (p < end && !d.ends_field(*p)) ++p;
                push(b, p, true, escaped);
            } else {
                push(b, e, true, escaped);
            }
        } else {
            const char* b = p;
            while (p < end && !d.ends_field(*p)) ++p;
            push(b, p, false, false);
        }
        // After a field: delimiter, line break or end.
        if (p >= end) return end;
        if (*p == d.delim) {
            ++p;
            continue;
        }
        ++rec.newlines;
        if (*p == '\r' && p + 1 < end && p[1] == '\n') ++p;
        return p + 1;
    }
}

// ---- chunk boundaries for the parallel reader ----------------------------------
//
// Quote parity over a byte range: the number of quote characters, and the
// first line start after an LF seen at even / odd parity relative to the range
// start. A record boundary is an LF at even absolute parity, which a
// sequential prefix over the ranges' counts decides. Literal quotes inside
// unquoted fields can fool the parity; the reader verifies every boundary by
// parsing up to it and falls back to sequential parsing where one was wrong.
struct parity_scan {
    std::size_t quotes = 0;
    const char* after_lf[2] = {nullptr, nullptr};  // [parity at the LF]
};

// Quotes in [b, e), counted with memchr (fast when there are few).
inline std::size_t count_quotes(const char* b, const char* e, char quote) noexcept {
    std::size_t n = 0;
    while (b < e) {
        const void* q = std::memchr(b, quote, static_cast<std::size_t>(e - b));
        if (!q) break;
        ++n;
        b = static_cast<const char*>(q) + 1;
    }
    return n;
}

inline parity_scan scan_parity(const char* b, const char* e, char quote) {
    parity_scan r;
    std::size_t q = 0;
    const char* p = b;
    // Line by line until an LF at each parity is found (in a file without
    // quotes the odd one never is, and the whole range is walked by memchr).
    while (p < e && !(r.after_lf[0] && r.after_lf[1])) {
        const void* nl = std::memchr(p, '\n', static_cast<std::size_t>(e - p));
        const char* lf = nl ? static_cast<const char*>(nl) : e;
        q += count_quotes(p, lf, quote);
        if (!nl) {
            p = e;
            break;
        }
        if (!r.after_lf[q & 1]) r.after_lf[q & 1] = lf + 1;
        p = lf + 1;
    }
    r.quotes = q + count_quotes(p, e, quote);
    return r;
}

}  // namespace tessera::io::detail::csv
