// monitor_drift: does today's data still look like the training data?
//
//   monitor_drift REFERENCE.csv CURRENT.csv [REPORT.html]
//
// Fits drift::monitor on the reference CSV, checks the current CSV against
// it, prints the report as text, writes it as a self-contained HTML page
// (default drift_report.html) and exits 1 when the dataset drifted (retrain
// recommended), 0 when it did not, 2 on an error. Try it on the bundled data:
//
//   monitor_drift examples/data/drift_reference.csv examples/data/drift_current.csv
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>

#include <tessera/core/errors.hpp>
#include <tessera/drift/monitor.hpp>
#include <tessera/io/csv.hpp>

using namespace tessera;

int main(int argc, char** argv) {
    if (argc < 3 || argc > 4) {
        std::fprintf(stderr, "usage: %s REFERENCE.csv CURRENT.csv [REPORT.html]\n", argv[0]);
        return 2;
    }
    const std::filesystem::path html = argc == 4 ? argv[3] : "drift_report.html";
    try {
        // example-begin monitor_drift
        const frame reference = io::read_csv(argv[1]);
        // Read the current file with the reference's column types, so a column
        // that happens to hold only integers today is still compared as floats.
        io::csv_options same_types;
        for (const auto& name : reference.names())
            same_types.schema[name] = reference.column(name).type();
        const frame current = io::read_csv(argv[2], same_types);

        const auto monitor = drift::monitor{}.fit(exec::par, reference);
        const drift::drift_report report = monitor.check(exec::par, current);

        std::cout << report.to_text();
        report.save_html(html, "Drift: " + std::string(argv[2]) + " vs " + argv[1]);
        std::cout << "\nHTML report: " << html.string() << "\n";
        return report.retrain_recommended() ? 1 : 0;
        // example-end monitor_drift
    } catch (const tessera::error& e) {
        std::fprintf(stderr, "monitor_drift: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "monitor_drift: unexpected error: %s\n", e.what());
        return 2;
    }
}
