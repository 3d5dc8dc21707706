// The nasty-input corpus (tests/data/csv/nasty, made by make_nasty_corpus.py,
// plus whatever the fuzzer found): each input must parse or throw a
// tessera::error, and keep the properties of tests/fuzz/csv_fuzz_case.hpp
// (par == seq for 1/2/3 threads, consistent reports, write/read round trip).
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/csv_fuzz_case.hpp"

namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(nasty_corpus_parses_or_throws_tessera_errors) {
    const fs::path dir = fs::path(TESSERA_TEST_DATA_DIR) / "csv" / "nasty";
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    BOOST_TEST_REQUIRE(files.size() >= 40u);
    std::size_t parsed = 0;
    for (const auto& f : files) {
        BOOST_TEST_CONTEXT("corpus file " << f.filename().string()) {
            std::ifstream in(f, std::ios::binary);
            const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
            const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
            try {
                parsed += csv_fuzz::check_case(data, bytes.size());
            } catch (const csv_fuzz::finding& e) {
                BOOST_ERROR("property broken: " << e.what());
            } catch (const std::exception& e) {
                BOOST_ERROR("threw something other than tessera::error: " << e.what());
            }
        }
    }
    // Both outcomes occur: the corpus is not all garbage nor all clean.
    BOOST_TEST(parsed > 10u);
    BOOST_TEST(parsed < files.size());
}
