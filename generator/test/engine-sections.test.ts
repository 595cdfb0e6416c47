// platform.yaml's per-engine sections are optional: a repository offers the engines it configures,
// and a store of an engine it does not offer is refused with a message that says what to add.
import { describe, expect, it } from 'vitest';
import { Document, parseDocument } from 'yaml';
import { ValidationError } from '../errors.ts';
import { offeredEngines, parsePlatform, planSizes } from '../platform.ts';
import { renderStore } from '../render.ts';
import { newStoreSpec } from '../spec.ts';
import { spec, TEMPLATE_PLATFORM_TEXT, testKeyPair } from './helpers.ts';

/** The template without one engine: its images and every plan's resources for it. */
function withoutEngine(id: string, keepPlanResources = false): string {
  // Through plain data: the template's YAML anchors live in the WooCommerce entries.
  const doc = new Document(parseDocument(TEMPLATE_PLATFORM_TEXT).toJS(), { aliasDuplicateObjects: false });
  doc.deleteIn(['images', id]);
  if (!keepPlanResources) for (const plan of ['small', 'medium', 'large']) doc.deleteIn(['plans', plan, 'resources', id]);
  return doc.toString();
}

function reasons(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.issues.map((i) => `${i.field}: ${i.reason}`);
    throw err;
  }
  return [];
}

describe('per-engine sections of platform.yaml', () => {
  it('the template offers every built-in engine, in registry order', () => {
    expect(offeredEngines(parsePlatform(TEMPLATE_PLATFORM_TEXT)).map((e) => e.id)).toEqual(['woocommerce', 'medusa']);
  });

  it('a repository without a Medusa section is valid and offers WooCommerce only', () => {
    const config = parsePlatform(withoutEngine('medusa'));
    expect(offeredEngines(config).map((e) => e.id)).toEqual(['woocommerce']);
  });

  it('storage.wordpress is only needed when WooCommerce is offered', () => {
    const doc = parseDocument(withoutEngine('woocommerce'));
    for (const plan of ['small', 'medium', 'large']) doc.deleteIn(['plans', plan, 'storage', 'wordpress']);
    expect(offeredEngines(parsePlatform(doc.toString())).map((e) => e.id)).toEqual(['medusa']);
    const offered = parseDocument(TEMPLATE_PLATFORM_TEXT);
    offered.deleteIn(['plans', 'small', 'storage', 'wordpress']);
    expect(reasons(() => parsePlatform(offered.toString()))).toEqual(['plans.small.storage.wordpress: WooCommerce needs storage.wordpress']);
  });

  it('refuses half a section: images without plan resources, or the other way round', () => {
    const doc = parseDocument(TEMPLATE_PLATFORM_TEXT);
    doc.deleteIn(['plans', 'medium', 'resources', 'medusa']);
    expect(reasons(() => parsePlatform(doc.toString()))).toEqual([
      'plans.medium.resources.medusa: images.medusa is set, so every plan sizes Medusa: add resources.medusa',
    ]);
    expect(reasons(() => parsePlatform(withoutEngine('medusa', true)))).toContain('images.medusa: plan "small" sizes Medusa but images.medusa is missing');
  });

  it('creating a store of an engine the repository does not offer is a validation error that names the fix', async () => {
    const platform = { config: parsePlatform(withoutEngine('medusa')), sealingCertificatePem: (await testKeyPair()).certificatePem };
    const parsed = newStoreSpec({ name: 'shop', engine: 'medusa' }, { owner: 'alice', defaultPlan: 'small' });
    expect(parsed.success).toBe(true);
    expect(reasons(() => renderStore({ spec: spec({ engine: 'medusa' }), platform }))).toEqual([
      'engine: engine "medusa" is not offered by this platform.yaml (offered: woocommerce); an operator adds images.medusa and plans.*.resources.medusa (docs/platform-yaml.md)',
    ]);
    expect(renderStore({ spec: spec({ engine: 'woocommerce' }), platform }).files.size).toBeGreaterThan(10);
  });

  it('reports what each plan gives (CPU, memory, storage of the namespace)', () => {
    expect(planSizes(parsePlatform(TEMPLATE_PLATFORM_TEXT)).small).toEqual({ cpu: '6', memory: '6Gi', storage: '20Gi' });
  });
});
