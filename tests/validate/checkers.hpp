// Shared by the test_validate translation units: a strict JSON grammar checker
// (RFC 8259, written independently of io::json_writer) and an HTML tag-balance
// checker, used to hold the report writers to well-formed output.
#pragma once

#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace test_checkers {

class json_checker {
public:
    explicit json_checker(std::string_view s) : s_(s) {}
    // True when the whole text is exactly one valid JSON value.
    bool valid() {
        ws();
        if (!value()) return false;
        ws();
        return i_ == s_.size();
    }

private:
    bool value() {
        if (i_ >= s_.size()) return false;
        switch (s_[i_]) {
            case '{': return object();
            case '[': return array();
            case '"': return string();
            case 't': return word("true");
            case 'f': return word("false");
            case 'n': return word("null");
            default: return number();
        }
    }
    bool object() {
        ++i_;
        ws();
        if (peek('}')) return ++i_, true;
        for (;;) {
            ws();
            if (!string()) return false;
            ws();
            if (!peek(':')) return false;
            ++i_;
            ws();
            if (!value()) return false;
            ws();
            if (peek('}')) return ++i_, true;
            if (!peek(',')) return false;
            ++i_;
        }
    }
    bool array() {
        ++i_;
        ws();
        if (peek(']')) return ++i_, true;
        for (;;) {
            ws();
            if (!value()) return false;
            ws();
            if (peek(']')) return ++i_, true;
            if (!peek(',')) return false;
            ++i_;
        }
    }
    bool string() {
        if (!peek('"')) return false;
        ++i_;
        while (i_ < s_.size()) {
            const auto c = static_cast<unsigned char>(s_[i_]);
            if (c == '"') return ++i_, true;
            if (c < 0x20) return false;
            if (c == '\\') {
                ++i_;
                if (i_ >= s_.size()) return false;
                const char e = s_[i_];
                if (e == 'u') {
                    for (int k = 0; k < 4; ++k)
                        if (++i_ >= s_.size() || !std::isxdigit(static_cast<unsigned char>(s_[i_])))
                            return false;
                } else if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos) {
                    return false;
                }
            }
            ++i_;
        }
        return false;
    }
    bool number() {
        const std::size_t start = i_;
        if (peek('-')) ++i_;
        if (peek('0')) ++i_;
        else if (!digits()) return false;
        if (peek('.')) {
            ++i_;
            if (!digits()) return false;
        }
        if (peek('e') || peek('E')) {
            ++i_;
            if (peek('+') || peek('-')) ++i_;
            if (!digits()) return false;
        }
        return i_ > start;
    }
    bool digits() {
        const std::size_t start = i_;
        while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
        return i_ > start;
    }
    bool word(std::string_view w) {
        if (s_.substr(i_, w.size()) != w) return false;
        i_ += w.size();
        return true;
    }
    bool peek(char c) const { return i_ < s_.size() && s_[i_] == c; }
    void ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t'))
            ++i_;
    }

    std::string_view s_;
    std::size_t i_ = 0;
};
inline bool valid_json(std::string_view s) { return json_checker(s).valid(); }

// Every non-void element closed in order; attribute values quoted; no raw '<'
// inside text. Returns an empty string when fine, else what is wrong.
inline std::string html_problem(std::string_view s) {
    static const std::vector<std::string_view> void_elems = {"meta", "br", "hr", "img", "input",
                                                             "link", "rect", "line", "circle",
                                                             "path", "polyline"};
    std::vector<std::string> stack;
    std::size_t i = 0;
    while ((i = s.find('<', i)) != std::string_view::npos) {
        const std::size_t end = s.find('>', i);
        if (end == std::string_view::npos) return "unterminated tag";
        std::string_view tag = s.substr(i + 1, end - i - 1);
        i = end + 1;
        if (tag.starts_with("!")) continue;  // doctype
        const bool closing = tag.starts_with("/");
        if (closing) tag.remove_prefix(1);
        const bool self_closing = tag.ends_with("/");
        std::size_t n = 0;
        while (n < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[n])))) ++n;
        const std::string name(tag.substr(0, n));
        if (name.empty()) return "empty tag name near byte " + std::to_string(i);
        if (tag.find('<') != std::string_view::npos) return "'<' inside tag " + name;
        if (closing) {
            if (stack.empty() || stack.back() != name)
                return "</" + name + "> closes " + (stack.empty() ? "nothing" : "<" + stack.back() + ">");
            stack.pop_back();
            continue;
        }
        bool is_void = self_closing;
        for (auto v : void_elems) is_void = is_void || (v == name && self_closing);
        if (!self_closing && (name == "meta")) is_void = true;
        if (!is_void) stack.push_back(name);
        // Raw text after <style>: skip to its end tag.
        if (name == "style") {
            const std::size_t close = s.find("</style>", i);
            if (close == std::string_view::npos) return "unclosed style";
            i = close;
        }
    }
    if (!stack.empty()) return "unclosed <" + stack.back() + ">";
    return {};
}

}  // namespace test_checkers
