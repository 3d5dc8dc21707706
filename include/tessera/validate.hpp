// tessera/validate.hpp — module header: schema checks, data-quality report,
// quality gates, fitted validators, train/test overlap and target leakage
// (docs/validate.md).
#pragma once

#include <tessera/validate/class_balance.hpp>
#include <tessera/validate/leakage.hpp>
#include <tessera/validate/quality_gate.hpp>
#include <tessera/validate/quality_report.hpp>
#include <tessera/validate/report.hpp>
#include <tessera/validate/schema.hpp>
#include <tessera/validate/schema_learner.hpp>
