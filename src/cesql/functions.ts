import type { CesqlValue } from './ast';
import { castExplicit, type CesqlType } from './casts';
import type { CesqlError } from './errors';

type Args = readonly CesqlValue[];

/** A built-in function: parameter types (the last one repeats when `variadic`), return type, body. */
export interface CesqlFunction {
  readonly params: readonly (CesqlType | 'Any')[];
  readonly variadic?: boolean;
  readonly returns: CesqlType;
  readonly call: (args: Args, errors: CesqlError[]) => CesqlValue;
}

const chars = (s: string) => Array.from(s);
const evalError = (errors: CesqlError[], message: string) =>
  errors.push({ kind: 'functionEvaluation', message });

function cast(target: CesqlType): CesqlFunction {
  return {
    params: ['Any'],
    returns: target,
    call: ([x], errors) => {
      const result = castExplicit(x!, target);
      if (result.error) errors.push(result.error);
      return result.value;
    },
  };
}

function substring([x, pos, len]: Args, errors: CesqlError[]): string {
  const s = chars(x as string);
  const p = pos as number;
  if (p > s.length || p < -s.length) {
    evalError(errors, `SUBSTRING position ${p} is outside a string of length ${s.length}`);
    return '';
  }
  if (len !== undefined && (len as number) < 0) {
    evalError(errors, `SUBSTRING length ${String(len)} is negative`);
    return '';
  }
  if (p === 0) return '';
  const start = p > 0 ? p - 1 : s.length + p;
  const end = len === undefined ? s.length : start + (len as number);
  return s.slice(start, end).join('');
}

function leftOrRight(side: 'LEFT' | 'RIGHT'): CesqlFunction {
  return {
    params: ['String', 'Integer'],
    returns: 'String',
    call: ([x, n], errors) => {
      const s = chars(x as string);
      const count = n as number;
      if (count < 0) {
        evalError(errors, `${side} length ${count} is negative`);
        return x as string;
      }
      return (side === 'LEFT' ? s.slice(0, count) : s.slice(Math.max(0, s.length - count))).join('');
    },
  };
}

/**
 * The built-in functions every CESQL engine must have (spec section 3.5), keyed by
 * `NAME/arity`, with `NAME/*` for the variadic overload.
 */
export const BUILT_IN_FUNCTIONS: ReadonlyMap<string, CesqlFunction> = new Map<string, CesqlFunction>([
  ['LENGTH/1', { params: ['String'], returns: 'Integer', call: ([x]) => chars(x as string).length }],
  ['CONCAT/*', { params: ['String'], variadic: true, returns: 'String', call: (args) => args.join('') }],
  [
    'CONCAT_WS/*',
    {
      params: ['String', 'String'],
      variadic: true,
      returns: 'String',
      call: ([delimiter, ...rest]) => rest.join(delimiter as string),
    },
  ],
  ['LOWER/1', { params: ['String'], returns: 'String', call: ([x]) => (x as string).toLowerCase() }],
  ['UPPER/1', { params: ['String'], returns: 'String', call: ([x]) => (x as string).toUpperCase() }],
  ['TRIM/1', { params: ['String'], returns: 'String', call: ([x]) => (x as string).trim() }],
  ['LEFT/2', leftOrRight('LEFT')],
  ['RIGHT/2', leftOrRight('RIGHT')],
  ['SUBSTRING/2', { params: ['String', 'Integer'], returns: 'String', call: substring }],
  ['SUBSTRING/3', { params: ['String', 'Integer', 'Integer'], returns: 'String', call: substring }],
  [
    'ABS/1',
    {
      params: ['Integer'],
      returns: 'Integer',
      call: ([x], errors) => {
        if (x === -2_147_483_648) {
          errors.push({ kind: 'math', message: 'ABS(-2147483648) overflows a 32-bit integer' });
          return 2_147_483_647;
        }
        return Math.abs(x as number);
      },
    },
  ],
  ['INT/1', cast('Integer')],
  ['BOOL/1', cast('Boolean')],
  ['STRING/1', cast('String')],
]);

/** Finds the overload of `name` for `arity` arguments; variadic ones need at least their fixed parameters. */
export function lookupFunction(name: string, arity: number): CesqlFunction | undefined {
  const fixed = BUILT_IN_FUNCTIONS.get(`${name}/${arity}`);
  if (fixed) return fixed;
  const variadic = BUILT_IN_FUNCTIONS.get(`${name}/*`);
  return variadic && arity >= variadic.params.length - 1 ? variadic : undefined;
}
