// Shared by the test_features_encoding translation units: reading the golden
// files in data/ (whitespace-separated tokens, '~' = null / NaN), building
// frames from labels, comparing doubles.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/errors.hpp>
#include <tessera/core/frame.hpp>
#include <tessera/core/serialize.hpp>

namespace enc_test {

using namespace tessera;

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Token reader over one golden file.
class golden {
public:
    explicit golden(const std::string& file) {
        std::ifstream in(std::string(TESSERA_ENCODING_DATA_DIR) + "/" + file);
        if (!in) throw std::runtime_error("cannot open golden file " + file);
        std::string line;
        std::ostringstream body;
        while (std::getline(in, line))
            if (line.empty() || line[0] != '#') body << line << '\n';
        in_.str(body.str());
    }
    bool done() {
        in_ >> std::ws;
        return in_.eof();
    }
    std::string word() {
        std::string s;
        if (!(in_ >> s)) throw std::runtime_error("golden file ended early");
        return s;
    }
    void expect(std::string_view w) {
        const std::string s = word();
        if (s != w) throw std::runtime_error("golden file: expected '" + std::string(w) + "', got '" + s + "'");
    }
    long long integer() { return std::stoll(word()); }
    double number() {
        const std::string s = word();
        return s == "~" ? nan : std::stod(s);
    }
    std::vector<double> numbers(std::size_t n) {
        std::vector<double> v(n);
        for (auto& x : v) x = number();
        return v;
    }
    // "<count> tok tok ..." as labels with a validity mask.
    struct labels {
        std::vector<std::string> values;
        std::vector<bool> valid;
    };
    labels label_list() {
        labels l;
        const auto n = static_cast<std::size_t>(integer());
        for (std::size_t i = 0; i < n; ++i) {
            const std::string s = word();
            l.valid.push_back(s != "~");
            l.values.push_back(s == "~" ? std::string() : s);
        }
        return l;
    }

private:
    std::istringstream in_;
};

inline column categorical(const std::string& name, const golden::labels& l) {
    return column::categorical_from_labels(name, l.values, l.valid);
}

// Equal, or both NaN, or within rel * max(1, |b|).
inline bool close(double a, double b, double rel) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return std::abs(a - b) <= rel * std::max(1.0, std::abs(b));
}

// Column `name` of f as doubles (NaN for nulls).
inline std::vector<double> doubles(const frame& f, const std::string& name) {
    const auto m = f.select({name}).to_matrix<double>(exec::seq, {name});
    return std::vector<double>(m.begin(), m.end());
}

// Save to bytes and load back; the loader must consume exactly what was saved.
template <class F>
F round_trip(const F& f) {
    io::writer w;
    f.save(w);
    io::reader r(w.bytes());
    F g = F::load(r);
    r.expect_end();
    return g;
}

// The what() of the E that fn() throws, or "<no exception>".
template <class E, class Fn>
std::string message_of(Fn&& fn) {
    try {
        fn();
    } catch (const E& e) {
        return e.what();
    }
    return "<no exception>";
}
inline bool has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

}  // namespace enc_test
