// make_higgs_like: the GBDT benchmark data — a deterministic synthetic task
// shaped like the UCI Higgs data (Baldi, Sadowski & Whiteson 2014), drawn from
// tessera's Philox so every run and every machine sees the same file.
//
//   make_higgs_like --rows 1000000 --stream 1 --csv train.csv [--bin train.f32]
//   make_higgs_like --rows 200000  --stream 2 --csv test.csv            (test draw)
//   options: --features 28|280   --task binary|regression   --seed S (default 2026)
//            --stream K (default 1)   --missing P (default 0)
//
// Columns (label first; header label,f0,...):
//   f0-f20  21 "kinematic" columns, all >= 0 and skewed: lepton pT, |eta|, phi;
//           missing-energy magnitude and phi; four jets x (pT, |eta|, phi,
//           b-tag in {0, 1.0865, 2.173}). Momenta share an event scale, so
//           they are correlated.
//   f21-f27 7 "high-level" columns around 1: invariant-mass-like functions of
//           pairs/triples of objects (sqrt(2 pTa pTb (cosh d_eta - cos d_phi)))
//           with multiplicative noise, log-compressed towards 1.
//   f28-    (--features 280) 252 mixtures a*x_p + b*x_q + noise of the first 28,
//           p, q, a, b fixed by the column index (not by seed/stream), so train
//           and test files share the function.
//   label   binary: Bernoulli(sigmoid(s(x))) where s mixes a narrow mass peak,
//           thresholds, an interaction of b-tags, a product of jet momenta, an
//           angular term and smooth terms; the Bernoulli draw is the label noise
//           (LightGBM, 200 rounds x 63 leaves, trained on 200,000 rows: test
//           AUC 0.831; the Bayes rule sigmoid(s(x)): 0.839; 54% positives).
//           regression: a similar function plus N(0, 0.5^2) noise (LightGBM
//           as above: test RMSE 0.52, R^2 0.88; the noise alone gives 0.5).
//   --missing P: each jet is absent with probability P * (jet index + 1) / 4,
//           its four columns empty (CSV) / NaN (binary). Default 0: NaN-free.
//
// Row r uses the Philox counters [r * 512, r * 512 + 512) of (seed, stream), so
// the value of a cell does not depend on --rows or --features: the first 28
// columns of a 280-feature file equal the 28-feature file, and the first N rows
// of any file equal a file of N rows. Train and test differ by the stream.
//
// Output: CSV with floats printed shortest-round-trip (std::to_chars), so a
// reader that parses to float32 gets the exact values; --bin writes the same
// table as raw float32: 8 bytes "TSRF32V1", uint64 rows, uint64 columns
// (label included), then rows x columns little-endian float32, row-major,
// label first (numpy: np.fromfile(p, '<f4', offset=24).reshape(rows, cols)).
#include <array>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/core/random.hpp>

namespace {

constexpr int base_features = 28;
constexpr std::uint64_t draws_per_row = 512;
constexpr double pi = std::numbers::pi;

struct options {
    std::uint64_t rows = 0;
    int features = base_features;
    bool regression = false;
    std::uint64_t seed = 2026;
    std::uint64_t stream = 1;
    double missing = 0.0;
    std::string csv, bin;
};

[[noreturn]] void usage(const char* argv0, const std::string& why) {
    std::fprintf(stderr,
                 "%s: %s\nusage: %s --rows N [--features 28|280] [--task binary|regression]\n"
                 "       [--seed S] [--stream K] [--missing P] [--csv PATH] [--bin PATH]\n",
                 argv0, why.c_str(), argv0);
    std::exit(2);
}

std::uint64_t parse_u64(const char* argv0, std::string_view name, const char* s) {
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(s, s + std::strlen(s), v);
    if (ec != std::errc{} || *p != '\0' || *s == '\0')
        usage(argv0, std::string(name) + " must be a non-negative integer, got '" + s + "'");
    return v;
}

options parse(int argc, char** argv) {
    options o;
    bool have_rows = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (i + 1 >= argc) usage(argv[0], "option " + std::string(a) + " needs a value");
        const char* v = argv[++i];
        if (a == "--rows") o.rows = parse_u64(argv[0], a, v), have_rows = true;
        else if (a == "--features") {
            o.features = static_cast<int>(parse_u64(argv[0], a, v));
            if (o.features != 28 && o.features != 280) usage(argv[0], "--features must be 28 or 280");
        } else if (a == "--task") {
            if (std::strcmp(v, "binary") == 0) o.regression = false;
            else if (std::strcmp(v, "regression") == 0) o.regression = true;
            else usage(argv[0], "--task must be binary or regression");
        } else if (a == "--seed") o.seed = parse_u64(argv[0], a, v);
        else if (a == "--stream") o.stream = parse_u64(argv[0], a, v);
        else if (a == "--missing") {
            char* end = nullptr;
            o.missing = std::strtod(v, &end);
            if (*end != '\0' || !(o.missing >= 0.0 && o.missing <= 1.0))
                usage(argv[0], "--missing must be a number in [0, 1]");
        } else if (a == "--csv") o.csv = v;
        else if (a == "--bin") o.bin = v;
        else usage(argv[0], "unknown option " + std::string(a));
    }
    if (!have_rows) usage(argv[0], "--rows is required");
    if (o.csv.empty() && o.bin.empty()) usage(argv[0], "give --csv and/or --bin");
    return o;
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// Invariant-mass-like combination of two objects (pT, |eta|, phi).
double pair_mass(double pa, double ea, double fa, double pb, double eb, double fb) {
    return std::sqrt(2.0 * pa * pb * (std::cosh(ea - eb) - std::cos(fa - fb)));
}

// A high-level column: log-compressed towards 1 around a reference mass, with
// multiplicative noise (the "reconstruction" error).
double high_level(double m, double ref, double noise) {
    return std::exp(0.45 * std::log((m + 1e-3) / ref) + 0.08 * noise);
}

// One row: the 28 base features (before missing values), label/target.
struct row_values {
    std::array<double, base_features> x;
    double score;  // binary: logit; regression: noise-free target
};

// Column indices, Higgs order.
enum col : int {
    lep_pt = 0, lep_eta, lep_phi, met, met_phi,
    j0_pt, j0_eta, j0_phi, j0_b, j1_pt, j1_eta, j1_phi, j1_b,
    j2_pt, j2_eta, j2_phi, j2_b, j3_pt, j3_eta, j3_phi, j3_b,
    m_jj, m_jjj, m_lv, m_jlv, m_bb, m_wbb, m_wwbb
};

// The base draws of a row come from counters [base, base + 64).
row_values draw_row(const tessera::rng& g, std::uint64_t base, bool regression) {
    row_values r{};
    auto& x = r.x;
    std::uint64_t d = base;
    const auto normal = [&] { return g.normal_at(d++); };
    const auto uniform = [&] { return g.uniform_at(d++); };

    const double scale = std::exp(0.35 * normal());  // event energy scale
    const auto object = [&](int pt, int eta, int phi, double typical) {
        x[pt] = scale * typical * std::exp(0.55 * normal());
        x[eta] = std::fabs(1.1 * normal());
        x[phi] = pi * uniform();
    };
    object(lep_pt, lep_eta, lep_phi, 1.0);
    x[met] = scale * 0.9 * std::exp(0.6 * normal());
    x[met_phi] = pi * uniform();
    const double met_eta = 0.0;
    const std::array<int, 4> jets = {j0_pt, j1_pt, j2_pt, j3_pt};
    const std::array<double, 4> typical = {1.3, 1.0, 0.8, 0.65};
    for (int k = 0; k < 4; ++k) {
        const int c = jets[static_cast<std::size_t>(k)];
        object(c, c + 1, c + 2, typical[static_cast<std::size_t>(k)]);
        const double u = uniform();
        x[c + 3] = u < 0.55 ? 0.0 : u < 0.8 ? 1.0865 : 2.173;
    }
    const auto mass = [&](int a, int b) {
        return pair_mass(x[a], x[a + 1], x[a + 2], x[b], x[b + 1], x[b + 2]);
    };
    const double mjj = mass(j0_pt, j1_pt);
    const double mjjj = std::sqrt(mjj * mjj + mass(j0_pt, j2_pt) * mass(j1_pt, j2_pt));
    const double mlv = pair_mass(x[lep_pt], x[lep_eta], x[lep_phi], x[met], met_eta, x[met_phi]);
    const double mjlv = std::sqrt(mlv * mlv + mass(lep_pt, j0_pt) * mass(lep_pt, j0_pt));
    const double mbb = mass(j2_pt, j3_pt);
    const double mwbb = std::sqrt(mbb * mbb + mjj * mjj);
    const double mwwbb = std::sqrt(mwbb * mwbb + mlv * mlv);
    x[m_jj] = high_level(mjj, 1.6, normal());
    x[m_jjj] = high_level(mjjj, 2.2, normal());
    x[m_lv] = high_level(mlv, 1.3, normal());
    x[m_jlv] = high_level(mjlv, 2.0, normal());
    x[m_bb] = high_level(mbb, 0.9, normal());
    x[m_wbb] = high_level(mwbb, 2.0, normal());
    x[m_wwbb] = high_level(mwwbb, 2.4, normal());

    // The signal function: each term is a different shape a tree ensemble has
    // to assemble from axis-aligned splits.
    const double peak = std::exp(-std::pow((x[m_bb] - 1.0) / 0.12, 2));            // narrow mass peak
    const double btags = (x[j2_b] > 0.5 ? 1.0 : 0.0) * (x[j3_b] > 0.5 ? 1.0 : 0.0);  // threshold AND
    const double forward = x[lep_eta] > 1.4 ? 1.0 : 0.0;                             // threshold
    const double jets_pt = std::tanh(2.0 * (x[j0_pt] - 1.3) * (x[j1_pt] - 1.0));     // interaction
    const double angle = std::cos(x[lep_phi] - x[met_phi]);                          // angular
    const double wwbb = std::tanh(3.0 * (x[m_wwbb] - 1.05));                         // smooth step
    const double jj = std::pow(x[m_jj] - 1.0, 2);                                    // smooth bowl
    if (!regression) {
        r.score = 1.8 * (-0.1 + 1.5 * peak + 0.8 * btags * (1.0 + peak) - 0.7 * forward + 0.6 * jets_pt +
                  0.45 * angle + 0.8 * wwbb - 3.0 * jj + 0.25 * std::log(x[met]));
    } else {
        r.score = 2.0 * peak + 1.0 * btags - 0.8 * forward + 0.7 * jets_pt + 0.5 * angle +
                  1.0 * wwbb - 4.0 * jj / (1.0 + jj) + 0.4 * std::log(x[met]) + 0.5 * x[j0_pt];
    }
    return r;
}

// Mixing of the extra columns: a fixed function of the column index.
struct mixture {
    int p, q;
    double a, b, noise;
};
std::vector<mixture> mixtures(int features) {
    const tessera::rng g(0x6d697874ull /* "mixt" */, 0);
    std::vector<mixture> m;
    for (int j = base_features; j < features; ++j) {
        const auto c = static_cast<std::uint64_t>(j) * 8;
        m.push_back({g.uniform_int_at<int>(c, 0, base_features - 1),
                     g.uniform_int_at<int>(c + 1, 0, base_features - 1),
                     0.2 + 0.8 * g.uniform_at(c + 2), g.uniform_at(c + 3) * 2.0 - 1.0,
                     0.1 + 0.5 * g.uniform_at(c + 4)});
    }
    return m;
}

class output {
public:
    output(const std::string& path, const char* argv0) : path_(path), argv0_(argv0) {
        if (path.empty()) return;
        f_ = std::fopen(path.c_str(), "wb");
        if (!f_) fail("open");
    }
    ~output() {
        if (f_) std::fclose(f_);
    }
    output(const output&) = delete;
    output& operator=(const output&) = delete;
    explicit operator bool() const { return f_ != nullptr; }
    void write(const void* p, std::size_t n) {
        if (std::fwrite(p, 1, n, f_) != n) fail("write");
    }
    void close() {
        if (f_ && std::fclose(f_) != 0) {
            f_ = nullptr;
            fail("close");
        }
        f_ = nullptr;
    }

private:
    [[noreturn]] void fail(const char* what) {
        std::fprintf(stderr, "%s: cannot %s '%s': %s\n", argv0_, what, path_.c_str(),
                     std::strerror(errno));
        std::exit(1);
    }
    std::string path_;
    const char* argv0_;
    std::FILE* f_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
    const options o = parse(argc, argv);
    const auto cols = static_cast<std::size_t>(o.features) + 1;
    const auto mix = mixtures(o.features);
    const tessera::rng g(o.seed, o.stream);

    output csv(o.csv, argv[0]), bin(o.bin, argv[0]);
    std::string line = "label";
    for (int j = 0; j < o.features; ++j) line += ",f" + std::to_string(j);
    line += '\n';
    if (csv) csv.write(line.data(), line.size());
    if (bin) {
        const std::uint64_t header[2] = {o.rows, cols};
        bin.write("TSRF32V1", 8);
        bin.write(header, sizeof header);
    }

    std::vector<float> v(cols);
    char buf[64];
    for (std::uint64_t r = 0; r < o.rows; ++r) {
        const std::uint64_t base = r * draws_per_row;
        const row_values rv = draw_row(g, base, o.regression);
        std::uint64_t d = base + 64;  // counters after the base draws
        // Label: Bernoulli(sigmoid(score)) or score + noise.
        v[0] = o.regression ? static_cast<float>(rv.score + 0.5 * g.normal_at(d))
                            : (g.uniform_at(d) < sigmoid(rv.score) ? 1.0f : 0.0f);
        ++d;
        for (int j = 0; j < base_features; ++j) v[static_cast<std::size_t>(j) + 1] = static_cast<float>(rv.x[static_cast<std::size_t>(j)]);
        for (std::size_t k = 0; k < mix.size(); ++k) {
            const auto& m = mix[k];
            v[base_features + 1 + k] = static_cast<float>(
                m.a * rv.x[static_cast<std::size_t>(m.p)] + m.b * rv.x[static_cast<std::size_t>(m.q)] +
                m.noise * g.normal_at(d + k));
        }
        d += 256;
        if (o.missing > 0.0)
            for (int k = 0; k < 4; ++k)
                if (g.uniform_at(d + static_cast<std::uint64_t>(k)) < o.missing * (k + 1) / 4.0)
                    for (int c = 0; c < 4; ++c)
                        v[static_cast<std::size_t>(j0_pt + 4 * k + c) + 1] =
                            std::numeric_limits<float>::quiet_NaN();
        if (bin) bin.write(v.data(), v.size() * sizeof(float));
        if (csv) {
            line.clear();
            for (std::size_t j = 0; j < cols; ++j) {
                if (j) line += ',';
                if (std::isnan(v[j])) continue;  // empty field = missing
                const auto res = std::to_chars(buf, buf + sizeof buf, v[j]);
                line.append(buf, res.ptr);
            }
            line += '\n';
            csv.write(line.data(), line.size());
        }
    }
    csv.close();
    bin.close();
    return 0;
}
