// The rules of "Back up now" and roll-back, over a plain view (no Git): who may ask, what is
// checked before anything is written, and the store.yaml the request becomes.
import { describe, expect, it } from 'vitest';
import { parsePlatform, type ResolvedPlatform } from '../../generator/platform.ts';
import { TEMPLATE_PLATFORM_TEXT, withBackupTarget } from '../../generator/test/helpers.ts';
import type { StoreSpec } from '../../generator/spec.ts';
import type { RenderResult } from '../../generator/render.ts';
import { InvalidStoreRequest, NoBackupTarget, NotAllowed, StoreBusy, StoreNotFound } from './errors.ts';
import type { PendingChange, StoreView } from './port.ts';
import { decide, type RuleDeps } from './rules.ts';
import type { Requester, WriteRequest } from './types.ts';

const alice: Requester = { id: 'alice', role: 'member', name: 'Alice', email: 'alice@example.com' };
const bob: Requester = { id: 'bob', role: 'member', name: 'Bob', email: 'bob@example.com' };
const admin: Requester = { id: 'root', role: 'admin', name: 'Root', email: 'root@example.com' };
const withTarget: ResolvedPlatform = { config: parsePlatform(withBackupTarget(TEMPLATE_PLATFORM_TEXT)), sealingCertificatePem: '' };
const withoutTarget: ResolvedPlatform = { config: parsePlatform(TEMPLATE_PLATFORM_TEXT), sealingCertificatePem: '' };
const shop: StoreSpec = { name: 'shop', engine: 'medusa', plan: 'small', displayName: 'Shop', owner: 'alice', createdAt: '2026-12-01T00:00:00Z' };
const FOLDER = new Map([['stores/xx/shop/manifests/sealedsecret-postgres-credentials.yaml', 'sealed']]);

function view(o: { platform?: ResolvedPlatform; spec?: StoreSpec | null; pending?: PendingChange } = {}): StoreView {
  return {
    tip: 'a'.repeat(40),
    platform: () => o.platform ?? withTarget,
    store: (name) => (name === 'shop' && o.spec !== undefined ? { spec: o.spec ?? undefined } : name === 'shop' ? { spec: shop } : undefined),
    pending: () => o.pending,
    ownerCount: () => 0,
    findKey: () => undefined,
    deletion: async () => undefined,
    storeFiles: async () => FOLDER,
  };
}

/** Records what the rules asked to render; answers with the files it was given plus store.yaml. */
function deps(generated: string[] = []): RuleDeps & { rendered: { spec: StoreSpec; existing?: ReadonlyMap<string, string> }[] } {
  const rendered: { spec: StoreSpec; existing?: ReadonlyMap<string, string> }[] = [];
  return {
    rendered,
    finalBackups: false,
    render: (spec, _platform, existing): RenderResult => {
      rendered.push({ spec, existing });
      return { files: new Map([['stores/xx/shop/store.yaml', JSON.stringify(spec)]]), generatedSecrets: generated };
    },
  };
}

const AT = '2026-12-05T12:00:00Z';
const backup = (requester: Requester, name = 'shop'): WriteRequest => ({ action: 'backup', name, requester, digest: 'd', createdAt: AT });
const rollback = (requester: Requester, input: { snapshot: string; confirm: unknown }, name = 'shop'): WriteRequest => ({ action: 'rollback', name, input, requester, digest: 'd', createdAt: AT });
const GOOD = { snapshot: '4f2a9c1e', confirm: 'shop' };

describe('"Back up now" rules', () => {
  it("the owner's request becomes manualBackup {requestedAt: arrival, by}, re-rendered over the store's own files", async () => {
    const d = deps();
    const decision = await decide(backup(alice), view(), d);
    expect(decision).toMatchObject({ change: { action: 'backup', name: 'shop', title: 'Back up store shop now', spec: { ...shop, manualBackup: { requestedAt: AT, by: 'alice' } } } });
    expect(d.rendered).toEqual([{ spec: { ...shop, manualBackup: { requestedAt: AT, by: 'alice' } }, existing: FOLDER }]);
    expect(await decide(backup(admin), view(), deps())).toMatchObject({ change: { spec: { manualBackup: { by: 'root' } } } });
  });

  it("refuses someone else's store (404), a store with a change pending (409), and a platform without a target (409)", async () => {
    await expect(decide(backup(bob), view(), deps())).rejects.toBeInstanceOf(StoreNotFound);
    await expect(decide(backup(alice, 'other'), view(), deps())).rejects.toBeInstanceOf(StoreNotFound);
    await expect(decide(backup(alice), view({ pending: { action: 'delete', url: 'https://github.com/acme/gitops/pull/7' } }), deps())).rejects.toBeInstanceOf(StoreBusy);
    await expect(decide(backup(alice), view({ platform: withoutTarget }), deps())).rejects.toBeInstanceOf(NoBackupTarget);
  });

  it('never gives an existing store a new secret: a folder missing one is refused', async () => {
    const err = await decide(backup(alice), view(), deps(['postgres-credentials'])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreBusy);
    expect((err as Error).message).toContain('lacks the sealed secrets postgres-credentials');
  });

  it('refuses a store marked for deletion: only its final backup runs now (409)', async () => {
    const marked = { ...shop, deleting: { requestedAt: '2026-12-05T11:00:00Z', by: 'alice' } };
    const err = await decide(backup(alice), view({ spec: marked }), deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreBusy);
    expect((err as Error).message).toContain('is being deleted');
    await expect(decide(rollback(admin, GOOD), view({ spec: marked }), deps())).rejects.toBeInstanceOf(StoreBusy);
  });

  it('refuses a store whose store.yaml cannot be read (admins see it; nothing to render from)', async () => {
    await expect(decide(backup(admin), view({ spec: null }), deps())).rejects.toBeInstanceOf(StoreBusy);
  });
});

describe('roll-back rules', () => {
  it("an admin's request with the name typed again becomes rollback {snapshot, requestedAt, by}", async () => {
    expect(await decide(rollback(admin, GOOD), view(), deps())).toMatchObject({
      change: { action: 'rollback', title: 'Roll store shop back to snapshot 4f2a9c1e', spec: { ...shop, rollback: { snapshot: '4f2a9c1e', requestedAt: AT, by: 'root' } } },
    });
  });

  it('members may not, not even for their own store (403); others do not learn about the store (404)', async () => {
    await expect(decide(rollback(alice, GOOD), view(), deps())).rejects.toBeInstanceOf(NotAllowed);
    await expect(decide(rollback(bob, GOOD), view(), deps())).rejects.toBeInstanceOf(StoreNotFound);
  });

  it('refuses a confirmation that is not the exact name and a malformed snapshot ID, both named, before anything is rendered', async () => {
    const d = deps();
    for (const [input, fields] of [
      [{ snapshot: '4f2a9c1e', confirm: 'Shop' }, ['confirm']],
      [{ snapshot: '4f2a9c1e', confirm: undefined }, ['confirm']],
      [{ snapshot: 'latest', confirm: 'shop' }, ['snapshot']],
      [{ snapshot: '4f2a9c1', confirm: 'shop' }, ['snapshot']],
      [{ snapshot: '--repo=/x', confirm: 'shop ' }, ['snapshot', 'confirm']],
    ] as const) {
      const err = await decide(rollback(admin, input), view(), d).catch((e: unknown) => e);
      expect(err, JSON.stringify(input)).toBeInstanceOf(InvalidStoreRequest);
      expect((err as InvalidStoreRequest).issues.map((i) => i.field)).toEqual(fields);
    }
    expect(d.rendered).toEqual([]);
  });

  it('needs a backup target (409) like "Back up now"', async () => {
    await expect(decide(rollback(admin, GOOD), view({ platform: withoutTarget }), deps())).rejects.toBeInstanceOf(NoBackupTarget);
  });
});
