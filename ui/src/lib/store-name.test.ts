// The dialog's name check must agree with the server's schema: same cases, same first message.
import { describe, expect, it } from 'vitest';
import { storeName, RESERVED_NAMES as SERVER_RESERVED, MAX_NAME_LENGTH as SERVER_MAX } from '../../../generator/spec.ts';
import { MAX_NAME_LENGTH, RESERVED_NAMES, storeNameProblem } from './store-name.ts';

const CASES = [
  'shop', 'a', 'a1', 'my-shop-2', 'x'.repeat(40), 'x'.repeat(41), '', 'Shop', 'shop_1', 'shop.1', 'shop 1', 'ümlaut',
  '1shop', '-shop', 'shop-', 'sh--op', 'admin', 'api', 'www', 'storefleet', 'kube-system', 'kube-x', 'kubex',
  'shop-admin', 'shop-api', 'shop-admins', 'shopadmin', 'a-b-c', '9', 'z9', 'aa-', 'ab-c-', 'é',
];

function serverMessage(name: string): string | undefined {
  const r = storeName.safeParse(name);
  return r.success ? undefined : r.error.issues[0].message;
}

describe('storeNameProblem mirrors generator/spec.ts storeName', () => {
  it.each(CASES)('%j', (name) => {
    expect(storeNameProblem(name)).toBe(serverMessage(name));
  });

  it('has the same reserved names and length limit', () => {
    expect([...RESERVED_NAMES].sort()).toEqual([...SERVER_RESERVED].sort());
    expect(MAX_NAME_LENGTH).toBe(SERVER_MAX);
    for (const n of RESERVED_NAMES) expect(storeNameProblem(n)).toBe(`"${n}" is reserved`);
  });

  it('accepts a valid name and rejects an invalid one (the test can fail)', () => {
    expect(storeNameProblem('fine-name')).toBeUndefined();
    expect(storeNameProblem('Bad')).toBe('use only lowercase letters, digits and hyphens');
  });
});
