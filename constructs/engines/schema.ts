// Validators for what an engine puts into platform.yaml (image pins, versions, container sizes).
// They live on the constructs side so an engine folder can declare its own schema; the generator
// builds platform.yaml's schema from them and from the registry (generator/platform.ts).
import { z } from 'zod';

// Kubernetes quantities as people write them: plain or decimal numbers with an optional suffix.
const QUANTITY = /^(?:[0-9]+(?:\.[0-9]+)?)(?:m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
export const quantity = z
  .string({ error: 'expected a Kubernetes quantity such as "500m" or "2Gi"' })
  .regex(QUANTITY, { error: 'expected a Kubernetes quantity such as "500m" or "2Gi"' });

// registry/path/name:tag or @sha256 digest; a tag is required and "latest" is refused.
const IMAGE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:(?::[0-9]+)?\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
export const image = z
  .string({ error: 'expected an image reference' })
  .regex(IMAGE, { error: 'expected an image reference such as "docker.io/library/mariadb:11.4.8"' })
  .refine((s) => /:[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(s.split('/').pop() ?? '') || s.includes('@sha256:'), {
    error: 'image must be pinned to a tag or digest',
  })
  .refine((s) => !/:latest(@|$)/.test(s), { error: 'image tag "latest" is not allowed: pin an exact version' });

export const version = z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+$/, { error: 'expected an exact version such as "10.3.5"' });

/** ephemeralStorage is optional: omitted, the constructs derive it per container (docs/constructs.md). */
export const amounts = z.strictObject({ cpu: quantity, memory: quantity, ephemeralStorage: quantity.optional() });
/** requests + limits of one container. */
export const containerResources = z
  .strictObject({ requests: amounts, limits: amounts })
  .refine((r) => (r.requests.ephemeralStorage === undefined) === (r.limits.ephemeralStorage === undefined), {
    error: 'set requests.ephemeralStorage and limits.ephemeralStorage together (or neither: derived per container)',
  });
