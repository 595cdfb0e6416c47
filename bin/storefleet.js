#!/usr/bin/env node
// The CLI is TypeScript; tsx compiles it on the fly so a checkout needs no build step.
// `serve` and `token` live in api/ and everything else in generator/, so the generator never loads Express.
import { register } from 'tsx/esm/api';

register();
const argv = process.argv.slice(2);
if (argv[0] === 'serve') {
  const { serveCommand } = await import('../api/serve.ts');
  const code = await serveCommand(argv.slice(1));
  // A failed start exits at once, whatever handles are left (npm start must not hang).
  if (code !== 0) process.exit(code);
  process.exitCode = code;
} else if (argv[0] === 'token') {
  const { tokenCommand } = await import('../api/token-cli.ts');
  process.exitCode = await tokenCommand(argv.slice(1));
} else {
  const { main } = await import('../generator/cli.ts');
  process.exitCode = await main(argv);
}
