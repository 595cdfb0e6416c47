// The store service and its rules without Git: a transport that holds every change at the door
// (to see what happens while one is in flight) over a view made of plain maps.
import { describe, expect, it } from 'vitest';
import { parsePlatform, type ResolvedPlatform } from '../../generator/platform.ts';
import { TEMPLATE_PLATFORM_TEXT } from '../../generator/test/helpers.ts';
import type { StoreSpec } from '../../generator/spec.ts';
import { ForceDeleteForbidden, IdempotencyKeyReused, InvalidStoreRequest, StoreBusy, StoreLimitReached, StoreNotDeleting, StoreNotFound } from './errors.ts';
import type { ChangeSet, Decide, Deletion, GitTransport, PendingChange, StoreView } from './port.ts';
import { nameOf, removalDue, type LiveStoreFacts } from './rules.ts';
import { StoreService } from './service.ts';
import type { Requester, WriteRequest, WriteResult } from './types.ts';

const alice: Requester = { id: 'alice', role: 'member', name: 'Alice', email: 'alice@example.com' };
const bob: Requester = { id: 'bob', role: 'member', name: 'Bob', email: 'bob@example.com' };
const platform: ResolvedPlatform = { config: { ...parsePlatform(TEMPLATE_PLATFORM_TEXT), limits: { storesPerOwner: 2 } }, sealingCertificatePem: '' };
const specOf = (name: string, owner: string): StoreSpec => ({ name, engine: 'medusa', plan: 'small', displayName: name, owner, createdAt: '2026-12-01T00:00:00Z' });

/** A base of plain maps: stores on the branch, changes waiting for review, deleted lifetimes. */
function view(o: { stores?: StoreSpec[]; pending?: Map<string, PendingChange>; deletions?: Deletion[] } = {}): StoreView & { asked: (string | undefined)[] } {
  const stores = new Map((o.stores ?? []).map((s) => [s.name, s]));
  const pending = o.pending ?? new Map();
  const asked: (string | undefined)[] = [];
  return {
    asked,
    tip: 'a'.repeat(40),
    platform: () => platform,
    store: (name) => (stores.has(name) ? { spec: stores.get(name) } : undefined),
    pending: (name) => pending.get(name),
    ownerCount: (owner) => [...stores.values()].filter((s) => s.owner === owner).length + [...pending.values()].filter((p) => p.action !== 'delete' && p.spec?.owner === owner).length,
    findKey: () => undefined,
    storeFiles: async (name) => new Map(stores.has(name) ? [[`stores/x/${name}/store.yaml`, 'existing']] : []),
    deletion: async (name, owner) => {
      asked.push(owner);
      return o.deletions?.find((d) => d.spec?.name === name && (owner === undefined || d.spec.owner === owner));
    },
  };
}

/** Decides on `base`, then waits at the door until `open()`; counts executions. */
class DoorTransport implements GitTransport {
  readonly mode = 'direct' as const;
  readonly applied: WriteRequest[] = [];
  readonly changes: ChangeSet[] = [];
  private readonly waiting: (() => void)[] = [];
  private readonly base: StoreView;
  constructor(base: StoreView = view()) {
    this.base = base;
  }
  async apply(req: WriteRequest, decide: Decide): Promise<WriteResult> {
    this.applied.push(req);
    const d = await decide(this.base);
    await new Promise<void>((r) => this.waiting.push(r));
    if ('replay' in d) return d.replay;
    this.changes.push(d.change);
    const action = d.change.action === 'mark' ? 'delete' : d.change.action;
    return { action, name: nameOf(req), commit: `${this.applied.length}`.padStart(40, '0'), spec: d.change.spec, replayed: false };
  }
  open(): void {
    for (const go of this.waiting.splice(0)) go();
  }
  async refresh(): Promise<string> {
    return this.base.tip;
  }
  onPush(): void {}
}

const render = () => ({ files: new Map([['x', 'y']]), generatedSecrets: [] });
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('Idempotency-Key in flight', () => {
  it('identical requests together execute once and all get that answer', async () => {
    const t = new DoorTransport();
    const s = new StoreService(t, { render });
    const ask = { requester: alice, idempotencyKey: 'k' };
    const answers = [s.create({ name: 'shop', engine: 'medusa' }, ask), s.create({ name: 'shop', engine: 'medusa' }, ask)];
    await settle();
    t.open();
    const [a, b] = await Promise.all(answers);
    expect(t.applied).toHaveLength(1);
    expect(b.commit).toBe(a.commit);
    expect([a.replayed, b.replayed]).toEqual([false, true]);
  });

  it('another request with a key in flight is refused and never reaches the transport; the key is free again afterwards', async () => {
    const t = new DoorTransport();
    const s = new StoreService(t, { render });
    const ask = { requester: alice, idempotencyKey: 'k' };
    const first = s.create({ name: 'shop', engine: 'medusa' }, ask);
    await expect(s.create({ name: 'shop', engine: 'medusa', displayName: 'Other' }, ask)).rejects.toBeInstanceOf(IdempotencyKeyReused);
    await expect(s.delete('shop', ask)).rejects.toBeInstanceOf(IdempotencyKeyReused);
    await expect(s.restore('other', ask)).rejects.toBeInstanceOf(IdempotencyKeyReused);
    // Keys are per requester.
    const bobs = s.create({ name: 'bobs', engine: 'medusa' }, { requester: bob, idempotencyKey: 'k' });
    await settle();
    t.open();
    await Promise.all([first, bobs]);
    expect(t.applied.map((r) => nameOf(r))).toEqual(['shop', 'bobs']);
    // Done: from now on history answers for the key (the rules' findKey), not the in-flight table.
    const later = s.create({ name: 'shop-2', engine: 'medusa' }, ask);
    await settle();
    t.open();
    await later;
    expect(t.applied).toHaveLength(3);
  });
});

describe('rules', () => {
  it('the limit counts stores waiting for review, the owner’s only', async () => {
    const pending = new Map<string, PendingChange>([['p1', { url: 'u1', action: 'create', spec: specOf('p1', 'alice') }]]);
    const t = new DoorTransport(view({ stores: [specOf('s1', 'alice'), specOf('b1', 'bob')], pending }));
    const s = new StoreService(t, { render });
    await expect(s.create({ name: 'third', engine: 'medusa' }, { requester: alice })).rejects.toBeInstanceOf(StoreLimitReached);
    const ok = s.create({ name: 'bobs-second', engine: 'medusa' }, { requester: bob });
    await settle();
    t.open();
    expect((await ok).spec?.owner).toBe('bob');
  });

  it('a store with a change waiting for review is busy for its owner, not found for others', async () => {
    const pending = new Map<string, PendingChange>([['p1', { url: 'u1', action: 'create', spec: specOf('p1', 'alice') }]]);
    const s = new StoreService(new DoorTransport(view({ pending })), { render });
    await expect(s.delete('p1', { requester: alice })).rejects.toBeInstanceOf(StoreBusy);
    await expect(s.delete('p1', { requester: bob })).rejects.toBeInstanceOf(StoreNotFound);
  });

  it("restore looks for the requester's own deleted lifetime; admins for anyone's", async () => {
    const deletions: Deletion[] = [{ commit: 'd'.repeat(40), subject: 'Revert', folderTree: 't'.repeat(40), ref: `${'d'.repeat(40)}^`, spec: specOf('reused', 'alice') }];
    const base = view({ deletions });
    const t = new DoorTransport(base);
    const s = new StoreService(t, { render });
    await expect(s.restore('reused', { requester: bob })).rejects.toBeInstanceOf(StoreNotFound);
    const mine = s.restore('reused', { requester: alice });
    const admins = s.restore('reused', { requester: { ...alice, id: 'root', role: 'admin' } });
    await settle();
    t.open();
    expect((await mine).spec?.owner).toBe('alice');
    expect((await admins).spec?.owner).toBe('alice');
    expect(base.asked).toEqual(['bob', 'alice', undefined]);
  });
});

describe('two-phase delete (a final backup before the folder goes)', () => {
  const withTarget: ResolvedPlatform = { ...platform, config: { ...platform.config, backup: { finalBackupRetentionDays: 30 } as ResolvedPlatform['config']['backup'] } };
  const marked = (name: string, owner: string, requestedAt = '2026-12-05T12:00:00Z'): StoreSpec => ({ ...specOf(name, owner), deleting: { requestedAt, by: owner } });
  const root: Requester = { ...alice, id: 'root', role: 'admin' };
  const seen: { spec: StoreSpec; existing?: ReadonlyMap<string, string> }[] = [];
  const recordingRender = (input: { spec: StoreSpec; existing?: ReadonlyMap<string, string> }) => {
    seen.push(input);
    return render();
  };
  /** A service over `stores` with the platform's backup target (or none), decisions applied at once. */
  const setup = (stores: StoreSpec[], o: { target?: boolean; finalBackups?: boolean; live?: LiveStoreFacts } = {}) => {
    const base = view({ stores });
    const t = new DoorTransport({ ...base, platform: () => (o.target === false ? platform : withTarget) });
    const s = new StoreService(t, { render: recordingRender, finalBackups: o.finalBackups ?? true, live: () => o.live });
    const run = async <T>(p: Promise<T>) => {
      await settle();
      t.open();
      return p;
    };
    return { t, s, run };
  };
  /** alice's Delete on `shop` committed a mark with her name and the request's time. */
  const markedBy = async ({ t, s, run }: ReturnType<typeof setup>) => {
    seen.length = 0;
    await run(s.delete('shop', { requester: alice }));
    const change = t.changes[0];
    if (change.action !== 'mark') throw new Error(`expected a mark, got ${change.action}`);
    expect(change.spec.deleting).toEqual({ requestedAt: t.applied[0].createdAt, by: 'alice' });
    return { change, t };
  };

  it('with a backup target, Delete commits a mark (who, when) rendered over the store’s own files, not a removal', async () => {
    const { change } = await markedBy(setup([specOf('shop', 'alice')]));
    expect(seen.at(-1)?.spec.deleting?.by).toBe('alice');
    expect([...(seen.at(-1)?.existing ?? new Map()).values()]).toEqual(['existing']);
    expect(change.trailers).toMatchObject({ action: 'delete', requestedBy: 'alice' });
  });

  it('without a target, or without an Argo CD to report the Job, Delete stays one commit', async () => {
    for (const o of [{ target: false }, { finalBackups: false }]) {
      const { t, s, run } = setup([specOf('shop', 'alice')], o);
      await run(s.delete('shop', { requester: alice }));
      expect(t.changes[0]).toMatchObject({ action: 'delete', why: 'delete' });
    }
  });

  it('a marked store is busy for another Delete', async () => {
    const { s } = setup([marked('shop', 'alice')]);
    await expect(s.delete('shop', { requester: alice })).rejects.toThrow(/already being deleted .* final backup/);
  });

  it('Delete again after the final backup of the current mark failed: a new mark (new Job), by the owner too', async () => {
    const { change, t } = await markedBy(setup([marked('shop', 'alice')], { live: { finalBackup: { mark: '2026-12-05T12:00:00Z', state: 'failed' } } }));
    expect(change.spec.deleting?.requestedAt).not.toBe('2026-12-05T12:00:00Z');
    expect(seen.at(-1)?.spec.deleting?.requestedAt).toBe(t.applied[0].createdAt);
  });

  it.each([
    ['running', { finalBackup: { mark: '2026-12-05T12:00:00Z', state: 'pending' as const } }],
    ['failed for an earlier mark', { finalBackup: { mark: '2026-12-05T11:00:00Z', state: 'failed' as const } }],
    ['not known', undefined],
  ])('a marked store whose final backup is %s stays busy for another Delete', async (_what, live) => {
    const { s } = setup([marked('shop', 'alice')], { live });
    await expect(s.delete('shop', { requester: alice })).rejects.toThrow(/already being deleted .* delete it again to retry/);
    await expect(s.delete('shop', { requester: bob })).rejects.toBeInstanceOf(StoreNotFound);
  });

  it('a store whose Application never synced successfully goes in one commit, without a final backup (also once marked)', async () => {
    for (const spec of [specOf('shop', 'alice'), marked('shop', 'alice')]) {
      const { t, s, run } = setup([spec], { live: { neverSynced: true } });
      const r = await run(s.delete('shop', { requester: alice }));
      expect(t.changes[0]).toMatchObject({ action: 'delete', why: 'never-ran', trailers: { action: 'delete', requestedBy: 'alice' } });
      expect(r.marked).toBeUndefined();
    }
    // Synced once (or not known): the two-phase delete as before.
    const { t, s, run } = setup([specOf('shop', 'alice')], { live: { neverSynced: false } });
    await run(s.delete('shop', { requester: alice }));
    expect(t.changes[0].action).toBe('mark');
  });

  it('phase 2 removes the folder only while the store carries the mark whose backup completed; history names who asked', async () => {
    const { t, s, run } = setup([marked('shop', 'alice'), specOf('plain', 'alice'), marked('again', 'alice', '2026-12-05T13:00:00Z')]);
    await run(s.removeAfterFinalBackup('shop', '2026-12-05T12:00:00Z'));
    expect(t.changes[0]).toMatchObject({ action: 'delete', why: 'remove', trailers: { action: 'delete', requestedBy: 'alice' } });
    await expect(s.removeAfterFinalBackup('plain', '2026-12-05T12:00:00Z')).rejects.toBeInstanceOf(StoreNotDeleting);
    // Restored and deleted again meanwhile: the new mark's backup has not been seen yet.
    await expect(s.removeAfterFinalBackup('again', '2026-12-05T12:00:00Z')).rejects.toBeInstanceOf(StoreNotDeleting);
    await expect(s.removeAfterFinalBackup('gone', '2026-12-05T12:00:00Z')).rejects.toBeInstanceOf(StoreNotFound);
  });

  it('force delete: admins only, with the store’s name typed, of a marked store', async () => {
    const { t, s, run } = setup([marked('shop', 'alice'), specOf('plain', 'alice')]);
    await expect(s.forceDelete('shop', 'shop', { requester: alice })).rejects.toBeInstanceOf(ForceDeleteForbidden);
    await expect(s.forceDelete('shop', 'shop ', { requester: root })).rejects.toBeInstanceOf(InvalidStoreRequest);
    await expect(s.forceDelete('plain', 'plain', { requester: root })).rejects.toBeInstanceOf(StoreNotDeleting);
    await expect(s.forceDelete('nope', 'nope', { requester: root })).rejects.toBeInstanceOf(StoreNotFound);
    await run(s.forceDelete('shop', 'shop', { requester: root }));
    expect(t.changes).toHaveLength(1);
    expect(t.changes[0]).toMatchObject({ action: 'delete', why: 'force-delete', trailers: { action: 'delete', requestedBy: 'root' } });
  });
});

describe('removalDue (phase 2 of a two-phase delete)', () => {
  const spec = { deleting: { requestedAt: '2026-12-05T12:00:00Z', by: 'alice' } };
  it.each([
    ['complete, same mark', spec, { mark: '2026-12-05T12:00:00Z', state: 'complete' as const }, true],
    ['pending', spec, { mark: '2026-12-05T12:00:00Z', state: 'pending' as const }, false],
    ['failed', spec, { mark: '2026-12-05T12:00:00Z', state: 'failed' as const }, false],
    ['complete for an older mark', spec, { mark: '2026-12-05T11:00:00Z', state: 'complete' as const }, false],
    ['not marked', {}, { mark: '2026-12-05T12:00:00Z', state: 'complete' as const }, false],
    ['no status', spec, undefined, false],
  ])('%s → %s', (_what, s, status, due) => {
    expect(removalDue(s, status)).toBe(due);
  });
});
