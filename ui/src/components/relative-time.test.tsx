// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/preact';
import { afterEach, expect, it, vi } from 'vitest';
import { RelativeTime } from './relative-time.tsx';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

it('keeps the relative time current and the exact time on hover', () => {
  vi.useFakeTimers({ now: Date.parse('2026-11-23T12:00:00Z') });
  render(<RelativeTime iso="2026-11-23T11:58:00Z" />);
  const time = screen.getByText('2 minutes ago');
  expect(time.getAttribute('title')).toBe('2026-11-23 11:58:00 UTC');
  act(() => void vi.advanceTimersByTime(3 * 60_000));
  expect(time.textContent).toBe('5 minutes ago');
});
