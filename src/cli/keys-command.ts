import { parseArgs } from 'node:util';
import { AppError } from '../errors';
import { SCOPES, type ApiKeyService, type ApiKeyView } from '../security';

export const KEYS_USAGE = `usage:
  ce-relay keys create --tenant <tenant> --scopes <scope,...> [--name <text>] [--json]
  ce-relay keys list [--tenant <tenant>] [--json]
  ce-relay keys delete <id>
scopes: ${SCOPES.join(', ')}`;

export interface KeysCommandDeps {
  readonly keys: ApiKeyService;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const describe = (k: ApiKeyView) =>
  `${k.id}  tenant=${k.tenant}  scopes=${k.scopes.join(',')}  created=${k.createdAt}${k.name ? `  name=${JSON.stringify(k.name)}` : ''}`;

/**
 * `ce-relay keys ...`: the operator's way to issue the first keys (it talks to Redis directly,
 * so it acts for every tenant). Answers the process's exit code: 0 done, 1 not found, 2 bad usage.
 */
export async function runKeysCommand(argv: readonly string[], deps: KeysCommandDeps): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        tenant: { type: 'string' },
        scopes: { type: 'string' },
        name: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    deps.err(`ce-relay: ${(error as Error).message}\n${KEYS_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const print = (value: unknown, text: string) => deps.out(values.json ? JSON.stringify(value) : text);
  try {
    if (command === 'create' && rest.length === 0) {
      const { key, view } = await deps.keys.create({
        tenant: values.tenant,
        scopes: (values.scopes ?? '').split(',').filter((s) => s.length > 0),
        ...(values.name !== undefined ? { name: values.name } : {}),
      });
      print({ ...view, key }, `${key}\n${describe(view)}\nThe key is shown only now: store it.`);
      return 0;
    }
    if (command === 'list' && rest.length === 0) {
      const keys = await deps.keys.list(values.tenant);
      print(keys, keys.length === 0 ? 'no keys' : keys.map(describe).join('\n'));
      return 0;
    }
    if (command === 'delete' && rest.length === 1) {
      const deleted = await deps.keys.delete(rest[0]!);
      if (!deleted) {
        deps.err(`ce-relay: no API key with id ${rest[0]!}`);
        return 1;
      }
      print(deleted, `deleted ${describe(deleted)}`);
      return 0;
    }
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    deps.err(`ce-relay: ${error.message}`);
    return 2;
  }
  deps.err(KEYS_USAGE);
  return 2;
}
