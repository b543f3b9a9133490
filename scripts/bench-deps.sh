#!/usr/bin/env bash
# Installs what the benches compare against, from Debian's packages, when missing: wrk (load), and NumPy, FastAPI,
# uvicorn and scikit-learn for the side-by-side baselines.
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_apt_packages wrk:wrk
if ! /usr/bin/python3 -c "import numpy, fastapi, uvicorn, sklearn" 2>/dev/null; then
  log "installing Debian's python3-numpy, python3-fastapi, python3-uvicorn and python3-sklearn"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-numpy python3-fastapi python3-uvicorn python3-sklearn >/dev/null
fi
