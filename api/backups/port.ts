// The backup catalog port: what a store's backups are, read from wherever they live. The API
// routes, the backup monitor and the metrics ask this port; api/backups/restic-catalog.ts is the
// one implementation (restic against the platform's S3 target).
import type { BackupSnapshot } from '../../contract/index.ts';

export type { BackupKind, BackupSnapshot, BackupWarning } from '../../contract/index.ts';

/** What a catalog knows of one store: no target configured, or the target's snapshots (newest first). */
export type BackupListing = { target: false } | { target: true; snapshots: BackupSnapshot[] };

export interface BackupCatalog {
  /** The store's snapshots, newest first; a store without a repository has none (not an error). */
  list(store: string): Promise<BackupListing>;
}

/** Why the backup target could not be read; the message names no secret. */
export type BackupTargetFailure = 'unreachable' | 'wrong-password' | 'timeout' | 'failed';

export class BackupTargetError extends Error {
  readonly failure: BackupTargetFailure;
  constructor(failure: BackupTargetFailure, message: string) {
    super(message);
    this.failure = failure;
    this.name = 'BackupTargetError';
  }
}
