// Field rules of the platform deployment (platform.yaml `storefleet:`), defined once: the
// generator's platform.yaml schema is built from them and the platform chart checks its props
// with the same objects, so the two can no longer disagree (they once capped replicas at 20 and 50).
import { z } from 'zod';

export { image } from '../engines/schema.ts';

export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const dnsLabel = z.string().regex(DNS_LABEL, { error: 'expected a DNS label (lowercase letters, digits, hyphens; at most 63)' });

/** The platform's own namespace: store-* names belong to stores. */
export const platformNamespace = dnsLabel.refine((n) => !n.startsWith('store-'), { error: 'must not start with "store-" (reserved for stores)' });

export const replicas = z.int({ error: 'expected an integer from 1 to 20' }).min(1, { error: 'expected an integer from 1 to 20' }).max(20, { error: 'expected an integer from 1 to 20' });

export const cidr = z.string().regex(/^(?:\d{1,3}\.){3}\d{1,3}\/\d{1,2}$|^[0-9a-f:]+\/\d{1,3}$/, { error: 'expected a CIDR such as "140.82.112.0/20"' });

export const networkPort = z.int({ error: 'expected a port (1-65535)' }).min(1, { error: 'expected a port (1-65535)' }).max(65535, { error: 'expected a port (1-65535)' });

export const storefleetEnvName = z.string().regex(/^STOREFLEET_[A-Z0-9_]+$/, { error: 'only STOREFLEET_* variables' });
