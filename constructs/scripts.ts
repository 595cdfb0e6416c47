// The shell scripts the store pods run. They are real files next to this module (checked by
// shellcheck in the tests) and are read once, at module load, from the package itself: constructs
// never read user files or the environment.
import { readFileSync } from 'node:fs';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from './props.ts';
import { NAMES, storeLabels, storeNamespace, syncWave, WAVE } from './meta.ts';

function load(file: string): string {
  return readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8');
}

export const SCRIPTS = {
  'woocommerce-setup.sh': load('woocommerce-setup.sh'),
  'woocommerce-smoke-test.sh': load('woocommerce-smoke-test.sh'),
  'medusa-bootstrap.sh': load('medusa-bootstrap.sh'),
  'medusa-smoke-test.sh': load('medusa-smoke-test.sh'),
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** Where the scripts ConfigMap is mounted in containers. */
export const SCRIPTS_DIR = '/opt/storefleet';

export interface StoreScriptsProps {
  /** The scripts this store's pods run. */
  scripts: readonly ScriptName[];
}

/** One ConfigMap holding the store's scripts (mounted read-only, run with `sh <file>`). */
export class StoreScripts extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps, s: StoreScriptsProps) {
    super(scope, id);
    const data: Record<string, string> = {};
    for (const name of [...s.scripts].sort()) data[name] = SCRIPTS[name];
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: NAMES.scripts,
        namespace: storeNamespace(props.store.name),
        labels: storeLabels(props),
        annotations: syncWave(WAVE.guardrails),
      },
      data,
    });
  }
}

/** The volume + mount that bring the scripts into a pod. */
export function scriptsVolume(): { volume: k8s.Volume; mount: k8s.VolumeMount } {
  return {
    volume: { name: 'scripts', configMap: { name: NAMES.scripts, defaultMode: 0o444 } },
    mount: { name: 'scripts', mountPath: SCRIPTS_DIR, readOnly: true },
  };
}
