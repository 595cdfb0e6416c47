// A platform whose platform.yaml points every plan's backups at a local S3 target, the way an
// operator configures one (api/backups/platform-backup.ts): the target's credentials and a fresh
// restic repository password sealed with cluster-wide scope, the whole text validated by
// parsePlatform. For tiers that render a store through the generator with backups on.
import { randomBytes } from 'node:crypto';
import { parsePlatform, type ResolvedPlatform } from '../../generator/platform.ts';
import { platformTextWithBackupTarget as withSection } from '../../api/backups/platform-backup.ts';
import type { S3Target } from './s3-target.ts';

/** `platformText` (platform.yaml) with a `backup` section for `s3` and a daily policy for every plan. */
export function withBackupTarget<P extends ResolvedPlatform>(platform: P, platformText: string, s3: S3Target): P {
  return { ...platform, config: parsePlatform(platformTextWithBackupTarget(platformText, platform.sealingCertificatePem, s3)) };
}

/** The text of platform.yaml with the backup section (credentials sealed with `certificatePem`). */
export function platformTextWithBackupTarget(platformText: string, certificatePem: string, s3: S3Target, resticPassword = randomBytes(24).toString('base64url')): string {
  return withSection(platformText, certificatePem, { ...s3, resticPassword });
}
