import { describe, expect, it } from 'vitest';
import { exactTime, relativeTime } from './time.ts';

const now = Date.parse('2026-11-23T12:00:00Z');
describe('relativeTime', () => {
  it.each([
    ['2026-11-23T11:59:50Z', 'just now'],
    ['2026-11-23T11:55:00Z', '5 minutes ago'],
    ['2026-11-23T09:00:00Z', '3 hours ago'],
    ['2026-11-22T12:00:00Z', 'yesterday'],
    ['2026-11-09T12:00:00Z', '2 weeks ago'],
  ])('%s → %s', (iso, text) => expect(relativeTime(iso, now)).toBe(text));
  it('shows the exact time in UTC', () => expect(exactTime('2026-11-23T09:08:07.123Z')).toBe('2026-11-23 09:08:07 UTC'));
});
