# Toolchain file of the aarch64 cross build (docs/aarch64.md): Debian's aarch64-linux-gnu gcc,
# the libraries of the sysroot that tools/aarch64_sysroot.sh extracts from Debian's arm64 .debs,
# and qemu-aarch64 to run what it builds (binfmt is not mounted, so ctest goes through qemu).
#
#   tools/aarch64_sysroot.sh && cmake --preset aarch64    # the preset names this file
#   cmake -S . -B build/x -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake \
#         -DKILN_EDGE_ONLY=ON -DKILN_AARCH64_SYSROOT=/path/to/sysroot
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

# This file lives in <source>/cmake; try_compile projects read it again with their own source
# dir, hence CMAKE_CURRENT_LIST_DIR and CMAKE_TRY_COMPILE_PLATFORM_VARIABLES.
get_filename_component(_kiln_default_sysroot "${CMAKE_CURRENT_LIST_DIR}/../build/aarch64-sysroot"
                       ABSOLUTE)
set(KILN_AARCH64_SYSROOT "${_kiln_default_sysroot}"
    CACHE PATH "Debian arm64 packages extracted by tools/aarch64_sysroot.sh")
get_filename_component(KILN_AARCH64_SYSROOT "${KILN_AARCH64_SYSROOT}" ABSOLUTE)
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES KILN_AARCH64_SYSROOT)
if(NOT EXISTS "${KILN_AARCH64_SYSROOT}/.kiln-sysroot-stamp")
  message(FATAL_ERROR "aarch64 sysroot '${KILN_AARCH64_SYSROOT}' is missing or incomplete: "
                      "run tools/aarch64_sysroot.sh \"${KILN_AARCH64_SYSROOT}\" first")
endif()
set(_kiln_sysroot_libdir "${KILN_AARCH64_SYSROOT}/usr/lib/aarch64-linux-gnu")

# Libraries, headers and CMake packages come from the sysroot or the cross toolchain's own
# tree, never from the host; programs (flatc, python3) always from the host.
set(CMAKE_FIND_ROOT_PATH "${KILN_AARCH64_SYSROOT}" /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The sysroot stands in for installed -dev packages: its headers are on the default include
# path (as /usr/include is natively: the artifact schema relies on that for FlatBuffers), and
# the linker finds the libraries that XNNPACK needs in turn (libcpuinfo, libpthreadpool).
set(CMAKE_C_STANDARD_INCLUDE_DIRECTORIES "${KILN_AARCH64_SYSROOT}/usr/include")
set(CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES "${KILN_AARCH64_SYSROOT}/usr/include")
foreach(_kind EXE SHARED MODULE)
  set(CMAKE_${_kind}_LINKER_FLAGS_INIT "-Wl,-rpath-link,${_kiln_sysroot_libdir}")
endforeach()

# ctest (and add_custom_command on a built target) run aarch64 binaries through this. -L makes
# qemu find the loader and libc of the cross toolchain; -E sets the guest's environment.
find_program(KILN_QEMU_AARCH64 qemu-aarch64)
if(NOT KILN_QEMU_AARCH64)
  message(FATAL_ERROR "qemu-aarch64 not found: install qemu-user (tools/setup.sh)")
endif()
set(CMAKE_CROSSCOMPILING_EMULATOR "${KILN_QEMU_AARCH64};-L;/usr/aarch64-linux-gnu;-E;LD_LIBRARY_PATH=${_kiln_sysroot_libdir}")
