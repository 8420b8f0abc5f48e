#!/usr/bin/env node
// Builds dist/ when a source is newer than the last build, so that `npm start` and `npx ce-relay`
// run the current code without paying for a build on every start.
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');
const stamp = path.join(root, 'dist', '.built');
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** The newest modification time among `file` and, for a folder, everything under it. */
function newest(file) {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(file).reduce((max, name) => Math.max(max, newest(path.join(file, name))), stat.mtimeMs);
}

/** Builds when needed; answers the exit code (0 when nothing was needed, or the build passed). */
function buildIfStale({ quiet = false } = {}) {
  const sources = inputs.map((name) => path.join(root, name)).filter((file) => existsSync(file));
  // An installed image has no sources: its dist/ is all there is.
  if (!existsSync(path.join(root, 'src'))) return 0;
  const builtAt = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
  if (Math.max(...sources.map(newest)) <= builtAt) return 0;
  const tsc = path.join(root, 'node_modules', '.bin', 'tsc');
  if (!quiet) console.log('ce-relay: sources changed since the last build: building (tsc)...');
  const result = spawnSync(tsc, ['-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) return result.status ?? 1;
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  return 0;
}

module.exports = { buildIfStale };
if (require.main === module) process.exit(buildIfStale());
