// platform.yaml with a `backup:` section for an S3 target on this machine, the way an operator
// writes it: the credentials sealed with cluster-wide scope (what `storefleet
// seal-backup-credentials` prints), a daily schedule for every plan. Used by the embedded default's
// seed (a local SeaweedFS) and by the backup tiers.
import { parseDocument } from 'yaml';
import { RESTIC_IMAGE } from '../../constructs/backup/backup.ts';
import { publicKeyFromCertificate, sealClusterWide } from '../../generator/sealing.ts';

export interface LocalBackupTarget {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  resticPassword: string;
}

/** `platformText` with the backup section for `t`; every plan gets a daily backup at 03:17 UTC. */
export function platformTextWithBackupTarget(platformText: string, certificatePem: string, t: LocalBackupTarget, finalBackupRetentionDays = 30): string {
  const key = publicKeyFromCertificate(certificatePem);
  const credentials = { AWS_ACCESS_KEY_ID: t.accessKeyId, AWS_SECRET_ACCESS_KEY: t.secretAccessKey, RESTIC_PASSWORD: t.resticPassword };
  const port = Number(new URL(t.endpoint).port);
  const doc = parseDocument(platformText);
  doc.setIn(
    ['backup'],
    doc.createNode({
      target: {
        endpoint: t.endpoint,
        bucket: t.bucket,
        region: t.region,
        egress: { cidrs: ['127.0.0.1/32'], ports: [port] },
        credentials: Object.fromEntries(Object.entries(credentials).map(([k, v]) => [k, sealClusterWide(key, v)])),
      },
      image: RESTIC_IMAGE,
      finalBackupRetentionDays,
    }),
  );
  for (const plan of Object.keys((doc.toJS().plans ?? {}) as object)) {
    doc.setIn(['plans', plan, 'backup'], doc.createNode({ schedule: '17 3 * * *', keep: { daily: 7, weekly: 4, monthly: 3 } }));
  }
  return doc.toString();
}
