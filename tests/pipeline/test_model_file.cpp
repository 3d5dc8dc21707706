// io/model_file.hpp: the container's layout, every rejection path, and the
// atomic file write.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

#include <tessera/core/hash.hpp>
#include <tessera/core/version.hpp>
#include <tessera/features.hpp>
#include <tessera/io/model_file.hpp>
#include <tessera/pipeline.hpp>

#include "helpers.hpp"

using namespace tessera;
using test_helpers::contains;
using test_helpers::message_of;
using test_helpers::random_matrix;
using test_helpers::same_bits;
namespace fs = std::filesystem;

namespace {

using model_t = decltype((features::standard_scaler{} | test_helpers::mean_learner{})
                             .fit(exec::seq, std::declval<matrix<float>>(),
                                  std::declval<vector<float>>()));

model_t make_model() {
    const auto X = random_matrix<float>(30, 4, 21, 0.1);
    const vector<float> y = xt::arange<float>(30);
    return (features::standard_scaler{} | test_helpers::mean_learner{}).fit(exec::seq, X, y);
}

template <class U>
U read_at(const std::string& b, std::size_t pos) {
    U v;
    std::memcpy(&v, b.data() + pos, sizeof v);
    return v;
}

// Rewrites the trailing checksum so that only the intended change is seen.
void reseal(std::string& b) {
    const std::uint64_t h = hash64(b.data(), b.size() - 8);
    std::memcpy(b.data() + b.size() - 8, &h, 8);
}

// A fresh, empty directory under the system temp dir, removed at scope exit.
struct temp_dir {
    fs::path path;
    temp_dir() {
        path = fs::temp_directory_path() /
               ("tessera_model_file_" + std::to_string(::getpid()) + "_" +
                std::to_string(counter()++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(path, ec);
    }
    static int& counter() {
        static int c = 0;
        return c;
    }
    std::size_t entries() const {
        return static_cast<std::size_t>(
            std::distance(fs::directory_iterator(path), fs::directory_iterator{}));
    }
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_file)

BOOST_AUTO_TEST_CASE(layout) {
    const model_t m = make_model();
    const std::string b = io::save_to_string(m);
    const std::string_view tag = model_t::type_tag;
    BOOST_TEST(b.substr(0, 8) == std::string("TSRAMDL\0", 8));
    BOOST_TEST(read_at<std::uint32_t>(b, 8) == 1u);
    BOOST_TEST(read_at<std::uint16_t>(b, 12) == TESSERA_VERSION_MAJOR);
    BOOST_TEST(read_at<std::uint16_t>(b, 14) == TESSERA_VERSION_MINOR);
    BOOST_TEST(read_at<std::uint16_t>(b, 16) == TESSERA_VERSION_PATCH);
    BOOST_TEST(read_at<std::uint32_t>(b, 18) == tag.size());
    BOOST_TEST(b.substr(22, tag.size()) == tag);
    const auto payload = read_at<std::uint64_t>(b, 22 + tag.size());
    BOOST_TEST(b.size() == 22 + tag.size() + 8 + payload + 8);
    BOOST_TEST(read_at<std::uint64_t>(b, b.size() - 8) == hash64(b.data(), b.size() - 8));

    const io::model_header h = io::inspect_string(b);
    BOOST_TEST(h.format_version == io::model_format_version);
    BOOST_TEST((h.library_version == tessera::version));
    BOOST_TEST(h.type_tag == tag);
    BOOST_TEST(h.payload_size == payload);
    // Same object, same bytes.
    BOOST_TEST(io::save_to_string(m) == b);
}

BOOST_AUTO_TEST_CASE(round_trip_bit_for_bit) {
    const model_t m = make_model();
    const model_t back = io::load_from_string<model_t>(io::save_to_string(m));
    const auto X = random_matrix<float>(25, 4, 22, 0.1);
    BOOST_TEST(same_bits(back.predict(exec::seq, X), m.predict(exec::seq, X)));
    BOOST_TEST(same_bits(back.transform(exec::simd, X), m.transform(exec::simd, X)));
    BOOST_TEST(io::save_to_string(back) == io::save_to_string(m));

    // A fitted transformer on its own.
    const auto f = features::standard_scaler{}.fit(exec::seq, X);
    const auto g = io::load_from_string<features::standard_scaler::fitted>(io::save_to_string(f));
    BOOST_TEST(same_bits(g.scale(), f.scale()));
}

BOOST_AUTO_TEST_CASE(every_truncation_is_a_format_error) {
    const std::string b = io::save_to_string(make_model());
    std::size_t truncated_messages = 0;
    for (std::size_t n = 0; n < b.size(); ++n) {
        const std::string_view cut(b.data(), n);
        try {
            (void)io::load_from_string<model_t>(cut);
            BOOST_ERROR("length " << n << " loaded");
        } catch (const format_error& e) {
            truncated_messages += contains(e.what(), "truncated") ? 1 : 0;
        }
    }
    // Every cut ends inside a field or before the checksum's end: all say so.
    BOOST_TEST(truncated_messages == b.size());
}

BOOST_AUTO_TEST_CASE(every_flipped_byte_is_a_format_error) {
    const std::string good = io::save_to_string(make_model());
    const std::size_t payload_begin = 22 + model_t::type_tag.size() + 8;
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (unsigned char mask : {0x01, 0xFF}) {
            std::string b = good;
            b[i] = static_cast<char>(static_cast<unsigned char>(b[i]) ^ mask);
            const std::string msg =
                message_of<format_error>([&] { (void)io::load_from_string<model_t>(b); });
            BOOST_TEST(msg != "<no exception>", "byte " << i << " mask " << int(mask));
            // Outside the fields that shape the file (magic, format version,
            // tag length, payload length) only the checksum can tell.
            const bool structural = i < 12 || (i >= 18 && i < 22) ||
                                    (i >= payload_begin - 8 && i < payload_begin);
            if (!structural)
                BOOST_TEST(contains(msg, "checksum mismatch"), "byte " << i << ": " << msg);
        }
    }
}

BOOST_AUTO_TEST_CASE(foreign_and_mislabelled_files) {
    const std::string b = io::save_to_string(make_model());

    const auto m1 = message_of<format_error>(
        [] { (void)io::load_from_string<model_t>("PK\x03\x04 a zip file, not a model"); });
    BOOST_TEST(contains(m1, "not a tessera model file"), m1);
    const auto m0 = message_of<format_error>([] { (void)io::load_from_string<model_t>(""); });
    BOOST_TEST(contains(m0, "truncated"), m0);

    // A good file of another type: the tag names both.
    const auto m2 = message_of<format_error>(
        [&] { (void)io::load_from_string<features::standard_scaler::fitted>(b); });
    BOOST_TEST(contains(m2, "type tag mismatch: the file holds a '" + std::string(model_t::type_tag) +
                                "', but a 'tessera.features.standard_scaler' was requested"),
               m2);

    // Newer format version (checksum kept valid): says which version we read.
    std::string newer = b;
    const std::uint32_t v2 = 2;
    std::memcpy(newer.data() + 8, &v2, 4);
    reseal(newer);
    const auto m3 = message_of<format_error>([&] { (void)io::load_from_string<model_t>(newer); });
    BOOST_TEST(contains(m3, "model format version 2 is newer than this build of tessera"), m3);
    BOOST_TEST(contains(m3, "it reads format version 1"), m3);

    // Extra bytes after the checksum.
    const auto m4 =
        message_of<format_error>([&] { (void)io::load_from_string<model_t>(b + "xyz"); });
    BOOST_TEST(contains(m4, "3 unexpected bytes after the checksum"), m4);

    // A payload with bytes left over (valid lengths and checksum): rejected.
    std::string longer = b;
    const std::size_t len_at = 22 + model_t::type_tag.size();
    const auto payload = read_at<std::uint64_t>(b, len_at) + 2;
    std::memcpy(longer.data() + len_at, &payload, 8);
    longer.insert(longer.size() - 8, "\0\0", 2);
    reseal(longer);
    const auto m5 = message_of<format_error>([&] { (void)io::load_from_string<model_t>(longer); });
    BOOST_TEST(contains(m5, "2 unexpected trailing bytes"), m5);
}

BOOST_AUTO_TEST_CASE(file_save_load_and_no_temp_left) {
    temp_dir dir;
    const fs::path target = dir.path / "model.tsm";
    const model_t m = make_model();
    io::save(m, target);
    BOOST_TEST(dir.entries() == 1u);  // the temporary was renamed, nothing else left
    BOOST_TEST(slurp(target) == io::save_to_string(m));
    const model_t back = io::load<model_t>(target);
    const auto X = random_matrix<float>(9, 4, 23);
    BOOST_TEST(same_bits(back.predict(exec::par, X), m.predict(exec::par, X)));
    BOOST_TEST(io::inspect(target).type_tag == model_t::type_tag);

    // Replacing an existing file.
    const auto other = features::standard_scaler{}.fit(exec::seq, X);
    io::save(other, target);
    BOOST_TEST(dir.entries() == 1u);
    BOOST_TEST(io::inspect(target).type_tag == "tessera.features.standard_scaler");
    const auto m1 = message_of<format_error>([&] { (void)io::load<model_t>(target); });
    BOOST_TEST(contains(m1, "model file '" + target.string() + "': type tag mismatch"), m1);

    const auto m2 = message_of<io_error>([&] { (void)io::load<model_t>(dir.path / "missing.tsm"); });
    BOOST_TEST(contains(m2, "cannot open '" + (dir.path / "missing.tsm").string() +
                                "': No such file or directory"),
               m2);
}

BOOST_AUTO_TEST_CASE(failed_writes_leave_the_target_alone) {
    temp_dir dir;
    const model_t m = make_model();

    // The parent directory does not exist.
    const fs::path nowhere = dir.path / "no_such_dir" / "model.tsm";
    const auto m1 = message_of<io_error>([&] { io::save(m, nowhere); });
    BOOST_TEST(contains(m1, "to write '" + nowhere.string() + "': No such file or directory"), m1);

    // The target is a directory: the write succeeds, the rename fails, and the
    // temporary is removed again.
    const fs::path as_dir = dir.path / "taken";
    fs::create_directory(as_dir);
    const auto m2 = message_of<io_error>([&] { io::save(m, as_dir); });
    BOOST_TEST(contains(m2, "cannot rename"), m2);
    BOOST_TEST(contains(m2, as_dir.string()), m2);
    BOOST_TEST(fs::is_directory(as_dir));
    BOOST_TEST(dir.entries() == 1u);

    // A write that fails half-way (file size limit, EFBIG): the old model stays.
    const fs::path target = dir.path / "model.tsm";
    const auto small = features::standard_scaler{}.fit(exec::seq, random_matrix<float>(3, 2, 1));
    io::save(small, target);
    const std::string before = slurp(target);
    rlimit old{};
    BOOST_REQUIRE(::getrlimit(RLIMIT_FSIZE, &old) == 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lim = old;
    lim.rlim_cur = 64;
    BOOST_REQUIRE(::setrlimit(RLIMIT_FSIZE, &lim) == 0);
    const auto m3 = message_of<io_error>([&] { io::save(m, target); });
    ::setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
    BOOST_TEST(contains(m3, "cannot write"), m3);
    BOOST_TEST(contains(m3, "File too large"), m3);
    BOOST_TEST(slurp(target) == before);
    BOOST_TEST(dir.entries() == 2u);  // "taken" and the untouched model, no temporary

    // A directory we may not write to (root may write anywhere, so not as root).
    if (::geteuid() != 0) {
        const fs::path locked = dir.path / "locked";
        fs::create_directory(locked);
        fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
        const auto m4 = message_of<io_error>([&] { io::save(m, locked / "model.tsm"); });
        BOOST_TEST(contains(m4, "Permission denied"), m4);
        fs::permissions(locked, fs::perms::owner_all);
    } else {
        BOOST_TEST_MESSAGE("running as root: the read-only directory case is not checked");
    }
}

BOOST_AUTO_TEST_SUITE_END()
