# TesseraDispatch.cmake — runtime ISA dispatch for binaries that ship to unknown
# machines. Filled in by the runtime-dispatch work (kernels/dispatch.hpp).
