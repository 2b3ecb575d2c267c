#!/usr/bin/env bash
# Builds the orchbench image from the repository root, tagged with the version in package.json:
#   deploy/build-image.sh [IMAGE]      (IMAGE defaults to orchbench; e.g. ghcr.io/your-org/orchbench)
# Prints the tag it built. DOCKER overrides the client (e.g. podman).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(node -p 'require(process.argv[1]).version' "$root/package.json")
image="${1:-orchbench}:$version"
${DOCKER:-docker} build -f "$root/deploy/Dockerfile" --build-arg "ORCHBENCH_VERSION=$version" -t "$image" "$root" >&2
echo "$image"
