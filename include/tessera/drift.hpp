// tessera/drift.hpp — the drift module (docs/drift.md): batch two-sample tests
// (KS, PSI, Wasserstein, Jensen-Shannon, chi-squared, Z), streaming detectors
// (ADWIN, Page-Hinkley, KSWIN, DDM, EDDM, HDDM_A, HDDM_W), and the monitor with its
// report, performance tracker and pipeline observe stage.
#pragma once

#include <tessera/drift/test_result.hpp>

#include <tessera/drift/chi_squared.hpp>
#include <tessera/drift/jensen_shannon.hpp>
#include <tessera/drift/ks.hpp>
#include <tessera/drift/psi.hpp>
#include <tessera/drift/wasserstein.hpp>
#include <tessera/drift/z_test.hpp>

#include <tessera/drift/adwin.hpp>
#include <tessera/drift/ddm.hpp>
#include <tessera/drift/eddm.hpp>
#include <tessera/drift/hddm_a.hpp>
#include <tessera/drift/hddm_w.hpp>
#include <tessera/drift/kswin.hpp>
#include <tessera/drift/page_hinkley.hpp>

#include <tessera/drift/monitor.hpp>
#include <tessera/drift/performance_tracker.hpp>
#include <tessera/drift/report.hpp>
