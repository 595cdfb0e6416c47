// Test helpers: StoreProps built from the template platform.yaml, with fake sealed data (opaque
// placeholders: the constructs never look inside ciphertext). The template is read as plain data:
// constructs (and their tests) never import the generator; generator/test validates the template
// and the golden test renders it through the generator.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { MAX_NAME_LENGTH } from './meta.ts';
import type { ImagesProps, PlanProps, SealedData, SiteProps, StoreProps } from './props.ts';
import { engineIds, engineOf } from './engines/index.ts';

/** The parts of platform.yaml the constructs see. */
export interface TestPlatform {
  site: SiteProps;
  plans: Record<string, PlanProps>;
  images: ImagesProps;
}

export const TEMPLATE_PLATFORM: TestPlatform = parse(readFileSync(new URL('../gitops-repo-template/platform.yaml', import.meta.url), 'utf8'));

/** The registered engines (a test that registers a fixture engine first sees it here too). */
export const ENGINES: readonly string[] = engineIds();
export const PLANS: readonly string[] = Object.keys(TEMPLATE_PLATFORM.plans);

/** The longest allowed store name (MAX_NAME_LENGTH). */
export const LONGEST_NAME = ('s' + 'a1-'.repeat(20)).slice(0, MAX_NAME_LENGTH - 1) + 'z';

export function fakeSealed(engine: string): SealedData {
  const sealed: SealedData = {};
  for (const [name, keys] of Object.entries(engineOf(engine).secrets)) {
    sealed[name] = {};
    for (const key of keys) sealed[name][key] = Buffer.from(`sealed:${name}/${key}`).toString('base64');
  }
  return sealed;
}

export function storeProps(
  engine: string,
  plan: string,
  o: { name?: string; displayName?: string; platform?: typeof TEMPLATE_PLATFORM } = {},
): StoreProps {
  const platform = o.platform ?? TEMPLATE_PLATFORM;
  return {
    store: {
      name: o.name ?? `shop-${engine}`,
      engine,
      plan,
      displayName: o.displayName ?? `Shop "${engine}" $(rm -rf /) ‘Ünïcødé’`,
      owner: 'alice',
      createdAt: '2026-11-23T16:00:00Z',
    },
    site: platform.site,
    plan: platform.plans[plan],
    images: platform.images,
    sealed: fakeSealed(engine),
  };
}
