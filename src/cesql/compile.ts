import type { BinaryOperator, CesqlValue, Expression } from './ast';
import { castImplicit, typeOf, ZERO, type CesqlType } from './casts';
import type { CesqlError } from './errors';
import { lookupFunction } from './functions';
import { compileLike } from './like';
import { parseCesql } from './parser';

/** The input of an evaluation: the event's context attributes (JSON-format shape). */
export type CesqlEvent = Readonly<Record<string, unknown>>;

export interface CesqlResult {
  readonly value: CesqlValue;
  /** Empty when nothing went wrong. */
  readonly errors: readonly CesqlError[];
}

export interface CompiledCesql {
  readonly source: string;
  evaluate(event: CesqlEvent): CesqlResult;
  /** Subscriptions API semantics: true only for a boolean `true` without any error. */
  matches(event: CesqlEvent): boolean;
  /** Functions the expression calls that no overload exists for (they evaluate to an error). */
  readonly missingFunctions: readonly string[];
}

interface Context {
  readonly event: CesqlEvent;
  readonly errors: CesqlError[];
}

type Node = (ctx: Context) => CesqlValue;

const REQUIRED = new Set(['specversion', 'id', 'source', 'type']);
const NOT_ATTRIBUTES = new Set(['data', 'data_base64']);

/**
 * Parses and compiles an expression once into closures; evaluation then costs no parsing.
 * Errors follow the TCK: an operator whose operand failed returns its type's zero value and
 * passes the error on; a failed implicit cast yields the zero value and evaluation goes on.
 * @throws CesqlParseError for an invalid expression
 * @see https://github.com/cloudevents/spec/blob/main/cesql/spec.md
 */
export function compileCesql(source: string): CompiledCesql {
  const missingFunctions: string[] = [];
  const root = compileNode(parseCesql(source), missingFunctions);
  const evaluate = (event: CesqlEvent): CesqlResult => {
    const ctx: Context = { event, errors: [] };
    const value = root(ctx);
    return { value, errors: ctx.errors };
  };
  return {
    source,
    evaluate,
    matches: (event) => {
      const result = evaluate(event);
      return result.value === true && result.errors.length === 0;
    },
    missingFunctions,
  };
}

function cast(ctx: Context, value: CesqlValue, target: CesqlType): CesqlValue {
  const result = castImplicit(value, target);
  if (result.error) ctx.errors.push(result.error);
  return result.value;
}

function attributeValue(value: unknown): CesqlValue {
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= 2_147_483_648) return value;
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? '');
}

function compileNode(node: Expression, missing: string[]): Node {
  switch (node.type) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'attribute': {
      const name = node.name;
      const hidden = NOT_ATTRIBUTES.has(name);
      return (ctx) => {
        const value = hidden ? undefined : ctx.event[name];
        if (value === undefined || value === null) {
          ctx.errors.push({ kind: 'missingAttribute', message: `the event has no attribute '${name}'` });
          return false;
        }
        return attributeValue(value);
      };
    }
    case 'exists': {
      const name = node.name;
      if (REQUIRED.has(name)) return () => true;
      if (NOT_ATTRIBUTES.has(name)) return () => false;
      return (ctx) => ctx.event[name] !== undefined && ctx.event[name] !== null;
    }
    case 'not': {
      const operand = compileNode(node.operand, missing);
      return (ctx) => {
        const before = ctx.errors.length;
        const value = operand(ctx);
        if (ctx.errors.length > before) return false;
        return !cast(ctx, value, 'Boolean');
      };
    }
    case 'negate': {
      const operand = compileNode(node.operand, missing);
      return (ctx) => {
        const before = ctx.errors.length;
        const value = operand(ctx);
        if (ctx.errors.length > before) return 0;
        return -(cast(ctx, value, 'Integer') as number) | 0;
      };
    }
    case 'like': {
      const operand = compileNode(node.operand, missing);
      const like = compileLike(node.pattern);
      const negated = node.negated;
      return (ctx) => {
        const before = ctx.errors.length;
        const value = operand(ctx);
        if (ctx.errors.length > before) return false;
        return like(cast(ctx, value, 'String') as string) !== negated;
      };
    }
    case 'in': {
      const operand = compileNode(node.operand, missing);
      const set = node.set.map((item) => compileNode(item, missing));
      const negated = node.negated;
      return (ctx) => {
        const before = ctx.errors.length;
        const value = operand(ctx);
        if (ctx.errors.length > before) return false;
        const target = typeOf(value);
        for (const item of set) {
          const candidate = item(ctx);
          if (ctx.errors.length > before) return false;
          if (cast(ctx, candidate, target) === value) return !negated;
        }
        return negated;
      };
    }
    case 'call':
      return compileCall(
        node.name,
        node.args.map((arg) => compileNode(arg, missing)),
        missing,
      );
    case 'binary':
      return compileBinary(node.operator, compileNode(node.left, missing), compileNode(node.right, missing));
  }
}

function compileCall(name: string, args: Node[], missing: string[]): Node {
  const fn = lookupFunction(name, args.length);
  if (!fn) {
    missing.push(`${name}/${args.length}`);
    return (ctx) => {
      ctx.errors.push({
        kind: 'missingFunction',
        message: `no function ${name} takes ${args.length} argument(s)`,
      });
      return false;
    };
  }
  const paramType = (i: number) => fn.params[Math.min(i, fn.params.length - 1)]!;
  return (ctx) => {
    const before = ctx.errors.length;
    const values: CesqlValue[] = [];
    for (let i = 0; i < args.length; i++) {
      const value = args[i]!(ctx);
      if (ctx.errors.length > before) return ZERO[fn.returns];
      const type = paramType(i);
      values.push(type === 'Any' ? value : cast(ctx, value, type));
    }
    return fn.call(values, ctx.errors);
  };
}

const ARITHMETIC: Partial<Record<BinaryOperator, (a: number, b: number) => number>> = {
  '+': (a, b) => (a + b) | 0,
  '-': (a, b) => (a - b) | 0,
  '*': (a, b) => Math.imul(a, b),
  '/': (a, b) => Math.trunc(a / b) | 0,
  '%': (a, b) => (a % b) | 0,
};

const ORDER: Partial<Record<BinaryOperator, (a: number, b: number) => boolean>> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function compileBinary(operator: BinaryOperator, left: Node, right: Node): Node {
  if (operator === 'AND' || operator === 'OR') {
    const stopOn = operator === 'OR';
    return (ctx) => {
      const before = ctx.errors.length;
      const l = left(ctx);
      if (ctx.errors.length > before) return false;
      if (cast(ctx, l, 'Boolean') === stopOn) return stopOn;
      const afterLeft = ctx.errors.length;
      const r = right(ctx);
      if (ctx.errors.length > afterLeft) return false;
      return cast(ctx, r, 'Boolean');
    };
  }
  const returns: CesqlType = operator in ARITHMETIC ? 'Integer' : 'Boolean';
  return (ctx) => {
    const before = ctx.errors.length;
    const l = left(ctx);
    if (ctx.errors.length > before) return ZERO[returns];
    const r = right(ctx);
    if (ctx.errors.length > before) return ZERO[returns];
    if (operator === 'XOR') return cast(ctx, l, 'Boolean') !== cast(ctx, r, 'Boolean');
    if (operator === '=' || operator === '!=' || operator === '<>') {
      const equal = cast(ctx, l, typeOf(r)) === r;
      return operator === '=' ? equal : !equal;
    }
    const a = cast(ctx, l, 'Integer') as number;
    const b = cast(ctx, r, 'Integer') as number;
    const order = ORDER[operator];
    if (order) return order(a, b);
    if ((operator === '/' || operator === '%') && b === 0) {
      ctx.errors.push({ kind: 'math', message: `division by zero in ${a} ${operator} 0` });
      return 0;
    }
    return ARITHMETIC[operator]!(a, b);
  };
}
