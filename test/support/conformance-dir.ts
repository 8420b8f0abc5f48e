import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The shared folder of official test vectors: `CONFORMANCE_DIR`, or `../shared/conformance`
 * beside the repository. The vectors are read in place, never copied into this repository.
 */
export function conformanceDir(): string {
  const dir = path.resolve(
    process.env.CONFORMANCE_DIR ?? path.join(__dirname, '..', '..', '..', 'shared', 'conformance'),
  );
  if (!existsSync(dir)) {
    throw new Error(
      `Conformance vectors not found at ${dir}: set CONFORMANCE_DIR to the shared conformance folder.`,
    );
  }
  return dir;
}

/** The shared specs folder (CESQL TCK and Standard Webhooks vectors live there), beside the conformance folder. */
export function specsDir(): string {
  const dir = path.resolve(process.env.SPECS_DIR ?? path.join(conformanceDir(), '..', 'specs'));
  if (!existsSync(dir))
    throw new Error(`Specs not found at ${dir}: set SPECS_DIR to the shared specs folder.`);
  return dir;
}
