# find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs) against Debian's per-module
# packages (libopencv-core-dev, libopencv-imgproc-dev, libopencv-imgcodecs-dev). Debian 12 ships
# OpenCV's own CMake config (OpenCVConfig.cmake) only in libopencv-dev, which depends on every
# OpenCV module and brings 134 more packages (FFmpeg, Qt 5, MPI, ...); the per-module packages hold
# headers and libraries only, which this module finds (also when libopencv-dev is installed).
#
# Defines, like OpenCV's config: OpenCV_FOUND, OpenCV_INCLUDE_DIRS, OpenCV_LIBS and one imported
# target per component (opencv_core, opencv_imgproc, ...).
find_path(OpenCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4)
set(OpenCV_INCLUDE_DIRS ${OpenCV_INCLUDE_DIR})
# cvconfig.h lives in the multiarch include folder on Debian.
find_path(OpenCV_ARCH_INCLUDE_DIR opencv2/cvconfig.h PATH_SUFFIXES x86_64-linux-gnu/opencv4 aarch64-linux-gnu/opencv4 opencv4)
if(OpenCV_ARCH_INCLUDE_DIR)
  list(APPEND OpenCV_INCLUDE_DIRS ${OpenCV_ARCH_INCLUDE_DIR})
endif()

set(OpenCV_LIBS "")
set(_recap_opencv_missing "")
foreach(c ${OpenCV_FIND_COMPONENTS})
  find_library(OpenCV_${c}_LIBRARY opencv_${c})
  if(OpenCV_${c}_LIBRARY AND OpenCV_INCLUDE_DIR)
    set(OpenCV_${c}_FOUND TRUE)
    if(NOT TARGET opencv_${c})
      add_library(opencv_${c} UNKNOWN IMPORTED)
      set_target_properties(opencv_${c} PROPERTIES IMPORTED_LOCATION ${OpenCV_${c}_LIBRARY}
                                                   INTERFACE_INCLUDE_DIRECTORIES "${OpenCV_INCLUDE_DIRS}")
    endif()
    list(APPEND OpenCV_LIBS opencv_${c})
  else()
    list(APPEND _recap_opencv_missing ${c})
  endif()
endforeach()

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(OpenCV REQUIRED_VARS OpenCV_INCLUDE_DIR HANDLE_COMPONENTS
  REASON_FAILURE_MESSAGE "install libopencv-<component>-dev for: ${_recap_opencv_missing} (scripts/deps-apt.txt)")
mark_as_advanced(OpenCV_INCLUDE_DIR OpenCV_ARCH_INCLUDE_DIR)
