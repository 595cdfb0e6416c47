// The scripts the pods run: shellcheck-clean (the test fails when shellcheck is missing), shipped
// byte-for-byte in the ConfigMap, and statically free of the shortcuts stores.md forbids.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderStoreObjects } from './index.ts';
import { SCRIPTS } from './scripts.ts';
import { storeProps } from './test-props.ts';

const dir = fileURLToPath(new URL('./scripts/', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.sh')).sort();

describe('shell scripts', () => {
  it('has shellcheck installed (apt-get install -y shellcheck)', () => {
    const r = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
    expect(r.error, 'shellcheck is not installed: apt-get update && apt-get install -y shellcheck').toBeUndefined();
    expect(r.status).toBe(0);
  });

  it('ships every script and loads each one', () => {
    expect(files).toEqual(Object.keys(SCRIPTS).sort());
  });

  it.each(files)('%s is clean under shellcheck (POSIX sh)', (file) => {
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '--format=gcc', `${dir}${file}`], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('image build scripts (images/**/*.sh) are clean under shellcheck too', () => {
    const images = fileURLToPath(new URL('../images/', import.meta.url));
    const scripts = readdirSync(images, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.sh'))
      .map((f) => `${images}${f}`);
    expect(scripts.length).toBeGreaterThan(0);
    const r = spawnSync('shellcheck', ['--shell=sh', '--severity=style', '--format=gcc', ...scripts], { encoding: 'utf8' });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(files)('%s parses as POSIX sh and stops on errors', (file) => {
    const text = readFileSync(`${dir}${file}`, 'utf8');
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(text).toMatch(/^set -eu$/m);
    execFileSync('sh', ['-n', `${dir}${file}`]);
  });

  it('puts the scripts into the ConfigMap unchanged', () => {
    for (const engine of ['woocommerce', 'medusa'] as const) {
      const cm = (renderStoreObjects(storeProps(engine, 'small')) as Array<Record<string, any>>).find((o) => o.kind === 'ConfigMap')!;
      for (const [name, text] of Object.entries(cm.data as Record<string, string>)) {
        expect(name.startsWith(engine)).toBe(true);
        expect(text).toBe(readFileSync(`${dir}${name}`, 'utf8'));
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
    const bootstrap = SCRIPTS['medusa-bootstrap.sh'];
    expect(bootstrap).toMatch(/if \[ "\$regions" = "0" \]; then\n\s+log "seeding"\n\s+medusa exec/);
    expect(bootstrap).toContain("grep -qi 'already exists'");
  });
});
