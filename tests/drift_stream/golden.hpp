// Readers of the goldens written by bench/compare/river_detectors.py
// (format in that script's docstring).
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace drift_stream_test {

inline std::string data_path(const std::string& file) { return std::string(TESSERA_TEST_DATA_DIR) + "/" + file; }

struct golden_case {
    std::string name, detector;
    std::map<std::string, std::string> params;
    std::vector<std::uint64_t> drifts;
    std::set<std::uint64_t> warnings;  // every index where warning_detected
    std::map<std::string, double> state;

    double num(const std::string& key, double fallback) const {
        const auto it = params.find(key);
        return it == params.end() ? fallback : std::stod(it->second);
    }
};

struct golden_stream {
    std::string kind, name;
    std::vector<double> values;  // 0/1 for binary streams
    std::vector<golden_case> cases;
};

inline std::pair<std::string, std::string> split_kv(const std::string& kv) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw std::runtime_error("golden: expected key=value, got " + kv);
    return {kv.substr(0, eq), kv.substr(eq + 1)};
}

inline golden_stream read_stream(const std::string& file) {
    std::ifstream in(data_path(file));
    if (!in) throw std::runtime_error("cannot open " + data_path(file));
    golden_stream g;
    std::string line, tok;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        ls >> tok;
        if (tok == "stream") {
            ls >> g.kind >> g.name >> n;
            g.values.reserve(n);
            for (std::size_t i = 0; i < n; ++i) {
                std::getline(in, line);
                g.values.push_back(std::stod(line));
            }
        } else if (tok == "case") {
            golden_case c;
            ls >> c.name >> c.detector;
            while (ls >> tok) c.params.insert(split_kv(tok));
            g.cases.push_back(std::move(c));
        } else if (tok == "drift") {
            std::size_t k;
            ls >> k;
            g.cases.back().drifts.resize(k);
            for (auto& i : g.cases.back().drifts) ls >> i;
        } else if (tok == "warning") {
            std::size_t k;
            ls >> k;
            for (std::size_t r = 0; r < k; ++r) {
                ls >> tok;
                const auto dash = tok.find('-');
                const auto a = std::stoull(tok.substr(0, dash)), b = std::stoull(tok.substr(dash + 1));
                for (auto i = a; i <= b; ++i) g.cases.back().warnings.insert(i);
            }
        } else if (tok == "state") {
            while (ls >> tok) {
                const auto [k, v] = split_kv(tok);
                g.cases.back().state[k] = std::stod(v);
            }
        } else if (tok != "end") {
            throw std::runtime_error("golden " + file + ": unexpected line: " + line);
        }
    }
    if (g.values.size() != n || g.cases.empty()) throw std::runtime_error("golden " + file + ": truncated");
    return g;
}

}  // namespace drift_stream_test
