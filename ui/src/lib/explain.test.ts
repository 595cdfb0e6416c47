import { describe, expect, it } from 'vitest';
import { ApiError } from './api.ts';
import { explain } from './explain.ts';

describe('explain', () => {
  it('uses the server title and detail, and advice by status', () => {
    const e = explain(new ApiError({ title: 'Store exists', status: 409, detail: 'a store named "shop" already exists' }));
    expect(e.what).toBe('Store exists: a store named "shop" already exists');
    expect(e.todo).toBe('Choose another name.');
  });
  it('turns network loss into advice, not a stack trace', () => {
    const e = explain(new ApiError({ title: 'network', status: 0, detail: 'Failed to fetch' }));
    expect(e.what).toBe('The Storefleet API cannot be reached.');
    expect(e.todo).toMatch(/reconnects/);
  });
  it('passes Retry-After into the advice for 429 and 503', () => {
    expect(explain(new ApiError({ title: 'Too Many Requests', status: 429 }, 12)).todo).toMatch(/^Wait 12 seconds/);
    expect(explain(new ApiError({ title: 'Git remote unreachable', status: 503 }, 1)).todo).toMatch(/^Wait 1 second and/);
  });
  it('lists field errors of a 422', () => {
    const e = explain(new ApiError({ title: 'Invalid request', status: 422, errors: [{ field: 'name', reason: 'name is required' }] }));
    expect(e.fields).toEqual([{ field: 'name', reason: 'name is required' }]);
  });
});
