# `cpack -G DEB` (from the build directory): one herald package with the
# layout `cmake --install` makes (docs/operations.md, "Install").
set(CPACK_PACKAGE_NAME herald)
set(CPACK_PACKAGE_VENDOR "Herald contributors")
set(CPACK_PACKAGE_CONTACT "Herald maintainers <herald@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Marketing automation daemon: YAML workflows with plugin steps")
set(CPACK_PACKAGE_DESCRIPTION "Herald runs marketing workflows written as YAML files as a \
system service: audiences, personalised email and SMS, waits and triggers, with every step a \
plugin.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
# Stage with DESTDIR: /etc/herald is an absolute destination, which must land
# in the package, not on the machine that builds it.
set(CPACK_SET_DESTDIR ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: computed by dpkg-shlibdeps from the libraries the binary and the
# plugins link, plus what the maintainer scripts and the unit call.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "systemd (>= 247), tzdata")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3")
# /etc/herald is the admin's: dpkg keeps local changes on upgrade (conffiles)
# and postinst makes the herald user and the admin token.
set(HERALD_DEB_CONFFILES ${CMAKE_BINARY_DIR}/debian/conffiles)
file(WRITE ${HERALD_DEB_CONFFILES} "${HERALD_SYSCONF_DIR}/herald.yaml\n")
foreach(script postinst prerm postrm)
  configure_file(${PROJECT_SOURCE_DIR}/systemd/debian/${script}.in
                 ${CMAKE_BINARY_DIR}/debian/${script} @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                  WORLD_READ WORLD_EXECUTE)
  list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/debian/${script})
endforeach()
list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${HERALD_DEB_CONFFILES})
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
