#!/usr/bin/env bash
# The full fault run (docs/reliability.md): >= 10k jobs, every fault combined for >= 60 s, poison mixed in.
# Knobs: FAULT_JOBS (default 10000), FAULT_SECONDS (default 60), FAULT_FSYNC (everysec | always),
# FAULT_REPORT (JSON figures; default faults-full-<time>.json in the temp dir), FAULT_VERBOSE=1 (progress),
# FAULT_KEEP=1 (keep the run's directory: redis data, worker logs, record files).
set -euo pipefail
cd "$(dirname "$0")/.."
export FAULT_FULL=1
export FAULT_JOBS="${FAULT_JOBS:-10000}"
export FAULT_SECONDS="${FAULT_SECONDS:-60}"
export FAULT_REPORT="${FAULT_REPORT:-${TMPDIR:-/tmp}/faults-full-$(date +%Y%m%dT%H%M%S).json}"
echo "[faults-full] ${FAULT_JOBS} jobs, ${FAULT_SECONDS} s of faults, appendfsync ${FAULT_FSYNC:-everysec}; figures -> ${FAULT_REPORT}"
pnpm test:faults faults/combined.test.ts
echo "[faults-full] figures written to ${FAULT_REPORT}"
