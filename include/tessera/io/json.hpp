// tessera/io/json.hpp — a small streaming JSON writer for reports.
//
// Writes RFC 8259 JSON: strings escaped (quote, backslash, every control
// character below U+0020; valid UTF-8 passes through unchanged, each byte of an
// invalid UTF-8 sequence becomes U+FFFD), doubles in the shortest form that
// reads back to the same bits (std::to_chars), NaN and ±infinity as `null`
// (JSON has no spelling for them; Python's json.dumps would write `NaN`, which
// strict parsers reject). Nesting is checked as it is written: a value in an
// object without a key, a key outside an object, or an unbalanced end throws
// `tessera::error` naming the mistake. Pretty printing indents by
// `indent` spaces (0 = compact, one line).
//
// Reading JSON is not offered: tessera's reports only write it. A dependency
// (nlohmann-json) was not taken for ~200 lines of writer: the report headers
// stay light to compile (docs/validate.md).
#pragma once

#include <charconv>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>

// Not io::detail: declaring that namespace before core/serialize.hpp breaks its
// unqualified detail::concat calls inside tessera::io.
namespace tessera::detail::json {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is invalid
// (overlong forms, surrogates and code points above U+10FFFF are invalid).
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = byte(i);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
    else return 0;
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned char d = byte(i + k);
        if ((d & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (d & 0x3F);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
    return len;
}

}  // namespace tessera::detail::json

namespace tessera::io {

// Appends `s` as a quoted JSON string to `out`.
inline void append_json_string(std::string& out, std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const std::size_t len = tessera::detail::json::utf8_sequence_length(s, i);
            if (len == 0) {
                out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
                ++i;
            } else {
                out.append(s.substr(i, len));
                i += len;
            }
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += hex[c >> 4];
                    out += hex[c & 0xF];
                } else {
                    out += static_cast<char>(c);
                }
        }
        ++i;
    }
    out += '"';
}
inline std::string json_string(std::string_view s) {
    std::string out;
    append_json_string(out, s);
    return out;
}

// Shortest round-trip form of `v`; "null" for NaN and infinities.
inline void append_json_number(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out += "null";
        return;
    }
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, r.ptr);
}
inline std::string json_number(double v) {
    std::string out;
    append_json_number(out, v);
    return out;
}

// Streaming writer into an owned string:
//
//   io::json_writer w({.indent = 2});
//   w.begin_object().key("rows").value(3).key("names").begin_array()
//    .value("a").value("b").end_array().end_object();
//   std::string text = w.str();   // throws unless every container is closed
class json_writer {
public:
    struct options {
        int indent = 0;  // spaces per nesting level; 0 writes one line
    };

    json_writer() = default;
    explicit json_writer(const options& o) : opt_(o) {
        if (o.indent < 0 || o.indent > 16)
            throw errors::out_of_range("io::json_writer", "indent", o.indent, "[0, 16]");
    }

    json_writer& begin_object() { return open('{', true); }
    json_writer& end_object() { return close('}', true); }
    json_writer& begin_array() { return open('[', false); }
    json_writer& end_array() { return close(']', false); }

    json_writer& key(std::string_view k) {
        if (stack_.empty() || !stack_.back().object)
            misuse("key(\"", k, "\") outside an object");
        if (stack_.back().has_key) misuse("key(\"", k, "\") directly after another key");
        separate();
        append_json_string(out_, k);
        out_ += opt_.indent ? ": " : ":";
        stack_.back().has_key = true;
        return *this;
    }

    json_writer& null() { return scalar("null"); }
    json_writer& value(std::nullptr_t) { return null(); }
    json_writer& value(bool b) { return scalar(b ? "true" : "false"); }
    json_writer& value(double d) {
        before_value();
        append_json_number(out_, d);
        return *this;
    }
    json_writer& value(float f) { return value(static_cast<double>(f)); }
    template <std::integral I>
        requires(!std::same_as<I, bool> && !std::same_as<I, char>)
    json_writer& value(I i) {
        before_value();
        out_ += std::to_string(i);
        return *this;
    }
    json_writer& value(std::string_view s) {
        before_value();
        append_json_string(out_, s);
        return *this;
    }
    json_writer& value(const char* s) { return value(std::string_view(s)); }
    json_writer& value(const std::string& s) { return value(std::string_view(s)); }

    // key(k).value(v) in one call.
    template <class V>
    json_writer& field(std::string_view k, const V& v) {
        key(k);
        return value(v);
    }
    // An array of every element of a range.
    template <class Range>
    json_writer& array(const Range& r) {
        begin_array();
        for (const auto& v : r) value(v);
        return end_array();
    }
    // Splices an already-written JSON value (e.g. another writer's str()).
    json_writer& raw_value(std::string_view json) {
        before_value();
        out_.append(json);
        return *this;
    }

    // True when exactly one complete top-level value has been written.
    bool complete() const noexcept { return stack_.empty() && !out_.empty(); }
    const std::string& str() const {
        if (!complete())
            misuse("str() before the document is complete (", stack_.size(),
                   " container(s) still open)");
        return out_;
    }

private:
    struct level {
        bool object;
        bool has_key = false;
        std::size_t count = 0;
    };

    template <class... A>
    [[noreturn]] static void misuse(A&&... parts) {
        throw error(tessera::detail::concat("io::json_writer: ", std::forward<A>(parts)...));
    }

    void newline() {
        if (!opt_.indent) return;
        out_ += '\n';
        out_.append(stack_.size() * static_cast<std::size_t>(opt_.indent), ' ');
    }
    // Comma and line break before the next element of the innermost container.
    void separate() {
        if (stack_.back().count++) out_ += ',';
        newline();
    }
    void before_value() {
        if (stack_.empty()) {
            if (!out_.empty()) misuse("a second top-level value");
            return;
        }
        level& l = stack_.back();
        if (l.object) {
            if (!l.has_key) misuse("a value inside an object without a key");
            l.has_key = false;
        } else {
            separate();
        }
    }
    json_writer& scalar(std::string_view text) {
        before_value();
        out_.append(text);
        return *this;
    }
    json_writer& open(char bracket, bool object) {
        before_value();
        out_ += bracket;
        stack_.push_back({object});
        return *this;
    }
    json_writer& close(char bracket, bool object) {
        if (stack_.empty() || stack_.back().object != object)
            misuse("'", bracket, "' does not match the open container");
        if (stack_.back().has_key) misuse("'", bracket, "' after a key with no value");
        const bool empty = stack_.back().count == 0;
        stack_.pop_back();
        if (!empty) newline();
        out_ += bracket;
        return *this;
    }

    options opt_{};
    std::string out_;
    std::vector<level> stack_;
};

}  // namespace tessera::io
