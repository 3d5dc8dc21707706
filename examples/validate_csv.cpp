// validate_csv — check a CSV file before a model ever sees it.
//
//   validate_csv data.csv [report.html] [--target COL] [--max-null-share S]
//                [--max-duplicate-share S] [--max-outlier-share S]
//
// Prints the data-quality report, writes a self-contained HTML report
// (default: validation_report.html), checks the quality gate (defaults: null
// share <= 20% per column, duplicate rows <= 1%) and, with --target, suspected
// target leakage. Exit status: 0 passed, 1 a gate check failed or a feature
// looks like leakage, 2 bad usage or unreadable input.
//
//   ./build/examples/validate_csv examples/data/customers.csv --target churned
#include <cstdlib>
#include <exception>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>

#include <tessera/io/csv.hpp>
#include <tessera/validate/leakage.hpp>
#include <tessera/validate/quality_gate.hpp>
#include <tessera/validate/quality_report.hpp>

using namespace tessera;

namespace {

int usage(const char* argv0) {
    std::cerr << "usage: " << argv0
              << " data.csv [report.html] [--target COL] [--max-null-share S]"
                 " [--max-duplicate-share S] [--max-outlier-share S]\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::string input, html = "validation_report.html";
    validate::quality_gate::params gate{.max_null_share = 0.2, .max_duplicate_share = 0.01};
    int positional = 0;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string_view a = argv[i];
            const auto value = [&]() -> std::string {
                if (i + 1 >= argc) throw std::invalid_argument(std::string(a) + " needs a value");
                return argv[++i];
            };
            if (a == "--target") gate.quality.target = value();
            else if (a == "--max-null-share") gate.max_null_share = std::stod(value());
            else if (a == "--max-duplicate-share") gate.max_duplicate_share = std::stod(value());
            else if (a == "--max-outlier-share") gate.max_outlier_share = std::stod(value());
            else if (a.starts_with("--")) throw std::invalid_argument("unknown option " + std::string(a));
            else if (positional++ == 0) input = a;
            else html = a;
        }
    } catch (const std::exception& e) {
        std::cerr << "validate_csv: " << e.what() << '\n';
        return usage(argv[0]);
    }
    if (input.empty()) return usage(argv[0]);

    try {
        const frame df = io::read_csv(input);
        const validate::quality_gate g(gate);
        const validate::data_quality q = validate::quality_report(df, gate.quality);
        validate::validation_report verdict = g.evaluate(q);

        std::cout << q.to_text() << '\n';
        if (!gate.quality.target.empty()) {
            const auto leak = validate::target_leakage(df, gate.quality.target);
            for (const auto& f : leak.features) {
                validate::check_result c;
                c.column = f.column;
                c.check = "target_leakage";
                c.passed = !f.suspected;
                c.element_count = f.rows_used;
                c.detail = "|r| = " + io::html::format_number(f.correlation) +
                           ", one-feature AUC = " + io::html::format_number(f.auc) +
                           " vs target '" + gate.quality.target + "'";
                verdict.checks.push_back(std::move(c));
            }
        }
        std::ofstream out(html, std::ios::binary);
        out << q.to_html("Data quality: " + input, &verdict);
        if (!out.flush()) {
            std::cerr << "validate_csv: cannot write '" << html << "'\n";
            return 2;
        }
        std::cout << verdict.summary("quality gate") << "\nHTML report: " << html << '\n';
        return verdict.passed() ? 0 : 1;
    } catch (const tessera::error& e) {
        std::cerr << "validate_csv: " << e.what() << '\n';
        return 2;
    }
}
