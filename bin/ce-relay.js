#!/usr/bin/env node
// `npx ce-relay ...`: runs the compiled CLI (dist/), built first when the sources are newer.
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const builder = path.join(root, 'scripts', 'build-if-stale.js');
if (existsSync(builder)) {
  const status = require(builder).buildIfStale({ quiet: true });
  if (status !== 0) process.exit(status);
}
const built = path.join(root, 'dist', 'src', 'cli', 'ce-relay.js');
if (!existsSync(built)) {
  console.error('ce-relay: not built yet; run `npm ci && npm run build` first');
  process.exit(1);
}
require(built)
  .runCli(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error) => {
    console.error(`ce-relay: ${error.stack ?? error}`);
    process.exit(1);
  });
