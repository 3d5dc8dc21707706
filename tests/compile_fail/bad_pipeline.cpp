// One translation unit per case, selected by TESSERA_CASE: 0 is the control
// (a well-formed pipeline that must compile in exactly this setup), every
// other case must fail with the static_assert text CMakeLists.txt expects.
#include <string_view>

#include <tessera/core/serialize.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/pipeline.hpp>

namespace cf {

using namespace tessera;

struct model {
    static constexpr std::string_view type_tag = "compile_fail.model";
    template <class P, class T>
    vector<float> predict(const P&, const matrix<T>& X) const {
        return vector<float>::from_shape({X.shape()[0]});
    }
    void save(io::writer&) const {}
    static model load(io::reader&) { return {}; }
};

struct learner {
    template <class P, class T>
    model fit(const P&, const matrix<T>&, const vector<float>&) const {
        return {};
    }
};

struct misspelled {  // neither a transformer nor a learner
    template <class P, class T>
    int fitt(const P&, const matrix<T>&) const {
        return 0;
    }
};

}  // namespace cf

int main() {
    using namespace tessera;
    const matrix<float> X = {{1.0f, 2.0f}, {3.0f, 4.0f}};
    const vector<float> y = {0.0f, 1.0f};
    const features::standard_scaler scaler{};
#if TESSERA_CASE == 0
    const auto model = (scaler | scaler | pipeline(cf::learner{})).fit(exec::seq, X, y);
    const auto features = (scaler | scaler).fit(exec::seq, X);
    (void)model.predict(exec::seq, X);
    (void)features.transform(exec::seq, X);
#elif TESSERA_CASE == 1  // a learner before a transformer
    const auto model = (pipeline(cf::learner{}) | scaler).fit(exec::seq, X, y);
#elif TESSERA_CASE == 2  // two learners
    const auto model = (scaler | pipeline(cf::learner{}) | pipeline(cf::learner{})).fit(exec::seq, X, y);
#elif TESSERA_CASE == 3  // neither kind
    const auto model = (scaler | pipeline(cf::misspelled{}) | pipeline(cf::learner{})).fit(exec::seq, X, y);
#elif TESSERA_CASE == 4  // a final learner, but no labels
    const auto model = (scaler | pipeline(cf::learner{})).fit(exec::seq, X);
#elif TESSERA_CASE == 5  // labels, but no learner
    const auto model = (scaler | scaler).fit(exec::seq, X, y);
#endif
    (void)model;
}
