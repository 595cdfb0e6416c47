// The races between a re-list and the stream, decided by resource versions and tombstones.
import { describe, expect, it } from 'vitest';
import { summarizeApplication, type AppSummary } from './app-summary.ts';
import { AppView } from './app-view.ts';
import { readyApp, variant } from './fixtures/applications.ts';

const at = (name: string, rv: string, health: 'Healthy' | 'Progressing' = 'Healthy'): AppSummary =>
  summarizeApplication(variant((a) => (a.status!.health = { status: health }), readyApp(name, undefined, rv)))!;

describe('AppView', () => {
  it('an older copy (from a list taken before a stream event) never overwrites a newer one', () => {
    const v = new AppView();
    v.upsert(at('a', '10', 'Progressing'));
    v.upsert(at('a', '12', 'Healthy')); // stream
    v.reconcile([at('a', '11', 'Progressing')], '11'); // list snapshot taken earlier
    expect(v.get('a')?.resourceVersion).toBe('12');
    expect(v.get('a')?.health.status).toBe('Healthy');
  });

  it('a deleted Application does not come back from a list taken before its deletion', () => {
    const v = new AppView();
    v.upsert(at('a', '10'));
    v.remove('a', '13'); // DELETED on the stream
    v.reconcile([at('a', '12')], '12');
    expect(v.get('a')).toBeUndefined();
    v.upsert(at('a', '20')); // re-created later (restore)
    expect(v.get('a')?.resourceVersion).toBe('20');
  });

  it('a list removes what is gone, but keeps what arrived on the stream after the snapshot', () => {
    const v = new AppView();
    v.upsert(at('old', '5'));
    v.upsert(at('new', '30')); // ADDED on the stream after the list below was taken
    const { removed } = v.reconcile([], '25');
    expect(removed).toBe(1);
    expect(v.get('old')).toBeUndefined();
    expect(v.get('new')).toBeDefined();
  });

  it('emits one change per real change, none for a reconcile-only update (reconciledAt, resourceVersion)', () => {
    const v = new AppView();
    const changes: string[] = [];
    v.onChange((c) => changes.push(`${c.type}:${c.storeName}`));
    v.upsert(at('a', '1'));
    const touched = { ...at('a', '2'), reconciledAt: '2026-11-23T11:00:00Z' };
    v.upsert(touched);
    v.upsert(at('a', '3', 'Progressing'));
    v.remove('a', '4');
    v.remove('a', '5');
    expect(changes).toEqual(['upsert:a', 'upsert:a', 'delete:a']);
  });
});
