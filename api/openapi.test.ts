import { describe, expect, it } from 'vitest';
import { openApiDocument } from './openapi.ts';

// Every $ref must resolve inside the document: clients generate code from it.
function resolve(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

describe('OpenAPI document', () => {
  it('resolves every $ref inside the document', () => {
    const doc = openApiDocument('test');
    const refs = new Set<string>();
    JSON.stringify(doc, (key, value) => {
      if (key === '$ref') refs.add(value as string);
      return value;
    });
    expect(refs.size).toBeGreaterThan(0);
    expect([...refs].filter((r) => resolve(doc, r) === undefined)).toEqual([]);
  });

  it('lists the registered engines where a store names its engine', () => {
    const doc = openApiDocument('test') as { components: { schemas: Record<string, { properties?: Record<string, { $ref?: string }> }> } };
    const engineRef = doc.components.schemas.StoreSummary.properties?.engine?.$ref;
    expect(engineRef).toBeDefined();
    expect((resolve(doc, engineRef!) as { enum?: string[] }).enum).toEqual(expect.arrayContaining(['woocommerce', 'medusa']));
  });
});
