import type { CesqlValue } from './ast';
import type { CesqlError } from './errors';

export type CesqlType = 'String' | 'Integer' | 'Boolean';

export const ZERO: Readonly<Record<CesqlType, CesqlValue>> = { String: '', Integer: 0, Boolean: false };

export function typeOf(value: CesqlValue): CesqlType {
  return typeof value === 'string' ? 'String' : typeof value === 'number' ? 'Integer' : 'Boolean';
}

const INTEGER = /^[+-]?[0-9]+$/;

/** A cast's result: the value, and an error when the cast failed (the value is then the zero value). */
export type CastResult = { readonly value: CesqlValue; readonly error?: CesqlError };

function castError(value: CesqlValue, target: CesqlType): CastResult {
  return {
    value: ZERO[target],
    error: { kind: 'cast', message: `cannot cast ${JSON.stringify(value)} to ${target}` },
  };
}

/**
 * Explicit casts (spec section 3.7), as done by `INT`, `BOOL` and `STRING`: every pair of types
 * converts; a string that is not an integer or a boolean is a cast error.
 */
export function castExplicit(value: CesqlValue, target: CesqlType): CastResult {
  const from = typeOf(value);
  if (from === target) return { value };
  switch (target) {
    case 'String':
      return { value: String(value) };
    case 'Integer':
      if (from === 'Boolean') return { value: value ? 1 : 0 };
      if (typeof value === 'string' && INTEGER.test(value)) {
        const n = Number(value);
        if (n >= -2_147_483_648 && n <= 2_147_483_647) return { value: n };
      }
      return castError(value, target);
    case 'Boolean':
      if (from === 'Integer') return { value: value !== 0 };
      if (typeof value === 'string') {
        const lower = value.toLowerCase();
        if (lower === 'true' || lower === 'false') return { value: lower === 'true' };
      }
      return castError(value, target);
  }
}

/**
 * Implicit casts, applied to operator and function arguments. As the official TCK requires
 * (`NOT 10` is a cast error), an integer does not become a boolean implicitly; `BOOL()` does that.
 */
export function castImplicit(value: CesqlValue, target: CesqlType): CastResult {
  if (target === 'Boolean' && typeof value === 'number') return castError(value, target);
  return castExplicit(value, target);
}
