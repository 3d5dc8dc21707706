// Reader for the golden files under tests/data/ written by the make_*_golden.py
// scripts: records of "case <header words...>", then "<key> <numbers...>" lines,
// then "end". Numbers are Python reprs (nan, inf, -inf included).
#pragma once

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace golden {

struct record {
    std::vector<std::string> header;  // the words after "case"
    std::map<std::string, std::vector<double>> fields;

    const std::vector<double>& at(const std::string& key) const {
        const auto it = fields.find(key);
        if (it == fields.end()) throw std::runtime_error("golden record lacks '" + key + "'");
        return it->second;
    }
    std::string name() const { return header.empty() ? "" : header[0]; }
};

inline std::vector<record> read(const std::string& file) {
    const std::string path = std::string(TESSERA_TEST_DATA_DIR) + "/" + file;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<record> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string key;
        ls >> key;
        if (key == "case") {
            out.emplace_back();
            for (std::string w; ls >> w;) out.back().header.push_back(w);
        } else if (key == "end") {
            continue;
        } else {
            if (out.empty()) throw std::runtime_error("golden line before any case: " + line);
            auto& v = out.back().fields[key];
            for (std::string w; ls >> w;) v.push_back(std::strtod(w.c_str(), nullptr));
        }
    }
    return out;
}

}  // namespace golden
