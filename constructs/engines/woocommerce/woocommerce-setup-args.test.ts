// The WooCommerce setup script hands store values to WP-CLI as data, never as options. WP-CLI
// cannot run here (no WordPress ≥ 6.7 / WooCommerce from a reachable registry), so a recording
// stand-in `wp` on PATH captures every call's argv and stdin, and the calls are parsed with
// WP-CLI's own rules (WP_CLI\Configurator::extract_assoc: "--no-x" → x=false, "--x" → x=true,
// "--x=v" → x=v with v taken verbatim, anything else positional; there is no "--" end marker).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

interface Call {
  positional: string[];
  assoc: [string, string | boolean][];
  stdin: string;
}

function extractAssoc(argv: string[]): Pick<Call, 'positional' | 'assoc'> {
  const positional: string[] = [];
  const assoc: [string, string | boolean][] = [];
  for (const arg of argv) {
    let m: RegExpMatchArray | null;
    if ((m = /^--no-([^=]+)$/.exec(arg))) assoc.push([m[1], false]);
    else if ((m = /^--([^=]+)$/.exec(arg))) assoc.push([m[1], true]);
    else if ((m = /^--([^=]+)=(.*)$/s.exec(arg))) assoc.push([m[1], m[2]]);
    else positional.push(arg);
  }
  return { positional, assoc };
}

// Records argv (NUL-separated) and stdin; answers "not installed / nothing there" so every
// guarded step runs once.
const WP_STANDIN = `#!/bin/sh
n=$(ls "$CALLS" | grep -c "args$")
printf '%s\\0' "$@" > "$CALLS/$n.args"
cat > "$CALLS/$n.stdin"
case "$*" in
  "core is-installed"*|"plugin get"*|"plugin is-active"*) exit 1 ;;
esac
exit 0
`;

let dir: string | undefined;
afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

function runSetup(title: string): Call[] {
  dir = mkdtempSync(join(tmpdir(), 'wp-standin-'));
  const bin = join(dir, 'bin');
  const calls = join(dir, 'calls');
  mkdirSync(bin);
  mkdirSync(calls);
  writeFileSync(join(bin, 'wp'), WP_STANDIN);
  writeFileSync(join(bin, 'php'), '#!/bin/sh\nexit 0\n'); // the database wait
  chmodSync(join(bin, 'wp'), 0o755);
  chmodSync(join(bin, 'php'), 0o755);
  writeFileSync(join(dir, 'setup.sh'), readFileSync(new URL('./woocommerce-setup.sh', import.meta.url), 'utf8'));
  const r = spawnSync('sh', [join(dir, 'setup.sh')], {
    encoding: 'utf8',
    input: '',
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      CALLS: calls,
      STORE_URL: 'http://corner-shop.localtest.me',
      STORE_TITLE: title,
      ADMIN_USER: 'storeadmin',
      ADMIN_PASSWORD: 'pw-not-a-real-one',
      ADMIN_EMAIL: 'admin@corner-shop.localtest.me',
      WOOCOMMERCE_VERSION: '10.3.5',
      SAMPLE_PRODUCT_SKU: 'SAMPLE-1',
    },
  });
  expect(r.status, r.stdout + r.stderr).toBe(0);
  const n = readdirSync(calls).filter((f) => f.endsWith('.args')).length;
  return Array.from({ length: n }, (_, i) => {
    const argv = readFileSync(join(calls, `${i}.args`), 'utf8').split('\0').slice(0, -1);
    return { ...extractAssoc(argv), stdin: readFileSync(join(calls, `${i}.stdin`), 'utf8') };
  });
}

/** Every option the script itself passes; anything else came from a value. */
const SCRIPT_OPTIONS = new Set([
  'url', 'title', 'admin_user', 'admin_password', 'admin_email', 'skip-email', 'field', 'version', 'force',
  'format', 'user', 'enabled', 'method_id', 'sku', 'name', 'type', 'regular_price', 'status',
]);

describe('woocommerce-setup.sh hands values to WP-CLI as data', () => {
  it.each(['--exec=file_put_contents("/tmp/pwned", "x");', '--require=/tmp/evil.php', '--no-color', '-- Corner Shop', 'Corner Shop'])(
    'store title %j',
    (title) => {
      const calls = runSetup(title);
      for (const c of calls) {
        for (const [key] of c.assoc) expect(SCRIPT_OPTIONS.has(key), `wp ${c.positional.join(' ')} got option --${key}`).toBe(true);
      }
      const install = calls.find((c) => c.positional.join(' ') === 'core install');
      expect(install?.assoc.find(([k]) => k === 'title')?.[1]).toBe(title);
      const blogname = calls.filter((c) => c.positional[0] === 'option' && c.positional[2] === 'blogname');
      expect(blogname).toHaveLength(1);
      // WP-CLI's `option update <key> [<value>]` reads the value from stdin when it is omitted.
      expect(blogname[0].positional).toEqual(['option', 'update', 'blogname']);
      expect(blogname[0].stdin).toBe(title);
    },
  );
});
