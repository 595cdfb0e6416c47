// Values for a store's secrets: generated once with a CSPRNG, sealed, never regenerated.
import { randomBytes } from 'node:crypto';
import { engineOf } from '../constructs/engines/index.ts';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// WordPress keys/salts use printable ASCII; quotes and backslashes are left out so the values
// survive wp-config.php and shell quoting unchanged.
const SALT_CHARS = ALNUM + '!#$%&()*+,-./:;<=>?@[]^_{|}~';

export type RandomSource = (bytes: number) => Buffer;

/** Unbiased random string over an alphabet (rejection sampling). */
export function randomString(length: number, alphabet: string, random: RandomSource = randomBytes): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < limit) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export interface SecretContext {
  storeName: string;
  domain: string;
}

/** The value of one secret key. Non-random values (user names, emails) still live in the secret. */
export function secretValue(key: string, ctx: SecretContext, random: RandomSource = randomBytes): string {
  if (key === 'ADMIN_USER') return 'storeadmin';
  if (key === 'ADMIN_EMAIL') return `admin@${ctx.storeName}.${ctx.domain}`;
  if (key === 'PUBLISHABLE_KEY') return `pk_${random(32).toString('hex')}`;
  if (key.endsWith('_PASSWORD')) return randomString(32, ALNUM, random);
  if (key.startsWith('WORDPRESS_')) return randomString(64, SALT_CHARS, random);
  if (key.endsWith('_SECRET')) return random(32).toString('hex');
  throw new Error(`no generation rule for secret key ${key}`);
}

/** secret name → keys for an engine (its Engine.secrets). */
export function secretKeysFor(engine: string): Readonly<Record<string, readonly string[]>> {
  return engineOf(engine).secrets;
}
