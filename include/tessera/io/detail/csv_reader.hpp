// tessera/io/detail/csv_reader.hpp — the CSV reader behind io::read_csv.
//
// One path for both policies: the data after the header is cut into chunks at
// record boundaries, each chunk is parsed into its own column buffers, and the
// buffers are joined in chunk order. exec::seq parses one chunk on the calling
// thread. exec::par cuts at `chunk_bytes` (a quote-parity scan proposes the
// boundaries; see csv_tokenizer.hpp), parses the chunks on the pool and then
// verifies, in order, that each chunk ended exactly where the next began; the
// first that did not (a literal quote fooled the parity) is re-parsed from the
// true boundary to the end on one thread. So par's result is seq's, bit for
// bit, for any thread count.
//
// Types: a column named in the schema has that type. Other columns are
// inferred from the first `infer_rows` records (int64 < float64 < bool <
// timestamp < categorical: the first every non-null value fits). After a full
// pass, an int64 column that met a float widens to float64, and a column with
// no value in the sample takes the type all its values fit; either triggers one
// more pass (the report lists each widening). Any other value that does not fit
// its column's type makes the record bad.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/exec/thread_pool.hpp>
#include <tessera/io/csv_options.hpp>
#include <tessera/io/detail/csv_buffer.hpp>
#include <tessera/io/detail/csv_index.hpp>
#include <tessera/io/detail/csv_tokenizer.hpp>
#include <tessera/io/detail/csv_values.hpp>

// core/serialize.hpp says `detail::concat` inside tessera::io: once tessera::io::detail
// exists that lookup stops there, so every header opening it declares the name
// (as model_file.hpp does), whichever is included first.
namespace tessera::io::detail {
using tessera::detail::concat;
}  // namespace tessera::io::detail

namespace tessera::io::detail::csv {

using tessera::detail::concat;
inline constexpr std::size_t none = static_cast<std::size_t>(-1);

struct column_spec {
    std::string name;
    dtype type = dtype::float64;
    bool fixed = false;      // from the schema: never changes
    bool tentative = false;  // no value in the sample: typed from all values
    unsigned fits = fits_all;  // tentative: what every value met so far fits
};

// Unquoted (or, with quoted_nulls, any) field equal to a null token.
class null_matcher {
public:
    explicit null_matcher(const csv_options& o) : tokens_(o.null_tokens), quoted_(o.quoted_nulls) {
        for (const auto& t : tokens_) {
            sizes_ |= std::uint64_t{1} << std::min<std::size_t>(t.size(), 63);
            numeric_ = numeric_ || (!t.empty() && t.find_first_not_of("+-.0123456789") == std::string::npos);
        }
    }
    // Some token is made of signs, digits and dots only, so a field the decimal
    // parsers accept may be a null.
    bool numeric() const noexcept { return numeric_; }
    bool operator()(const field& f) const noexcept {
        if (f.quoted && !quoted_) return false;
        if (!(sizes_ >> std::min<std::uint32_t>(f.size, 63) & 1)) return false;
        for (const auto& t : tokens_)
            if (t == f.raw()) return true;
        return false;
    }

private:
    std::vector<std::string> tokens_;
    bool quoted_;
    bool numeric_ = false;
    std::uint64_t sizes_ = 0;
};

struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
        return std::hash<std::string_view>{}(s);
    }
};

// One chunk's values of one column. Values are written at `out`: either into
// the vector of the column's type here (sized to the parser's capacity, then
// trimmed), or, when `placed`, straight into the final column at the chunk's
// row offset (exec::par; see read()).
struct column_buffer {
    void* out = nullptr;
    bool placed = false;
    template <class T>
    T* values() const noexcept {
        return static_cast<T*>(out);
    }
    value_array<double> f64;  // uninitialised storage: every kept row is written
    value_array<float> f32;
    value_array<std::int64_t> i64;  // int64 and timestamp
    std::vector<std::uint8_t> u8;   // bool
    std::vector<std::int32_t> codes;
    std::vector<std::uint8_t> valid;  // empty until the first null, then 1 = valid
    std::deque<std::string> labels;   // categorical: first-appearance order (stable addresses)
    std::unordered_map<std::string_view, std::int32_t, string_hash, std::equal_to<>> index;
    unsigned fits = fits_all;  // tentative columns: what every non-null value fits
    std::size_t widen_line = none;  // int64 column met a float (chunk-local line)
    std::size_t seen_line = none;   // tentative: first non-null value (chunk-local line)
};

// f(v) with the vector that holds values of type t.
template <class F>
decltype(auto) with_values(column_buffer& c, dtype t, F&& f) {
    switch (t) {
        case dtype::float64: return f(c.f64);
        case dtype::float32: return f(c.f32);
        case dtype::int64:
        case dtype::timestamp: return f(c.i64);
        case dtype::boolean: return f(c.u8);
        case dtype::categorical: return f(c.codes);
    }
    return f(c.f64);
}

// Populates rows [at, at + n) of a final column's storage (value_array::prefault).
inline void prefault(column_buffer& c, dtype t, std::size_t at, std::size_t n) {
    if (t == dtype::float64) c.f64.prefault(at, at + n);
    else if (t == dtype::float32) c.f32.prefault(at, at + n);
    else if (t == dtype::int64 || t == dtype::timestamp) c.i64.prefault(at, at + n);
}

// Where a chunk's rows go in the final columns (exec::par): rows [offset,
// offset + count) of `columns`, whose vectors of every type but bool are sized.
struct placement {
    std::vector<column_buffer>* columns = nullptr;
    std::size_t offset = 0;
    std::size_t count = 0;
};

struct bad_record {
    std::size_t line = 0;  // chunk-local: newlines before the record within the chunk
    std::size_t row = 0;   // chunk-local record index
    std::size_t column = none;
    std::string reason;
};

struct chunk_result {
    std::size_t offset = none;  // rows written in the final columns from this row; none: in cols
    const char* start = nullptr;
    const char* stop = nullptr;  // where parsing ended
    std::vector<column_buffer> cols;
    std::size_t rows = 0;      // good rows
    std::size_t records = 0;   // data records, good and bad
    std::size_t newlines = 0;  // lines consumed
    std::size_t bad_count = 0;
    std::vector<bad_record> bad;  // collect: all; error: the first (parsing stopped there)
};

struct reader_context {
    const csv_options& opt;
    std::string_view source;
    std::vector<column_spec> specs;
    null_matcher is_null;
    std::size_t infer_rows_used = 0;
    double bytes_per_record = 64;
    bool sample_has_quotes = true;  // the inference sample holds a quote character
};

// Parses the records of [start, limit) (the last may run past limit) into a chunk_result.
//
// Each record is tried first on a fast path (no quote, exactly n fields,
// every value converts), which scans and converts in one pass; anything else
// is re-done by the general path (next_record + convert), which also words
// the error. Values are written at row `rows_` of each column; a bad record
// simply does not advance `rows_`, so its values are overwritten.
class chunk_parser {
public:
    explicit chunk_parser(const reader_context& cx)
        : cx_(cx), n_(cx.specs.size()), dialect_(cx.opt.delimiter, cx.opt.quote), scratch_(n_),
          pending_(n_), labels_pending_(n_) {
        for (std::size_t j = 0; j < n_; ++j) {
            if (cx.specs[j].type == dtype::categorical) categorical_.push_back(j);
            float64_.push_back(cx.specs[j].type == dtype::float64 && !cx.specs[j].tentative);
        }
        for (std::size_t j = 0; j < n_; ++j)
            quad_.push_back(have_decimal4 && !cx.is_null.numeric() && j + 4 <= n_ && float64_[j] &&
                            float64_[j + 1] && float64_[j + 2] && float64_[j + 3]);
    }

    template <class Release>
    chunk_result parse(const char* start, const char* limit, const char* end, Release&& release,
                       const placement* place = nullptr) {
        chunk_result r;
        r.start = start;
        end_ = end;
        r.cols.resize(n_);
        if (place) {
            r.offset = place->offset;
            cap_ = place->count;
            for (std::size_t j = 0; j < n_; ++j) {
                column_buffer& c = r.cols[j];
                const dtype t = cx_.specs[j].type;
                if (t == dtype::boolean) {
                    c.u8.resize(cap_);
                    c.out = c.u8.data();
                    continue;
                }
                c.placed = true;
                with_values((*place->columns)[j], t, [&](auto& v) {
                    c.out = v.data() + place->offset;
                });
            }
        } else {
            grow(r, static_cast<std::size_t>(static_cast<double>(limit - start) /
                                                 cx_.bytes_per_record * 1.1 + 16));
        }
        const csv_options& o = cx_.opt;
        const char* p = start;
        const char* released = start;
        constexpr std::ptrdiff_t release_every = 1 << 22;
        while (p < limit) {
            if (rows_ == cap_) grow(r, cap_ + cap_ / 4 + 16);
            if (p - released > release_every) {
                release(released, p);
                released = p;
            }
            const std::size_t line = r.newlines;
            const char* q = fast_indexed(r, p, line);
            if (!q) q = fast_record(r, p, end, line);
            if (q) {
                ++r.records;
                r.newlines += fast_newline_;
                p = q;
                commit(r);
                continue;
            }
            p = next_record(p, end, dialect_, rec_);
            r.newlines += rec_.newlines;
            if (o.skip_blank_lines && rec_.blank()) continue;
            const std::size_t row = r.records++;
            if (!check_record(r, line, row)) {
                if (o.on_bad_row == bad_row_policy::error) {
                    r.stop = rec_.begin;
                    finish(r);
                    return r;
                }
                continue;
            }
            commit(r);
        }
        r.stop = p;
        finish(r);
        return r;
    }

private:
    enum class outcome : std::uint8_t { ok, bad_value, bad_utf8 };

    // More room: the chunk's own vectors grow; placed columns (their room in
    // the final columns is full, which happens only when a record runs past the
    // chunk's end) move what they hold into own vectors.
    void grow(chunk_result& r, std::size_t cap) {
        cap_ = cap;
        r.offset = none;
        for (std::size_t j = 0; j < n_; ++j) {
            column_buffer& c = r.cols[j];
            with_values(c, cx_.specs[j].type, [&](auto& v) {
                using T = typename std::remove_reference_t<decltype(v)>::value_type;
                if (c.placed) {
                    v.assign(c.values<T>(), c.values<T>() + rows_);
                    c.placed = false;
                }
                v.resize(cap);
                c.out = v.data();
            });
            if (!c.valid.empty()) c.valid.resize(cap, 1);
        }
    }

    void finish(chunk_result& r) {
        r.rows = rows_;
        for (auto& c : r.cols) {
            c.f64.resize(std::min(c.f64.size(), rows_));
            c.f32.resize(std::min(c.f32.size(), rows_));
            c.i64.resize(std::min(c.i64.size(), rows_));
            c.u8.resize(std::min(c.u8.size(), rows_));
            c.codes.resize(std::min(c.codes.size(), rows_));
            c.valid.resize(std::min(c.valid.size(), rows_));
        }
    }

    // Converts field f into row rows_ of column j. Side effects beyond that
    // row are idempotent (so the general path may convert a field again).
    outcome convert(chunk_result& r, std::size_t j, const field& f, std::size_t line) {
        const column_spec& spec = cx_.specs[j];
        column_buffer& cb = r.cols[j];
        pending_[j] = false;
        const std::size_t at = rows_;
        if (cx_.is_null(f)) {
            if (cb.valid.empty()) {
                cb.valid.assign(cap_, 1);
                masks_ = true;
            }
            cb.valid[at] = 0;
            write_null(cb, spec.type, at);
            return outcome::ok;
        }
        if (!cb.valid.empty()) cb.valid[at] = 1;
        const std::string_view v = text(f, cx_.opt.quote, scratch_[j]);
        if (spec.tentative) [[unlikely]] {
            if (cb.seen_line == none) cb.seen_line = line;
            cb.fits &= classify(v);
        }
        bool ok = false;
        switch (spec.type) {
            case dtype::float64:
                ok = parse_float(v, cb.values<double>()[at], f.escaped ? nullptr : end_);
                break;
            case dtype::float32: ok = parse_float(v, cb.values<float>()[at]); break;
            case dtype::int64: ok = parse_int64(v, cb.values<std::int64_t>()[at]); break;
            case dtype::timestamp: ok = parse_time(v, cb.values<std::int64_t>()[at]); break;
            case dtype::boolean: {
                bool b = false;
                ok = parse_bool(v, b);
                cb.values<std::uint8_t>()[at] = b;
                break;
            }
            case dtype::categorical: {
                const auto it = cb.index.find(v);
                if (it != cb.index.end()) {
                    cb.values<std::int32_t>()[at] = it->second;
                    return outcome::ok;
                }
                if (invalid_utf8(v) != std::string_view::npos) return outcome::bad_utf8;
                pending_[j] = true;  // inserted at commit
                labels_pending_[j] = v;
                return outcome::ok;
            }
        }
        if (ok) return outcome::ok;
        double d = 0;
        if (spec.tentative || (!spec.fixed && spec.type == dtype::int64 && parse_float(v, d))) {
            // Typed again after this pass: store a null for now.
            if (!spec.tentative && cb.widen_line == none) cb.widen_line = line;
            if (cb.valid.empty()) {
                cb.valid.assign(cap_, 1);
                masks_ = true;
            }
            cb.valid[at] = 0;
            write_null(cb, spec.type, at);
            return outcome::ok;
        }
        return outcome::bad_value;
    }

    static void write_null(column_buffer& cb, dtype t, std::size_t at) {
        switch (t) {
            case dtype::float64: cb.values<double>()[at] = std::numeric_limits<double>::quiet_NaN(); break;
            case dtype::float32: cb.values<float>()[at] = std::numeric_limits<float>::quiet_NaN(); break;
            case dtype::int64: cb.values<std::int64_t>()[at] = 0; break;
            case dtype::timestamp: cb.values<std::int64_t>()[at] = std::numeric_limits<std::int64_t>::min(); break;
            case dtype::boolean: cb.values<std::uint8_t>()[at] = 0; break;
            case dtype::categorical: cb.values<std::int32_t>()[at] = -1; break;
        }
    }

    // An unquoted record of exactly n fields whose values all convert: parsed
    // and converted; returns where the next record starts. nullptr otherwise.
    const char* fast_record(chunk_result& r, const char* p, const char* end, std::size_t line) {
        if (p >= end || *p == '\n' || *p == '\r') return nullptr;
        for (std::size_t j = 0; j < n_; ++j) {
            const char* b = p;
            if (p < end && *p == dialect_.quote) return nullptr;
            double v;
            const char* q = float64_[j] ? scan_double(p, end, v) : nullptr;
            if (q && (q == end || dialect_.ends_field(*q)) &&
                !cx_.is_null(field{b, static_cast<std::uint32_t>(q - b), false, false})) {
                // A float64 value read while scanning (the common case of a numeric file).
                column_buffer& cb = r.cols[j];
                cb.values<double>()[rows_] = v;
                if (!cb.valid.empty()) cb.valid[rows_] = 1;
                p = q;
            } else {
                while (p < end && !dialect_.ends_field(*p)) ++p;
                if (static_cast<std::size_t>(p - b) > UINT32_MAX) return nullptr;
                const field f{b, static_cast<std::uint32_t>(p - b), false, false};
                if (convert(r, j, f, line) != outcome::ok) return nullptr;
            }
            const bool more = p < end && *p == dialect_.delim;
            if (more != (j + 1 < n_)) return nullptr;
            p += more;
        }
        fast_newline_ = p < end;
        if (p >= end) return end;
        if (*p == '\r' && p + 1 < end && p[1] == '\n') ++p;
        return p + 1;
    }

    // Indexes [p, p + window) (csv_index.hpp), up to the first quote or CR.
    void index_from(const char* p) {
        if (!seps_) {
            seps_.reset(new std::uint32_t[window + 72]);
            lfs_.reset(new std::uint32_t[window + 72]);
        }
        const char* limit = end_ - p > static_cast<std::ptrdiff_t>(window) ? p + window : end_;
        const index_result ir =
            index_range(isa_native{}, p, limit, dialect_.delim, dialect_.quote, seps_.get(), lfs_.get());
        wbase_ = p;
        wstop_ = ir.stop;
        wfull_ = !ir.special && limit != end_;
        ns_ = ir.seps;
        nl_ = ir.lfs;
        is_ = il_ = 0;
    }

    // fast_record with the field boundaries taken from the structural index:
    // a record of exactly n fields ended by an LF, with no quote or CR, whose
    // values all convert. Returns where the next record starts; nullptr
    // otherwise (fast_record, then the general path, take the record).
    const char* fast_indexed(chunk_result& r, const char* p, std::size_t line) {
        if (p >= end_ || *p == '\n') return nullptr;
        if (!seps_ || p < wbase_ || p >= wstop_) index_from(p);  // (no compare with null)
        auto off = static_cast<std::uint32_t>(p - wbase_);
        while (is_ < ns_ && seps_[is_] < off) ++is_;
        while (il_ < nl_ && lfs_[il_] < off) ++il_;
        if (is_ + n_ > ns_ || il_ >= nl_) {
            // The record may run past a full window: index again from its start.
            if (!wfull_ || wbase_ == p) return nullptr;
            index_from(p);
            if (n_ > ns_ || nl_ == 0) return nullptr;
        }
        const std::uint32_t* s = seps_.get() + is_;
        if (s[n_ - 1] != lfs_[il_]) return nullptr;  // not n fields
        const char* b = p;
        for (std::size_t j = 0; j < n_;) {
            if (quad_[j]) {
                // Four float64 fields at once; a field that is not a short
                // decimal goes the one-field way below.
                const char* fb[4];
                const char* fe[4];
                for (int k = 0; k < 4; ++k) {
                    fb[k] = k == 0 ? b : fe[k - 1] + 1;
                    fe[k] = wbase_ + s[j + static_cast<std::size_t>(k)];
                }
                double v[4];
                const unsigned ok = simd_decimal4(fb, fe, end_, v);
                for (std::size_t k = 0; k < 4; ++k) {
                    if (ok >> k & 1) store(r, j + k, v[k]);
                    else if (!indexed_field(r, j + k, fb[k], fe[k], line)) return nullptr;
                }
                b = fe[3] + 1;
                j += 4;
                continue;
            }
            const char* e = wbase_ + s[j];
            if (!indexed_field(r, j, b, e, line)) return nullptr;
            b = e + 1;
            ++j;
        }
        is_ += n_;
        ++il_;
        fast_newline_ = true;
        return b;
    }

    void store(chunk_result& r, std::size_t j, double v) {
        column_buffer& cb = r.cols[j];
        cb.values<double>()[rows_] = v;
        if (masks_ && !cb.valid.empty()) cb.valid[rows_] = 1;
    }
    // Field j of an indexed record, [b, e): the SSE decimal parser, else convert().
    bool indexed_field(chunk_result& r, std::size_t j, const char* b, const char* e, std::size_t line) {
        const field f{b, static_cast<std::uint32_t>(e - b), false, false};
        double v;
        if (float64_[j] && simd_decimal(b, e, end_, v) && !cx_.is_null(f)) {
            store(r, j, v);
            return true;
        }
        return convert(r, j, f, line) == outcome::ok;
    }

    void bad(chunk_result& r, std::size_t line, std::size_t row, std::size_t col,
             std::string reason) {
        ++r.bad_count;
        if (cx_.opt.on_bad_row != bad_row_policy::skip)
            r.bad.push_back({line, row, col, std::move(reason)});
    }

    // Converts every field of rec_; false (and the record reported) if bad.
    bool check_record(chunk_result& r, std::size_t line, std::size_t row) {
        const bool words = cx_.opt.on_bad_row != bad_row_policy::skip;
        const std::size_t col = std::min(rec_.bad_field, n_ - 1);
        switch (rec_.status) {
            case record_status::ok: break;
            case record_status::unterminated_quote:
                bad(r, line, row, col,
                    words ? "unterminated quote: the quoted field opened here runs to the end of "
                            "the input"
                          : std::string());
                return false;
            case record_status::text_after_quote:
                bad(r, line, row, col,
                    words ? concat("text after the closing quote in '", cx_.opt.quote,
                                   shown(rec_.fields[rec_.bad_field].raw()), "'")
                          : std::string());
                return false;
            case record_status::field_too_long:
                bad(r, line, row, col, words ? "field longer than 4 GiB" : std::string());
                return false;
        }
        if (rec_.fields.size() != n_) {
            bad(r, line, row, none,
                words ? concat("expected ", n_, " fields, found ", rec_.fields.size())
                      : std::string());
            return false;
        }
        for (std::size_t j = 0; j < n_; ++j) {
            const outcome k = convert(r, j, rec_.fields[j], line);
            if (k == outcome::ok) continue;
            if (!words) {
                bad(r, line, row, j, {});
                return false;
            }
            const column_spec& spec = cx_.specs[j];
            const std::string_view v = text(rec_.fields[j], cx_.opt.quote, scratch_[j]);
            if (k == outcome::bad_utf8) {
                bad(r, line, row, j,
                    concat("invalid UTF-8 at byte ", invalid_utf8(v), " of '", shown(v), "'"));
            } else {
                bad(r, line, row, j,
                    concat("cannot parse '", shown(v), "' as ", dtype_name(spec.type),
                           spec.fixed ? std::string(" (type from csv_options::schema)")
                                      : concat(" (type inferred from the first ",
                                               cx_.infer_rows_used,
                                               " records; name the column in csv_options::schema "
                                               "to choose its type)")));
            }
            return false;
        }
        return true;
    }

    void commit(chunk_result& r) {
        for (const std::size_t j : categorical_) {
            if (!pending_[j]) continue;
            column_buffer& cb = r.cols[j];
            const auto code = static_cast<std::int32_t>(cb.labels.size());
            cb.labels.emplace_back(labels_pending_[j]);
            cb.index.emplace(cb.labels.back(), code);
            cb.values<std::int32_t>()[rows_] = code;
        }
        ++rows_;
    }

    const reader_context& cx_;
    std::size_t n_;
    dialect dialect_;
    record rec_;
    std::vector<std::string> scratch_;
    std::vector<char> pending_;
    std::vector<std::string_view> labels_pending_;
    std::vector<std::size_t> categorical_;
    std::vector<char> float64_;  // column j is float64 and not tentative: scan_double first
    std::vector<char> quad_;     // fields j..j+3 are float64_ and no null token looks numeric
    std::size_t rows_ = 0, cap_ = 0;
    const char* end_ = nullptr;  // the input's end: values may be read in 8-byte words up to it
    bool fast_newline_ = false;  // the last fast record ended with a line break
    bool masks_ = false;         // some column of this chunk has a validity mask
    // The structural index of [wbase_, wstop_): separator and LF offsets from wbase_.
    static constexpr std::size_t window = std::size_t{1} << 14;
    std::unique_ptr<std::uint32_t[]> seps_, lfs_;
    const char* wbase_ = nullptr;
    const char* wstop_ = nullptr;
    bool wfull_ = false;  // stopped at the window's size (not at a quote, CR or the end)
    std::size_t ns_ = 0, nl_ = 0, is_ = 0, il_ = 0;
};

// ---- the read --------------------------------------------------------------------

// "tessera::io::read_csv: <source>, line L, column 'c' (field k): "
inline std::string where(std::string_view source, std::size_t line,
                         const std::vector<column_spec>& specs, std::size_t col) {
    return concat("tessera::io::read_csv: ", source, ", line ", line,
                  col == none || col >= specs.size()
                      ? std::string()
                      : concat(", column '", shown(specs[col].name), "' (field ", col + 1, ")"),
                  ": ");
}

inline void check_options(const csv_options& o, const csv_report* report) {
    const auto bad_char = [](char c) { return c == '\n' || c == '\r'; };
    constexpr std::string_view owner = "tessera::io::read_csv";
    if (bad_char(o.delimiter) || o.delimiter == o.quote)
        throw config_error(concat(owner, ": parameter 'delimiter' = '", shown({&o.delimiter, 1}),
                                  "' is out of range; valid: any character except CR, LF and "
                                  "the quote character"),
                           "delimiter");
    if (bad_char(o.quote))
        throw config_error(concat(owner, ": parameter 'quote' = '", shown({&o.quote, 1}),
                                  "' is out of range; valid: any character except CR, LF and "
                                  "the delimiter"),
                           "quote");
    if (o.chunk_bytes == 0)
        throw errors::out_of_range(owner, "chunk_bytes", o.chunk_bytes, ">= 1");
    if (o.on_bad_row == bad_row_policy::collect && report == nullptr)
        throw config_error(concat(owner, ": parameter 'on_bad_row' = collect needs a "
                                         "csv_report* argument to collect into"),
                           "on_bad_row");
}

// Types the columns that are not in the schema from the first records.
inline void infer_types(reader_context& cx, const char* p, const char* end) {
    const csv_options& o = cx.opt;
    const std::size_t n = cx.specs.size();
    std::vector<unsigned> mask(n, fits_all);
    std::vector<char> seen(n, 0);
    std::string scratch;
    record rec;
    const dialect dl(o.delimiter, o.quote);
    std::size_t used = 0;
    const char* q = p;
    while (q < end && (o.infer_rows == 0 || used < o.infer_rows)) {
        q = next_record(q, end, dl, rec);
        if (o.skip_blank_lines && rec.blank()) continue;
        ++used;
        if (rec.status != record_status::ok || rec.fields.size() != n) continue;
        for (std::size_t j = 0; j < n; ++j) {
            if (cx.specs[j].fixed || cx.is_null(rec.fields[j])) continue;
            mask[j] &= classify(text(rec.fields[j], o.quote, scratch));
            seen[j] = 1;
        }
    }
    cx.infer_rows_used = used;
    if (used > 0) cx.bytes_per_record = std::max(1.0, static_cast<double>(q - p) / static_cast<double>(used));
    cx.sample_has_quotes = std::memchr(p, o.quote, static_cast<std::size_t>(q - p)) != nullptr;
    for (std::size_t j = 0; j < n; ++j) {
        column_spec& s = cx.specs[j];
        if (s.fixed) continue;
        s.tentative = !seen[j];
        s.type = seen[j] ? type_of(mask[j]) : dtype::float64;
    }
}

// Column j of every chunk as one vector. Placed chunks already sit in the
// final vector `placed` (taken over), at their offsets: each is moved down to
// where its rows belong (only bad or blank records leave gaps), and the other
// chunks' rows are copied in. Chunk buffers are freed as they are used.
template <class V>
V gather(std::vector<chunk_result>& chunks, std::size_t j, V column_buffer::*member, V* placed,
         std::size_t rows) {
    using T = typename V::value_type;
    bool any_placed = false;
    for (const auto& c : chunks) any_placed = any_placed || c.offset != none;
    if (chunks.size() == 1 && !any_placed) return std::move(chunks[0].cols[j].*member);
    V out;
    if (any_placed) {
        out = std::move(*placed);
        if (out.size() < rows) out.resize(rows);  // offsets stay valid
    } else {
        out.resize(rows);
    }
    std::size_t at = 0;
    for (auto& c : chunks) {
        V& own = c.cols[j].*member;
        const T* from = c.offset != none ? out.data() + c.offset : own.data();
        if (c.rows > 0 && from != out.data() + at)
            std::memmove(out.data() + at, from, c.rows * sizeof(T));
        at += c.rows;
        own = V();
    }
    out.resize(rows);
    return out;
}

// Joins column j of every chunk into one column (chunk buffers are freed).
// `fin`: the final column the placed chunks were written into.
inline column join_column(const column_spec& spec, std::vector<chunk_result>& chunks,
                          std::size_t j, std::size_t rows, column_buffer& fin) {
    std::vector<bool> valid;
    bool nulls = false;
    for (const auto& c : chunks) nulls = nulls || !c.cols[j].valid.empty();
    if (nulls) {
        valid.reserve(rows);
        for (auto& c : chunks) {
            auto& v = c.cols[j].valid;
            if (v.empty()) valid.insert(valid.end(), c.rows, true);
            for (const std::uint8_t b : v) valid.push_back(b != 0);
            std::vector<std::uint8_t>().swap(v);
        }
    }
    const auto take = [&](auto member) { return gather(chunks, j, member, &(fin.*member), rows); };
    // The gathered storage becomes the column's (no copy, never zero-filled).
    const auto adopt = [&](auto member) {
        return column::from_buffer(spec.name, spec.type, take(member).share(), rows, valid);
    };
    switch (spec.type) {
        case dtype::float64: return adopt(&column_buffer::f64);
        case dtype::float32: return adopt(&column_buffer::f32);
        case dtype::int64:
        case dtype::timestamp: return adopt(&column_buffer::i64);
        case dtype::boolean: {
            std::vector<bool> v;
            v.reserve(rows);
            for (auto& c : chunks) {
                for (std::size_t k = 0; k < c.rows; ++k) v.push_back(c.cols[j].u8[k] != 0);
                std::vector<std::uint8_t>().swap(c.cols[j].u8);
            }
            return column::boolean(spec.name, v, valid);
        }
        case dtype::categorical: {
            // The dictionary is the distinct labels sorted (column::categorical_from_labels'
            // order), so it does not depend on how the input was cut into chunks.
            std::vector<std::string_view> all;
            for (const auto& c : chunks)
                for (const auto& s : c.cols[j].labels) all.push_back(s);
            std::sort(all.begin(), all.end());
            all.erase(std::unique(all.begin(), all.end()), all.end());
            for (auto& c : chunks) {
                auto& cb = c.cols[j];
                std::vector<std::int32_t> remap(cb.labels.size());
                for (std::size_t k = 0; k < cb.labels.size(); ++k)
                    remap[k] = static_cast<std::int32_t>(
                        std::lower_bound(all.begin(), all.end(), std::string_view(cb.labels[k])) -
                        all.begin());
                std::int32_t* codes = cb.values<std::int32_t>();
                for (std::size_t k = 0; k < c.rows; ++k)
                    codes[k] = codes[k] < 0 ? -1 : remap[static_cast<std::size_t>(codes[k])];
            }
            std::vector<std::int32_t> codes = take(&column_buffer::codes);
            std::vector<std::string> dict(all.begin(), all.end());
            for (auto& c : chunks) {
                c.cols[j] = column_buffer{};
            }
            return column::categorical(spec.name, std::move(codes), std::move(dict));
        }
    }
    return column::float64(spec.name, {});
}

// Reads CSV text. `threads` = 0 with `parallel`: all cores. `release(b, e)` is
// told when the bytes [b, e) will not be needed soon (the file reader gives the
// pages back to the OS).
template <class Release>
frame read(std::string_view text_in, const csv_options& o, std::string_view source, bool parallel,
           unsigned threads, csv_report* report, Release&& release) {
    check_options(o, report);
    if (report) *report = csv_report{};
    const char* p = text_in.data();
    const char* const end = p + text_in.size();
    if (text_in.size() >= 3 && text_in.substr(0, 3) == "\xEF\xBB\xBF") p += 3;
    std::size_t line = 1;
    record rec;
    const dialect dl(o.delimiter, o.quote);
    // Blank lines before the header (or the first record) are skipped.
    while (p < end) {
        const char* q = next_record(p, end, dl, rec);
        if (!rec.blank()) break;
        line += rec.newlines;
        p = q;
    }
    if (p >= end)
        throw data_error(concat("tessera::io::read_csv: ", source, ": the input is empty (",
                                o.header ? "no header row" : "no records", ")"),
                         {}, data_error::npos, line);

    std::vector<std::string> names;
    if (o.header) {
        const char* q = next_record(p, end, dl, rec);
        if (rec.status != record_status::ok)
            throw data_error(concat("tessera::io::read_csv: ", source, ", line ", line,
                                    " (header), field ", rec.bad_field + 1, ": ",
                                    rec.status == record_status::unterminated_quote
                                        ? std::string("unterminated quote: the quoted field opened here runs to the end of the input")
                                        : concat("text after the closing quote in '",
                                                 shown(rec.fields[rec.bad_field].raw()), "'")),
                             {}, data_error::npos, line);
        std::string scratch;
        for (const auto& f : rec.fields) {
            const std::string_view name = text(f, o.quote, scratch);
            if (const std::size_t at = invalid_utf8(name); at != std::string_view::npos)
                throw data_error(concat("tessera::io::read_csv: ", source, ", line ", line,
                                        " (header), field ", names.size() + 1,
                                        ": invalid UTF-8 at byte ", at, " of the column name '",
                                        shown(name), "'"),
                                 {}, data_error::npos, line);
            names.emplace_back(name);
        }
        line += rec.newlines;
        p = q;
        if (!o.column_names.empty()) {
            if (o.column_names.size() != names.size())
                throw config_error(concat("tessera::io::read_csv: ", source,
                                          ": parameter 'column_names' has ", o.column_names.size(),
                                          " names, but the header has ", names.size(), " fields"),
                                   "column_names");
            names = o.column_names;
        }
    } else if (!o.column_names.empty()) {
        names = o.column_names;
    } else {
        next_record(p, end, dl, rec);
        for (std::size_t j = 0; j < rec.fields.size(); ++j) names.push_back(concat("column_", j));
    }
    for (std::size_t j = 0; j < names.size(); ++j)
        for (std::size_t k = 0; k < j; ++k)
            if (names[j] == names[k])
                throw data_error(concat("tessera::io::read_csv: ", source,
                                        ": duplicate column name '", shown(names[j]),
                                        "' (fields ", k + 1, " and ", j + 1,
                                        "); rename it with csv_options::column_names"),
                                 names[j], data_error::npos, o.header ? std::size_t{1} : data_error::npos);

    reader_context cx{o, source, {}, null_matcher(o)};
    for (auto& nm : names) {
        column_spec s;
        s.name = nm;
        if (const auto it = o.schema.find(nm); it != o.schema.end()) {
            s.type = it->second;
            s.fixed = true;
        }
        cx.specs.push_back(std::move(s));
    }
    for (const auto& [nm, t] : o.schema)
        if (std::find(names.begin(), names.end(), nm) == names.end())
            throw config_error(concat("tessera::io::read_csv: ", source,
                                      ": csv_options::schema names the column '", shown(nm),
                                      "', which the input does not have"),
                               "schema");
    infer_types(cx, p, end);
    const std::size_t first_line = line;

    // Chunk boundaries (par), verified while parsing. When the inference sample
    // holds no quote character, the first LF after each cut is taken as is (no
    // extra pass: a quoted line break further on only costs parallelism from
    // that chunk on, never correctness); otherwise a quote-parity scan proposes them.
    std::vector<const char*> bounds{p};
    if (parallel && static_cast<std::size_t>(end - p) > o.chunk_bytes) {
        const std::size_t size = static_cast<std::size_t>(end - p);
        const std::size_t nr = (size + o.chunk_bytes - 1) / o.chunk_bytes;
        if (!cx.sample_has_quotes) {
            for (std::size_t i = 1; i < nr; ++i) {
                const char* b = std::max(p + i * o.chunk_bytes, bounds.back());
                const void* nl = std::memchr(b, '\n', static_cast<std::size_t>(end - b));
                if (nl && static_cast<const char*>(nl) + 1 < end) bounds.push_back(static_cast<const char*>(nl) + 1);
            }
        } else {
            std::vector<parity_scan> scans(nr);
            exec::thread_pool::instance().run(threads, nr, [&](std::size_t i) {
                const char* b = p + i * o.chunk_bytes;
                const char* e = i + 1 == nr ? end : b + o.chunk_bytes;
                scans[i] = scan_parity(b, e, o.quote);
                release(b, e);
            });
            std::size_t quotes = scans[0].quotes;
            for (std::size_t i = 1; i < nr; ++i) {
                const char* c = scans[i].after_lf[quotes & 1];
                if (c && c < end && c > bounds.back()) bounds.push_back(c);
                quotes += scans[i].quotes;
            }
        }
    }
    const std::size_t nc = bounds.size();
    bounds.push_back(end);

    for (;;) {
        std::vector<chunk_result> chunks(nc);
        std::vector<column_buffer> fin(cx.specs.size());
        if (nc == 1) {
            chunks[0] = chunk_parser(cx).parse(p, end, end, release);
        } else {
            // Chunks are parsed straight into the final columns: chunk i's rows
            // start at the sum of the record bounds (count_records) of the
            // chunks before it. Tasks are claimed in index order, so chunk i
            // waits (briefly: counting is fast) only for counts already being
            // made. Room for the rows is sized from the inference sample; a
            // chunk beyond it keeps its own buffers, and gather() closes the
            // gaps bad and blank records leave.
            const auto cap = static_cast<std::size_t>(static_cast<double>(end - p) /
                                                      cx.bytes_per_record * 1.02) + 64;
            exec::thread_pool::instance().run(threads, cx.specs.size(), [&](std::size_t j) {
                if (cx.specs[j].type != dtype::boolean)
                    with_values(fin[j], cx.specs[j].type, [&](auto& v) { v.resize(cap); });
            });
            std::vector<std::atomic<std::size_t>> ends(nc);
            for (auto& e : ends) e.store(none, std::memory_order_relaxed);
            std::atomic<bool> failed{false};
            exec::thread_pool::instance().run(threads, nc, [&](std::size_t i) {
                const std::size_t count = count_records(isa_native{}, bounds[i], bounds[i + 1]);
                std::size_t offset = 0;
                if (i > 0) {
                    while ((offset = ends[i - 1].load(std::memory_order_acquire)) == none) {
                        if (failed.load(std::memory_order_relaxed)) return;
                        std::this_thread::yield();
                    }
                }
                ends[i].store(offset + count, std::memory_order_release);
                const placement place{&fin, offset, count};
                if (offset + count <= cap)  // this chunk's rows, one call per column
                    for (std::size_t j = 0; j < fin.size(); ++j) prefault(fin[j], cx.specs[j].type, offset, count);
                try {
                    chunks[i] = chunk_parser(cx).parse(bounds[i], bounds[i + 1], end, release,
                                                       offset + count <= cap ? &place : nullptr);
                } catch (...) {
                    failed.store(true, std::memory_order_relaxed);
                    throw;
                }
                release(bounds[i], bounds[i + 1]);
            });
        }
        // Verify the boundaries in order; re-parse from the first wrong one.
        const char* pos = p;
        for (std::size_t i = 0; i < chunks.size(); ++i) {
            if (chunks[i].start != pos) {
                chunks.resize(i);
                chunks.push_back(chunk_parser(cx).parse(pos, end, end, release));
                break;
            }
            if (o.on_bad_row == bad_row_policy::error && !chunks[i].bad.empty()) {
                chunks.resize(i + 1);
                break;
            }
            pos = chunks[i].stop;
        }

        // Errors are final (no widening changes them): the first one is thrown.
        std::size_t line_base = first_line, row_base = 0;
        bool again = false;
        std::vector<std::size_t> widen_at(cx.specs.size(), none);
        std::vector<unsigned> fits(cx.specs.size(), fits_all);
        for (auto& c : chunks) {
            if (o.on_bad_row == bad_row_policy::error && !c.bad.empty()) {
                const bad_record& b = c.bad.front();
                throw data_error(where(source, line_base + b.line, cx.specs, b.column) + b.reason,
                                 b.column == none ? std::string() : cx.specs[b.column].name,
                                 row_base + b.row, line_base + b.line);
            }
            for (std::size_t j = 0; j < cx.specs.size(); ++j) {
                const column_buffer& cb = c.cols[j];
                const std::size_t at = cx.specs[j].tentative ? cb.seen_line : cb.widen_line;
                if (at != none && widen_at[j] == none) widen_at[j] = line_base + at;
                fits[j] &= cb.fits;
            }
            line_base += c.newlines;
            row_base += c.records;
        }
        std::vector<csv_widening> widened;
        for (std::size_t j = 0; j < cx.specs.size(); ++j) {
            column_spec& s = cx.specs[j];
            if (widen_at[j] == none) continue;
            dtype to = s.type;
            if (s.tentative) {
                s.fits &= fits[j];
                to = type_of(s.fits);
            } else if (s.type == dtype::int64) {
                to = dtype::float64;
            }
            if (to != s.type) {
                if (report) report->widened.push_back({s.name, s.type, to, widen_at[j]});
                s.type = to;
                again = true;
            }
        }
        if (again) continue;

        std::size_t rows = 0;
        if (report) {
            report->rows_read = 0;
            report->bad_row_count = 0;
            report->bad_rows.clear();
        }
        line_base = first_line;
        row_base = 0;
        for (auto& c : chunks) {
            rows += c.rows;
            if (report) {
                report->rows_read += c.records;
                report->bad_row_count += c.bad_count;
                for (auto& b : c.bad)
                    report->bad_rows.push_back(
                        {line_base + b.line, row_base + b.row,
                         b.column == none ? std::string() : cx.specs[b.column].name,
                         std::move(b.reason)});
            }
            line_base += c.newlines;
            row_base += c.records;
        }
        if (report) report->rows_kept = rows;
        std::vector<std::optional<column>> cols(cx.specs.size());
        const auto join = [&](std::size_t j) {
            cols[j] = join_column(cx.specs[j], chunks, j, rows, fin[j]);
#if defined(__GLIBC__)
            // The chunks' buffers of column j are freed; small ones stay in
            // malloc's free lists (and in RSS) unless trimmed. This keeps the
            // peak near the parsed size instead of twice it.
            if (chunks.size() > 1) ::malloc_trim(0);
#endif
        };
        if (chunks.size() == 1) {
            for (std::size_t j = 0; j < cols.size(); ++j) join(j);
        } else {
            exec::thread_pool::instance().run(threads, cols.size(), join);
        }
        frame out;
        for (auto& c : cols) out.add_column(std::move(*c));
        return out;
    }
}

}  // namespace tessera::io::detail::csv
