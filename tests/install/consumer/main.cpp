// A downstream program: uses the execution layer and the hash through the
// installed (or vendored) tessera, and prints a line the install test checks.
#include <cstdio>
#include <vector>

#include <tessera/core/hash.hpp>
#include <tessera/exec/parallel.hpp>

int main() {
    std::vector<double> x(100000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i);
    const double s = tessera::exec::parallel_reduce(
        tessera::exec::par_t{.threads = 2, .grain = 4096}, x.size(), 0.0,
        [&](tessera::exec::chunk c) {
            double a = 0;
            for (std::size_t i = c.begin; i < c.end; ++i) a += x[i];
            return a;
        },
        [](double a, double b) { return a + b; });
    const bool ok = s == 4999950000.0 && tessera::hash64("", 0) == 0xEF46DB3751D8E999ULL;
    std::printf("tessera consumer: %s\n", ok ? "ok" : "WRONG");
    return ok ? 0 : 1;
}
