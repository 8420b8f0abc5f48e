#!/usr/bin/env node
// `npx ce-relay ...`: runs the TypeScript source through tsx in a development checkout, or the
// build (dist/) where the dev dependencies are not installed (e.g. the Docker image).
const { existsSync } = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const source = path.join(root, 'src', 'cli', 'ce-relay.ts');
const built = path.join(root, 'dist', 'src', 'cli', 'ce-relay.js');

function load() {
  if (existsSync(source)) {
    try {
      require.resolve('tsx/cjs');
      require('tsx/cjs');
      return require(source);
    } catch (error) {
      if (error.code !== 'MODULE_NOT_FOUND' || !existsSync(built)) throw error;
    }
  }
  if (existsSync(built)) return require(built);
  console.error('ce-relay: not built yet; run `npm ci && npm run build` first');
  process.exit(1);
}

load()
  .runCli(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error) => {
    console.error(`ce-relay: ${error.stack ?? error}`);
    process.exit(1);
  });
