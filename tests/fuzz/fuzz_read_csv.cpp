// libFuzzer target for io::read_csv: csv_fuzz_case.hpp says what one input
// means and which properties are checked; any crash, sanitizer report,
// non-tessera exception or broken property is a finding.
//
//   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DTESSERA_FUZZ=ON \
//         -DTESSERA_CUDA=OFF -DTESSERA_BUILD_BENCH=OFF -DTESSERA_BUILD_EXAMPLES=OFF
//   cmake --build build-fuzz --target fuzz_read_csv
//   mkdir -p /tmp/csv-corpus && build-fuzz/tests/fuzz/fuzz_read_csv -max_total_time=600 \
//         /tmp/csv-corpus tests/data/csv/nasty
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "csv_fuzz_case.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    try {
        csv_fuzz::check_case(data, size);
    } catch (const csv_fuzz::finding& f) {
        std::fprintf(stderr, "csv fuzz finding: %s\n", f.what());
        std::abort();
    }
    return 0;
}
