import { configSchema, type Config } from './config-schema';

/** Thrown when the environment does not satisfy the schema; lists every problem at once. */
export class ConfigError extends Error {
  readonly issues: readonly string[];

  constructor(issues: readonly string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Parses the environment once. Empty strings count as unset, so `FOO=` falls back to the default. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = configSchema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
  );
}

/** The process environment: the one place outside tests that reads `process.env`. */
export function processEnvironment(): NodeJS.ProcessEnv {
  return process.env;
}
