// Quick measurement of renderStoreObjects (and YAML serialisation of its output) per engine.
// Run: npx tsx constructs/bench-render.ts — prints renders per second; not a test.
import { engineIds } from './engines/index.ts';
import { stringify } from 'yaml';
import { renderStoreObjects } from './index.ts';
import { storeProps } from './test-props.ts';

function rate(fn: () => void, ms = 2000): number {
  for (let i = 0; i < 50; i++) fn();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < ms) {
    fn();
    n++;
  }
  return n / ((performance.now() - start) / 1000);
}

for (const engine of engineIds()) {
  const props = storeProps(engine, 'small');
  const objects = renderStoreObjects(props);
  const render = rate(() => renderStoreObjects(props));
  const withYaml = rate(() => renderStoreObjects(props).map((o) => stringify(o, { sortMapEntries: true })));
  console.log(
    `${engine}: ${objects.length} objects, render ${render.toFixed(0)}/s (${(1000 / render).toFixed(2)} ms), ` +
      `render+YAML ${withYaml.toFixed(0)}/s (${(1000 / withYaml).toFixed(2)} ms)`,
  );
}
