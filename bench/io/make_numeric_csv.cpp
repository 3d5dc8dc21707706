// make_numeric_csv: writes the GBDT benchmark's numeric CSV, Higgs-shaped:
// a header, then `rows` records of a 0/1 label and 28 float features, drawn
// deterministically from tessera's Philox (seed 2026, stream 5) and printed
// with %.7g (float precision). Usage: make_numeric_csv <rows> <path>
//
// Features 0-20 mimic Higgs' kinematic columns (|normal| + 0.1 scaled, so
// positive and skewed, some in angle-like ranges), 21-27 the high-level ones
// (around 1). The label is 1 with probability 0.53 (Higgs' signal share).
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <tessera/core/random.hpp>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <rows> <path>\n", argv[0]);
        return 2;
    }
    char* endp = nullptr;
    const unsigned long long rows = std::strtoull(argv[1], &endp, 10);
    if (*argv[1] == '\0' || *endp != '\0') {
        std::fprintf(stderr, "%s: rows must be a non-negative integer, got '%s'\n", argv[0], argv[1]);
        return 2;
    }
    std::FILE* out = std::fopen(argv[2], "wb");
    if (!out) {
        std::fprintf(stderr, "%s: cannot open '%s': %s\n", argv[0], argv[2], std::strerror(errno));
        return 1;
    }
    constexpr int features = 28;
    std::string line = "label";
    for (int j = 0; j < features; ++j) line += ",f" + std::to_string(j);
    line += '\n';
    std::fputs(line.c_str(), out);
    tessera::philox_engine rng(2026, 5);
    char buf[32];
    for (unsigned long long r = 0; r < rows; ++r) {
        line.clear();
        line += rng.uniform() < 0.53 ? '1' : '0';
        for (int j = 0; j < features; ++j) {
            const double z = rng.normal();
            double v;
            if (j < 21 && j % 3 == 1) v = 1.7 * z;                  // eta-like: signed, symmetric
            else if (j < 21 && j % 3 == 2) v = 3.14159 * (rng.uniform() * 2 - 1);  // phi-like
            else if (j < 21) v = 0.1 + std::fabs(z);                   // pT-like: positive, skewed
            else v = 1.0 + 0.25 * z;                                   // high-level: around 1
            line += ',';
            const int n = std::snprintf(buf, sizeof buf, "%.7g", v);
            line.append(buf, static_cast<std::size_t>(n));
        }
        line += '\n';
        if (std::fputs(line.c_str(), out) < 0) {
            std::fprintf(stderr, "%s: cannot write '%s': %s\n", argv[0], argv[2], std::strerror(errno));
            return 1;
        }
    }
    if (std::fclose(out) != 0) {
        std::fprintf(stderr, "%s: cannot close '%s': %s\n", argv[0], argv[2], std::strerror(errno));
        return 1;
    }
    return 0;
}
