#!/usr/bin/env bash
# Refresh the vendored front-end files under kam/static/vendor from the npm registry.
# The app never needs node at run time; this script is only for maintainers (make vendor).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=kam/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=(bootstrap@5.3.8 bootstrap-icons@1.13.1 htmx.org@2.0.7 alpinejs@3.15.0 echarts@5.6.0 sortablejs@1.15.6)
: > "$dest/VERSIONS"
for spec in "${packages[@]}"; do
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
  echo "$spec" >> "$dest/VERSIONS"
done
for tgz in "$work"/*.tgz; do mkdir -p "$work/x/$(basename "$tgz" .tgz)"; tar -xzf "$tgz" -C "$work/x/$(basename "$tgz" .tgz)"; done
x="$work/x"
mkdir -p "$dest/bootstrap" "$dest/bootstrap-icons/fonts"
cp "$x"/bootstrap-*/package/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp "$x"/bootstrap-*/package/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp "$x"/bootstrap-icons-*/package/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp "$x"/bootstrap-icons-*/package/font/fonts/bootstrap-icons.woff2 "$x"/bootstrap-icons-*/package/font/fonts/bootstrap-icons.woff "$dest/bootstrap-icons/fonts/"
cp "$x"/htmx.org-*/package/dist/htmx.min.js "$dest/"
cp "$x"/alpinejs-*/package/dist/cdn.min.js "$dest/alpine.min.js"
cp "$x"/echarts-*/package/dist/echarts.min.js "$dest/"
cp "$x"/sortablejs-*/package/Sortable.min.js "$dest/sortable.min.js"
echo "vendored into $dest:"; cat "$dest/VERSIONS"
