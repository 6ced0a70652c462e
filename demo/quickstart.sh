#!/usr/bin/env bash
# A tour of rnx on a fresh Debian 12 machine, run as root from a clone of the repository:
#   bash demo/quickstart.sh            # everything, then opens the terminal app with a job running
#   NO_APP=1 bash demo/quickstart.sh   # the same without the app (for non-interactive runs)
# It installs rnx, builds the `base` runtime and one language runtime (python-3.13) from Debian packages,
# runs jobs in them with the plain commands, and runs the headline examples when their runtimes are installed.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '\033[2m$'; printf ' %q' "$@"; printf '\033[0m\n'; "$@"; }

step "install what rnx needs, then rnx itself"
apt-get update -qq
apt-get install -y -qq debootstrap libseccomp-dev libc6-dev gcc make tmux >/dev/null
npm install --no-fund --no-audit --loglevel=error
npm link --ignore-scripts --loglevel=error >/dev/null
show rnx setup

step "build runtimes from Debian packages (the first build bootstraps a base system; later ones reuse it)"
for r in base python-3.13; do
  if rnx runtime list --json | grep -q "\"name\": \"$r\""; then echo "$r is installed already"; else show rnx runtime install "$r"; fi
done
show rnx runtime list
show rnx runtime check base

step "run jobs through the plain commands"
show rnx job run --runtime=base bash -c 'echo "hello from $(cat /etc/debian_version)"; ls /'
show rnx job run --runtime=python-3.13 python -c 'import sys; print(sys.version)'
show rnx job run --runtime=base --memory 64M --cpu 50 --timeout 5s bash -c 'echo limited to 64M, half a core and 5 seconds'
id=$(rnx job run --runtime=base -d --name demo-counter bash -c 'for i in 1 2 3 4 5; do echo "tick $i"; sleep 1; done')
echo "started a background job: $id"
show rnx job list
show rnx job stats "$id"
show rnx job logs -f "$id"
show rnx job status "$id"

step "the headline examples (when their runtimes are installed: rnx runtime install python-3.11-ml / python-2.7-legacy)"
if [ -d /opt/rnx/runtimes/python-3.11-ml ]; then
  show rnx job run --runtime=python-3.11-ml python -c "import torch; print(torch.__version__)"
else echo "python-3.11-ml is not installed; skipped"; fi
if [ -d /opt/rnx/runtimes/python-2.7-legacy ]; then
  show rnx job run --runtime=python-2.7-legacy python -c "print 'Hello from Python 2'"
else echo "python-2.7-legacy is not installed; skipped"; fi

if [ -z "${NO_APP:-}" ] && [ -t 0 ] && [ -t 1 ]; then
  step "the terminal app, with a job running (q quits, ? shows the keys)"
  rnx job run --runtime=base -d --name demo-app-job bash -c 'i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo "line $i"; sleep 0.5; done' >/dev/null
  sleep 1
  rnx
  rnx job stop demo-app-job --grace 1s >/dev/null 2>&1 || true
fi
