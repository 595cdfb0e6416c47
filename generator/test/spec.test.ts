import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ValidationError } from '../errors.ts';
import { parsePlatform } from '../platform.ts';
import { MAX_NAME_LENGTH, parseStoreSpec, storeSpecYaml } from '../spec.ts';
import { LONGEST_NAME } from '../../constructs/test-props.ts';
import { TEMPLATE_PLATFORM_TEXT, spec } from './helpers.ts';

const platform = parsePlatform(TEMPLATE_PLATFORM_TEXT);
const FILE = 'stores/corner-shop/store.yaml';

function yamlOf(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join('\n');
}

function errorsOf(text: string, expectedName?: string): string[] {
  try {
    parseStoreSpec(text, FILE, platform, expectedName);
  } catch (err) {
    if (err instanceof ValidationError) return err.message.split('\n');
    throw err;
  }
  return [];
}

const good = spec();

describe('StoreSpec validation', () => {
  it('accepts a valid spec and round-trips it through store.yaml', () => {
    const text = storeSpecYaml(good);
    expect(parseStoreSpec(text, FILE, platform, 'corner-shop')).toEqual(good);
  });

  it('round-trips the backup requests (manual backup, roll-back) through store.yaml, after the identity', () => {
    const requested = spec({ manualBackup: { requestedAt: '2026-12-05T11:00:00Z', by: 'alice' }, rollback: { snapshot: '4f2a9c1e', requestedAt: '2026-12-05T12:00:00Z', by: 'root' } });
    const text = storeSpecYaml(requested);
    expect(parseStoreSpec(text, FILE, platform, 'corner-shop')).toEqual(requested);
    expect(text.indexOf('createdAt:')).toBeLessThan(text.indexOf('manualBackup:'));
    expect(text.indexOf('manualBackup:')).toBeLessThan(text.indexOf('rollback:'));
  });

  it('refuses a roll-back to something that is not a snapshot ID', () => {
    const text = (snapshot: string) => storeSpecYaml(good) + `rollback:\n  snapshot: ${JSON.stringify(snapshot)}\n  requestedAt: "2026-12-05T12:00:00Z"\n  by: "root"\n`;
    for (const bad of ['latest', '4f2a9c1', '4F2A9C1E', '--password-file=x', 'f'.repeat(65)]) {
      expect(errorsOf(text(bad))).toEqual([`${FILE}: rollback.snapshot: a snapshot ID is 8 to 64 lowercase hex digits (restic snapshots lists them)`]);
    }
    expect(errorsOf(text('4f2a9c1e'))).toEqual([]);
  });

  it('accepts the longest allowed name', () => {
    const name = 'a' + 'b'.repeat(MAX_NAME_LENGTH - 2) + '9';
    expect(name).toHaveLength(MAX_NAME_LENGTH);
    expect(errorsOf(yamlOf({ ...good, name }))).toEqual([]);
    // The name the constructs' tests render as the longest is one the schema accepts.
    expect(errorsOf(yamlOf({ ...good, name: LONGEST_NAME }))).toEqual([]);
  });

  const bad: Array<[string, Record<string, unknown> | string, string[]]> = [
    ['uppercase name', { ...good, name: 'Corner' }, [`${FILE}: name: use only lowercase letters, digits and hyphens`]],
    ['name with underscore', { ...good, name: 'corner_shop' }, [`${FILE}: name: use only lowercase letters, digits and hyphens`]],
    ['name starting with a digit', { ...good, name: '1shop' }, [`${FILE}: name: name must start with a lowercase letter`]],
    ['name starting with a hyphen', { ...good, name: '-shop' }, [`${FILE}: name: name must start with a lowercase letter`]],
    ['name ending with a hyphen', { ...good, name: 'shop-' }, [`${FILE}: name: name must end with a letter or digit`]],
    ['name with double hyphen', { ...good, name: 'my--shop' }, [`${FILE}: name: name must not contain "--"`]],
    ['empty name', { ...good, name: '' }, [`${FILE}: name: name is required`]],
    ['name too long', { ...good, name: 'a'.repeat(MAX_NAME_LENGTH + 1) }, [`${FILE}: name: name is at most ${MAX_NAME_LENGTH} characters`]],
    ['reserved admin', { ...good, name: 'admin' }, [`${FILE}: name: "admin" is reserved`]],
    ['reserved api', { ...good, name: 'api' }, [`${FILE}: name: "api" is reserved`]],
    ['reserved www', { ...good, name: 'www' }, [`${FILE}: name: "www" is reserved`]],
    ['reserved argocd', { ...good, name: 'argocd' }, [`${FILE}: name: "argocd" is reserved`]],
    ['reserved default', { ...good, name: 'default' }, [`${FILE}: name: "default" is reserved`]],
    ['kube- prefix', { ...good, name: 'kube-system' }, [`${FILE}: name: names starting with "kube-" are reserved`]],
    ['-admin suffix', { ...good, name: 'shop-admin' }, [`${FILE}: name: names ending in "-admin" or "-api" are reserved for store hosts`]],
    ['name not a string', { ...good, name: 42 }, [`${FILE}: name: expected a string`]],
    ['unknown engine', { ...good, engine: 'magento' }, [`${FILE}: engine: expected "woocommerce" or "medusa"`]],
    ['unknown plan', { ...good, plan: 'huge' }, [`${FILE}: plan: unknown plan "huge" (platform.yaml has small, medium, large)`]],
    ['bad plan name', { ...good, plan: 'Small!' }, [`${FILE}: plan: expected a plan name`]],
    ['empty display name', { ...good, displayName: '   ' }, [`${FILE}: displayName: display name must not be empty`]],
    ['display name too long', { ...good, displayName: 'x'.repeat(81) }, [`${FILE}: displayName: display name is at most 80 characters`]],
    ['display name with a newline', { ...good, displayName: 'a\nb' }, [`${FILE}: displayName: display name must not contain control characters or line breaks`]],
    ['owner with @', { ...good, owner: 'alice@example.com' }, [`${FILE}: owner: owner is a user id: lowercase letters, digits, ".", "_", "-", at most 63`]],
    ['createdAt not a timestamp', { ...good, createdAt: 'yesterday' }, [`${FILE}: createdAt: expected a UTC timestamp such as "2026-11-23T16:00:00Z"`]],
    ['createdAt with offset', { ...good, createdAt: '2026-11-23T16:00:00+02:00' }, [`${FILE}: createdAt: expected a UTC timestamp such as "2026-11-23T16:00:00Z"`]],
    ['unknown field', { ...good, replicas: 3 }, [`${FILE}: replicas: unknown field`]],
    ['missing engine', (({ engine: _e, ...rest }) => rest)(good), [`${FILE}: engine: is required`]],
    ['not a mapping', '- a\n- b\n', [`${FILE}: expected a YAML mapping`]],
    ['broken YAML', 'name: [unclosed\n', [`${FILE}: invalid YAML at line 2: Flow sequence in block collection must be sufficiently indented and end with a ]`]],
    ['duplicate key', 'name: a\nname: b\n', [`${FILE}: invalid YAML at line 2: Map keys must be unique`]],
  ];

  it.each(bad)('rejects %s with the exact error', (_label, input, expected) => {
    const text = typeof input === 'string' ? input : yamlOf(input);
    expect(errorsOf(text)).toEqual(expected);
  });

  it('rejects a spec whose name does not match its folder', () => {
    expect(errorsOf(yamlOf(good), 'other-shop')).toEqual([`${FILE}: name: "corner-shop" does not match its folder name "other-shop"`]);
  });

  it('reports every problem at once', () => {
    expect(errorsOf(yamlOf({ ...good, name: 'Bad', engine: 'x', owner: '' }))).toHaveLength(3);
  });

  it('emits displayName double-quoted so any Unicode text survives YAML', () => {
    const tricky = spec({ displayName: 'yes: "no" # not a comment — Café 🛒 \\ {x}' });
    const text = storeSpecYaml(tricky);
    expect(text).toMatch(/^displayName: ".*"$/m);
    expect(parse(text).displayName).toBe(tricky.displayName);
  });
});
