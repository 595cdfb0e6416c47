// Locates upstream files (CRDs, kwok stages) in the Go module cache through the wrapper modules,
// so the exact version we build is also the version whose manifests we apply.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { clusterSourceDir } from './config.ts';

export function moduleDir(wrapper: string, module: string): string {
  return execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', module], {
    cwd: join(clusterSourceDir, 'modules', wrapper),
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' },
  }).trim();
}
