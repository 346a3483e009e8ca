# cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -P test_client_package.cmake
# Installs the chime_client_dev component into a scratch prefix, then configures and builds the
# out-of-tree example against it with find_package(chime), and runs it against a closed port:
# it must link, start and report a typed connection error.
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR)
  if(NOT ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}"
                        --component chime_client_dev
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "install failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/src/client/example"
                        -B "${WORK_DIR}/example" -G Ninja -DCMAKE_PREFIX_PATH=${prefix}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the example against the installed package failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${WORK_DIR}/example" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the example failed: ${rc}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E env AWS_ACCESS_KEY_ID=AKIDEXAMPLE
                        AWS_SECRET_ACCESS_KEY=secret AWS_MAX_ATTEMPTS=1 HOME=${WORK_DIR}
                        "${WORK_DIR}/example/reset_pin" http://127.0.0.1:1 acct user
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "EndpointConnectionError")
  message(FATAL_ERROR "example run: exit ${rc}, stderr: ${err}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "find_package(chime) example built and ran")
