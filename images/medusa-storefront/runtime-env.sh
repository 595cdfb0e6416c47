#!/bin/sh
# Patches the Next.js starter (run in its checkout at image build time) so store-specific values
# are read at runtime by server code instead of inlined at build time (NEXT_PUBLIC_*), and
# cookies are Secure only when the store is served over https. Fails when upstream moved.
set -eu

# replace FILE FROM TO: literal replacement that must match at least once.
replace() {
  grep -qF -- "$2" "$1" || { echo "runtime-env: '$2' not found in $1" >&2; exit 1; }
  node -e 'const fs = require("fs"); const [f, a, b] = process.argv.slice(1);
    fs.writeFileSync(f, fs.readFileSync(f, "utf8").split(a).join(b));' "$1" "$2" "$3"
}

replace src/lib/config.ts 'process.env.NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY' 'process.env.MEDUSA_PUBLISHABLE_KEY'
replace src/middleware.ts 'process.env.NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY' 'process.env.MEDUSA_PUBLISHABLE_KEY'
replace src/middleware.ts 'process.env.NEXT_PUBLIC_DEFAULT_REGION' 'process.env.DEFAULT_REGION'
replace src/lib/util/env.ts 'process.env.NEXT_PUBLIC_BASE_URL' 'process.env.BASE_URL'
replace check-env-variables.js 'key: "NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY"' 'key: "MEDUSA_PUBLISHABLE_KEY"'
for f in src/lib/data/cookies.ts src/lib/data/locale-actions.ts; do
  replace "$f" 'secure: process.env.NODE_ENV === "production"' 'secure: process.env.COOKIE_SECURE === "true"'
done
# A self-contained server (node server.js) keeps the image small.
replace next.config.js 'reactStrictMode: true,' 'output: "standalone",
  reactStrictMode: true,'

if grep -rn 'NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY\|NEXT_PUBLIC_DEFAULT_REGION' src; then
  echo "runtime-env: build-time publishable key or region still referenced" >&2
  exit 1
fi
