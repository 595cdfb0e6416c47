// The one place where errors become application/problem+json answers: the store rules' domain
// errors (api/stores/errors.ts), the generator's validation errors and an unreachable remote.
import { ValidationError } from '../../generator/errors.ts';
import { RemoteUnavailableError } from '../git/mirror.ts';
import { ApiProblem, unavailableProblem, validationProblem } from '../problem.ts';
import {
  ForceDeleteForbidden,
  IdempotencyKeyReused,
  InvalidStoreRequest,
  NoBackupTarget,
  NotAllowed,
  PlatformInvalid,
  StoreBusy,
  StoreExists,
  StoreLimitReached,
  StoreNotDeleting,
  StoreNotFound,
  TransportUnavailable,
  WriteContention,
} from '../stores/errors.ts';

/** The problem document for `err`, or undefined when it is not an expected failure (a 500). */
export function problemOf(err: unknown, retryAfterSeconds: number): ApiProblem | undefined {
  if (err instanceof ApiProblem) return err;
  if (err instanceof ValidationError) return validationProblem(err.issues);
  if (err instanceof InvalidStoreRequest) return validationProblem(err.issues);
  if (err instanceof RemoteUnavailableError) return unavailableProblem(`The Git remote cannot be reached: ${err.message}`, retryAfterSeconds);
  if (err instanceof TransportUnavailable) return unavailableProblem(err.message, retryAfterSeconds);
  if (err instanceof StoreNotFound) return new ApiProblem(404, 'store-not-found', err.what === 'store' ? 'Store not found' : 'Nothing to restore', err.message);
  if (err instanceof StoreExists) return new ApiProblem(409, 'store-exists', 'Store exists', err.message);
  if (err instanceof StoreBusy) return new ApiProblem(409, err.pendingUrl ? 'pull-request-open' : 'store-busy', err.pendingUrl ? 'A pull request is already open' : 'Store is being changed', err.message);
  if (err instanceof StoreNotDeleting) return new ApiProblem(409, 'store-not-deleting', 'Store is not being deleted', err.message);
  if (err instanceof ForceDeleteForbidden) return new ApiProblem(403, 'forbidden', 'Admins only', err.message);
  if (err instanceof NotAllowed) return new ApiProblem(403, 'forbidden', 'Not allowed', err.message);
  if (err instanceof NoBackupTarget) return new ApiProblem(409, 'no-backup-target', 'No backup target', err.message);
  if (err instanceof StoreLimitReached) return new ApiProblem(403, 'store-limit', 'Store limit reached', err.message);
  if (err instanceof IdempotencyKeyReused) return new ApiProblem(422, 'idempotency-key-reused', 'Idempotency-Key already used', err.message);
  if (err instanceof PlatformInvalid) return new ApiProblem(503, 'platform-invalid', 'platform.yaml is invalid', err.message, { headers: { 'Retry-After': '30' } });
  if (err instanceof WriteContention) return new ApiProblem(503, 'write-contention', 'Too many concurrent writers', err.message, { headers: { 'Retry-After': '1' } });
  return undefined;
}
