#!/usr/bin/env node
// `git upload-pack <repo>` whose answer trickles out: 1 kB every 16 ms (at most 64 kB/s). Used as an `ext::`
// remote to make a fetch last longer than the mirror's silence timeout while git keeps printing
// progress (api/git/mirror.test.ts).
import { spawn } from 'node:child_process';

const child = spawn('git', ['upload-pack', process.argv[2]], { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.pipe(child.stdin);
child.stdin.on('error', () => {});
const queue = [];
let flushing = false;
let ended = false;
let code = 0;
const flush = () => {
  if (flushing) return;
  flushing = true;
  const tick = () => {
    const chunk = queue.shift();
    if (!chunk) {
      flushing = false;
      if (ended) process.exit(code);
      return;
    }
    process.stdout.write(chunk, () => setTimeout(tick, 16));
  };
  tick();
};
child.stdout.on('data', (d) => {
  for (let i = 0; i < d.length; i += 1024) queue.push(d.subarray(i, i + 1024));
  flush();
});
child.on('close', (c) => {
  ended = true;
  code = c ?? 1;
  if (!flushing) process.exit(code);
});
