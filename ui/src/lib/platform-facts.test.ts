import { describe, expect, it } from 'vitest';
import { commitLabel } from '../components/activity-log.tsx';
import { atStoreLimit, platformFacts, possibleStatuses } from './platform-facts.ts';

describe('platformFacts and possibleStatuses', () => {
  it('reads what /api/platform says about Argo CD and the write mode', () => {
    expect(platformFacts({ mode: 'direct', argocd: { configured: false, connected: false } })).toEqual({ mode: 'direct', argocd: false });
    expect(platformFacts({ mode: 'pull-request', argocd: { configured: true, connected: false } })).toEqual({ mode: 'pull-request', argocd: true });
    expect(platformFacts(undefined)).toEqual({});
  });

  it('reads how long a final backup is kept, or that there is none', () => {
    const summary = { domain: 'x', scheme: 'http' };
    const with_ = (platform: object, configured = true) => platformFacts({ argocd: { configured, connected: true }, platform: { ...summary, ...platform } } as never);
    expect(with_({ backupTarget: true, finalBackupRetentionDays: 30 }).finalBackupDays).toBe(30);
    expect(with_({ backupTarget: false }).finalBackupDays).toBeNull();
    // Without an Argo CD to report the Job, a delete does not wait for a final backup.
    expect(with_({ backupTarget: true, finalBackupRetentionDays: 30 }, false)).not.toHaveProperty('finalBackupDays');
    expect(with_({})).not.toHaveProperty('finalBackupDays');
  });

  it('offers only the statuses that can occur', () => {
    expect(possibleStatuses({ mode: 'direct', argocd: false })).toEqual(['committed']);
    expect(possibleStatuses({ mode: 'pull-request', argocd: false })).toEqual(['pending-review', 'committed']);
    expect(possibleStatuses({ mode: 'direct', argocd: true })).toEqual(['committed', 'provisioning', 'ready', 'failed', 'deleting', 'unknown']);
    expect(possibleStatuses({})).not.toContain('deleted'); // unknown yet: everything a live store can be
  });
});

describe('atStoreLimit', () => {
  const stores = [
    { owner: 'alice', status: 'committed' },
    { owner: 'alice', status: 'ready' },
    { owner: 'alice', status: 'deleted' },
    { owner: 'bob', status: 'ready' },
  ];
  it('counts a member’s live stores against the limit; admins have none', () => {
    const facts = platformFacts({ user: { id: 'alice', role: 'member' }, platform: { domain: 'x', scheme: 'http', limits: { storesPerOwner: 2 } } });
    expect(facts.storesPerOwner).toBe(2);
    expect(atStoreLimit(facts, stores)).toEqual({ owned: 2, limit: 2 });
    expect(atStoreLimit({ ...facts, storesPerOwner: 3 }, stores)).toBeUndefined();
    expect(atStoreLimit({ ...facts, user: { id: 'alice', role: 'admin' } }, stores)).toBeUndefined();
  });
});

describe('commitLabel', () => {
  it('says deletes and restores instead of nested reverts', () => {
    expect(commitLabel('Create store shop')).toBe('Create store shop');
    expect(commitLabel('Revert "Create store shop"')).toBe('Delete store shop');
    expect(commitLabel('Revert "Revert "Create store shop""')).toBe('Restore store shop');
    expect(commitLabel('Revert "Revert "Revert "Create store shop"""')).toBe('Delete store shop');
    expect(commitLabel('Reapply "Create store shop"')).toBe('Restore store shop');
    expect(commitLabel('Revert "Update the plans"')).toBe('Revert "Update the plans"');
  });
});

describe('backup target', () => {
  it('is known only when the API says so', () => {
    expect(platformFacts({ platform: { domain: 'x', scheme: 'http', backupTarget: true } } as never).backupTarget).toBe(true);
    expect(platformFacts({ platform: { domain: 'x', scheme: 'http', backupTarget: false } } as never).backupTarget).toBe(false);
    expect('backupTarget' in platformFacts({ platform: { domain: 'x', scheme: 'http' } } as never)).toBe(false);
  });
});
