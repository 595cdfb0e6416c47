// The scripts the pods run: shellcheck-clean (the test fails when shellcheck is missing), shipped
// byte-for-byte in the ConfigMap, and statically free of the shortcuts stores.md forbids.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderStoreObjects } from './index.ts';
import { engines } from './engines/index.ts';
import { storeProps } from './test-props.ts';

/** Every script of every engine: file name → path (names are unique across engines: they share a ConfigMap mount path). */
const paths = new Map(engines().flatMap((e) => e.scripts.map((name) => [name, fileURLToPath(new URL(name, e.folder))] as const)));
const files = [...paths.keys()].sort();
const pathOf = (file: string) => paths.get(file) as string;
const SCRIPTS = Object.fromEntries(files.map((f) => [f, readFileSync(pathOf(f), 'utf8')]));

describe('shell scripts', () => {
  it('has shellcheck installed (apt-get install -y shellcheck)', () => {
    const r = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
    expect(r.error, 'shellcheck is not installed: apt-get update && apt-get install -y shellcheck').toBeUndefined();
    expect(r.status).toBe(0);
  });

  it('ships every .sh file of an engine folder and nothing else', () => {
    const onDisk = engines().flatMap((e) => readdirSync(fileURLToPath(e.folder)).filter((f) => f.endsWith('.sh')));
    expect(onDisk.sort()).toEqual(files);
    expect(new Set(engines().flatMap((e) => e.scripts)).size).toBe(files.length);
  });

  it.each(files)('%s is clean under shellcheck (POSIX sh)', (file) => {
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '--format=gcc', pathOf(file)], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(files)('%s parses as POSIX sh and stops on errors', (file) => {
    const text = readFileSync(pathOf(file), 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).toMatch(/^set -eu$/m);
    execFileSync('sh', ['-n', pathOf(file)]);
  });

  it('puts the scripts into the ConfigMap unchanged', () => {
    for (const engine of engines()) {
      const cm = (renderStoreObjects(storeProps(engine.id, 'small')) as Array<Record<string, any>>).find((o) => o.kind === 'ConfigMap')!;
      expect(Object.keys(cm.data).sort()).toEqual([...engine.scripts].sort());
      for (const [name, text] of Object.entries(cm.data as Record<string, string>)) {
        expect(text).toBe(readFileSync(fileURLToPath(new URL(name, engine.folder)), 'utf8'));
      }
    }
  });

  it('places orders only through the public APIs (no direct order creation)', () => {
    const woo = SCRIPTS['woocommerce-smoke-test.sh'];
    expect(woo).toContain('/wp-json/wc/store/v1/checkout');
    expect(woo).toContain('payment_method: "cod"');
    expect(woo).not.toMatch(/wc\/v3\/orders"?\s*$/m); // no POST creating an order in the admin API
    expect(woo).not.toMatch(/\bwp wc shop_order create|\bwc shop_order create/);
    const medusa = SCRIPTS['medusa-smoke-test.sh'];
    for (const step of ['/store/carts"', '/line-items"', '/shipping-methods"', '/payment-sessions"', '/complete"', '/admin/orders/']) {
      expect(medusa).toContain(step);
    }
    expect(medusa).toContain('pp_system_default');
    expect(medusa).not.toMatch(/POST[^\n]*\/admin\/orders"/);
  });

  it('guards every non-idempotent setup step with a check', () => {
    const setup = SCRIPTS['woocommerce-setup.sh'];
    expect(setup).toMatch(/if ! wp core is-installed; then\n\s+.*\n\s+wp core install/);
    expect(setup).toMatch(/if \[ -z "\$\(wc shipping_zone_method list 0 --format=ids\)" \]; then/);
    expect(setup).toMatch(/if \[ -z "\$\(wc product list --sku="\$SAMPLE_PRODUCT_SKU" --format=ids\)" \]; then/);
    expect(setup).toMatch(/if \[ "\$installed" != "\$WOOCOMMERCE_VERSION" \]; then/);
    // Medusa's bootstrap ensures each entity inside the image (images/medusa-backend/src/scripts/
    // bootstrap.ts); npm run test:engines runs it twice and after a restart and compares the data.
    expect(SCRIPTS['medusa-bootstrap.sh']).toMatch(/^exec medusa exec \.\/src\/scripts\/bootstrap\.js$/m);
  });
});
