# shellcheck shell=bash
# Sourced by the .ci/setup-*.sh scripts. apt_install LABEL [PACKAGE...]: installs the packages
# from Debian (root, or sudo otherwise) and says which; with none, says all are present.
apt_install() {
  local label="$1"
  shift
  if [ $# -eq 0 ]; then
    echo "$label: all present"
    return 0
  fi
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  echo "$label: installed $*"
}
