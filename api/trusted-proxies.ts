// Which peers may tell us the client's address (X-Forwarded-For). Express walks the header from
// the right and stops at the first address that is not a trusted proxy: that is the client. With
// no trusted proxies the client is the TCP peer and the header is ignored (a client can forge it).
import { isIP } from 'node:net';

/** Express's named ranges: 127.0.0.0/8 + ::1, 169.254.0.0/16 + fe80::/10, 10/8 + 172.16/12 + 192.168/16 + fc00::/7. */
export const PROXY_PRESETS = ['loopback', 'linklocal', 'uniquelocal'] as const;

/** An IP, a CIDR (address/prefix) or one of PROXY_PRESETS. */
export function isTrustedProxyEntry(entry: string): boolean {
  if ((PROXY_PRESETS as readonly string[]).includes(entry)) return true;
  const [addr, prefix, extra] = entry.split('/');
  const family = isIP(addr);
  if (!family || extra !== undefined) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The value for Express's `trust proxy` setting. */
export function trustProxySetting(trusted: string[]): false | string[] {
  return trusted.length ? [...trusted] : false;
}
