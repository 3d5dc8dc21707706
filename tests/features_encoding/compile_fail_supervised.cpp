// Compile-fail check (CTest compile_fail.supervised_*): a pipeline whose
// supervised transformer (target_encoder) is fitted without labels stops with
// one static_assert that says so. Case 0 is the control: the same pipeline
// fitted with labels must build in exactly this setup.
#include <tessera/core/frame.hpp>
#include <tessera/features/standard_scaler.hpp>
#include <tessera/features/target_encoder.hpp>
#include <tessera/features/to_matrix.hpp>
#include <tessera/learners/linear/logistic_regression.hpp>
#include <tessera/pipeline/pipeline.hpp>

int main() {
    using namespace tessera;
    const frame X = frame::from_columns({column::categorical_from_labels("c", {"a", "b", "a", "b"})});
    const labels_class y = {0, 1, 1, 0};
    auto pipe = features::target_encoder{{.cv = 2}} | features::to_matrix{} | features::standard_scaler{};
#if TESSERA_CASE == 0
    const auto model = (pipe | learners::logistic_regression{}).fit(exec::seq, X, y);
    (void)model.predict(exec::seq, X);
#else
    const auto fitted = pipe.fit(exec::seq, X);
    (void)y;
#endif
}
