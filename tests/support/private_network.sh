#!/bin/sh
# Runs a command in a new network namespace where only loopback exists, so servers a test starts
# (Orthanc cannot bind its DICOM port to 127.0.0.1 alone) are unreachable from anywhere else.
# Used as the PACS tests' CROSSCOMPILING_EMULATOR: ctest runs every such test through it.
for flags in -n -rn; do
  if unshare $flags true 2>/dev/null; then
    exec unshare $flags sh -c 'ip link set lo up && exec "$@"' sh "$@"
  fi
done
echo "private_network.sh: cannot create a network namespace (unshare -n / -rn failed)." >&2
echo "The PACS tests need one so that the test Orthanc listens on loopback only." >&2
exit 1
