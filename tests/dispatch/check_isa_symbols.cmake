# Run by ctest: every weak symbol a per-ISA object of the dispatcher defines must
# be specific to its arch. An ISA-independent one (a shared inline helper) could
# be the copy the linker keeps for the whole program, and an AVX-512 copy of it
# would crash on a CPU without AVX-512.
#   cmake -DNM=<nm> -DOBJECTS=<a.o;b.o;...> -P check_isa_symbols.cmake
set(_checked 0)
foreach(obj IN LISTS OBJECTS)
  if(NOT obj MATCHES "kernels_(avx512bw|avx2|sse2|native)\\.cpp\\.o$")
    continue()
  endif()
  math(EXPR _checked "${_checked} + 1")
  execute_process(COMMAND ${NM} -C --defined-only ${obj}
                  OUTPUT_VARIABLE out RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${NM} failed on ${obj}")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-f]+ [WVu] (.*)$")
      set(sym "${CMAKE_MATCH_1}")
      if(NOT sym MATCHES "avx512bw|fma3<xsimd::avx2>|xsimd::sse2|default_arch|^DW\\.ref\\.")
        message(SEND_ERROR "${obj}: ISA-independent weak symbol: ${sym}")
      endif()
    endif()
  endforeach()
endforeach()
if(_checked EQUAL 0)
  message(FATAL_ERROR "no per-ISA objects among: ${OBJECTS}")
endif()
message(STATUS "checked ${_checked} per-ISA objects")
