// The PostSync smoke test: a Job that places a real order through the engine's public Store API
// (in-cluster Service, public Host header) and finds it through the admin API. A store is only
// ready when this passes; the scripts have no fallback that creates an order directly.
import { Construct } from 'constructs';
import type { StoreProps } from './props.ts';
import { NAMES } from './meta.ts';
import { env, scratch } from './container.ts';
import { StoreJob } from './kit/store-job.ts';
import { SCRIPTS_DIR, scriptsVolume } from './scripts.ts';
import type { SmokeTestSpec } from './engines/engine.ts';

/** The smoke-test image's own non-root user (images/smoke-test/Dockerfile). */
const SMOKE_UID = 10001;

/**
 * Props: StoreProps (store name and labels, images.smokeTest) and the engine's SmokeTestSpec
 * (script, env, resources). Non-root, read-only root filesystem, /tmp as scratch.
 */
export class SmokeTest extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps, test: SmokeTestSpec) {
    super(scope, id);
    const scripts = scriptsVolume();
    const tmp = scratch('tmp', '/tmp');

    new StoreJob(this, 'Job', props, {
      name: NAMES.smokeTest,
      role: 'smoke-test',
      hook: 'PostSync',
      backoffLimit: 3,
      activeDeadlineSeconds: 900,
      uid: SMOKE_UID,
      container: {
        name: 'smoke-test',
        image: props.images.smokeTest,
        command: ['sh', `${SCRIPTS_DIR}/${test.script}`],
        env: [...test.env, env('HOME', '/tmp')],
        resources: test.resources,
        volumeMounts: [scripts.mount, tmp.mount],
      },
      volumes: [scripts.volume, tmp.volume],
    });
  }
}
