// The shell scripts the store pods run. They are real files in their engine's folder (checked by
// shellcheck in the tests) and are read once per file, from the package itself: constructs never
// read user files or the environment.
import { readFileSync } from 'node:fs';
import { Construct } from 'constructs';
import { k8s } from 'cdk8s-plus-28';
import type { StoreProps } from './props.ts';
import { NAMES, storeLabels, storeNamespace, syncWave, WAVE } from './meta.ts';

const loaded = new Map<string, string>();

/** The text of a script file (read once, then cached). */
export function scriptText(file: URL): string {
  let text = loaded.get(file.href);
  if (text === undefined) {
    text = readFileSync(file, 'utf8');
    loaded.set(file.href, text);
  }
  return text;
}

/** Where the scripts ConfigMap is mounted in containers. */
export const SCRIPTS_DIR = '/opt/storefleet';

export interface StoreScriptsProps {
  /** The folder the scripts are read from (the engine's folder). */
  folder: URL;
  /** File names of the scripts this store's pods run; they become the ConfigMap's keys. */
  scripts: readonly string[];
}

/** One ConfigMap holding the store's scripts (mounted read-only, run with `sh <file>`). */
export class StoreScripts extends Construct {
  constructor(scope: Construct, id: string, props: StoreProps, s: StoreScriptsProps) {
    super(scope, id);
    const data: Record<string, string> = {};
    for (const name of [...s.scripts].sort()) data[name] = scriptText(new URL(name, s.folder));
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
