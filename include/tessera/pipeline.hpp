// tessera/pipeline.hpp — the pipeline module: stage composition (`a | b`,
// `pipeline(a, b, c)`), fitting, and fitted pipelines that transform, predict
// and save. Model files (io::save / io::load) are in <tessera/io/model_file.hpp>,
// kept out of this header so scoring code does not pull in file I/O.
#pragma once

#include <tessera/pipeline/pipeline.hpp>
