// A platform whose platform.yaml points every plan's backups at a local S3 target, the way an
// operator configures one: the target's credentials and a fresh restic repository password sealed
// with cluster-wide scope (what `storefleet seal-backup-credentials` prints), the whole text
// validated by parsePlatform. For tiers that render a store through the generator with backups on.
import { randomBytes } from 'node:crypto';
import { parseDocument } from 'yaml';
import { parsePlatform, type ResolvedPlatform } from '../../generator/platform.ts';
import { publicKeyFromCertificate, sealClusterWide } from '../../generator/sealing.ts';
import type { S3Target } from './s3-target.ts';

/** The restic image the rendered pods name; the pod runner maps its /usr/bin/restic to the built binary. */
const RESTIC_IMAGE = 'docker.io/restic/restic:0.18.1';

/** `platformText` (platform.yaml) with a `backup` section for `s3` and a daily policy for every plan. */
export function withBackupTarget<P extends ResolvedPlatform>(platform: P, platformText: string, s3: S3Target): P {
  return { ...platform, config: parsePlatform(platformTextWithBackupTarget(platformText, platform.sealingCertificatePem, s3)) };
}

/** The text of platform.yaml with the backup section (credentials sealed with `certificatePem`). */
export function platformTextWithBackupTarget(platformText: string, certificatePem: string, s3: S3Target, resticPassword = randomBytes(24).toString('base64url')): string {
  const key = publicKeyFromCertificate(certificatePem);
  const credentials = {
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    RESTIC_PASSWORD: resticPassword,
  };
  const port = Number(new URL(s3.endpoint).port);
  const doc = parseDocument(platformText);
  doc.setIn(
    ['backup'],
    doc.createNode({
      target: {
        endpoint: s3.endpoint,
        bucket: s3.bucket,
        region: s3.region,
        egress: { cidrs: ['127.0.0.1/32'], ports: [port] },
        credentials: Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, sealClusterWide(key, v)])),
      },
      image: RESTIC_IMAGE,
      finalBackupRetentionDays: 30,
    }),
  );
  for (const plan of Object.keys((doc.toJS().plans ?? {}) as object)) {
    doc.setIn(['plans', plan, 'backup'], doc.createNode({ schedule: '17 3 * * *', keep: { daily: 7, weekly: 4, monthly: 3 } }));
  }
  return doc.toString();
}
