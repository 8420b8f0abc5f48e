import type { BinaryOperator, Expression } from './ast';
import { CesqlParseError } from './errors';
import { tokenize, type Token } from './lexer';

const KEYWORDS = new Set(['AND', 'OR', 'XOR', 'NOT', 'LIKE', 'IN', 'EXISTS', 'TRUE', 'FALSE']);
const LOGIC = new Set(['AND', 'OR', 'XOR']);
const COMPARISON = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);
const INT32_MAX = 2_147_483_647;
const IDENTIFIER = /^[a-z0-9]+$/;
const FUNCTION_NAME = /^[A-Za-z][A-Za-z_]*$/;
// Bounds on what a filter may ask of every event, and on the parser's and evaluator's recursion.
export const MAX_SOURCE_LENGTH = 4096;
export const MAX_NESTING = 32;

/**
 * Parses a CESQL v1 expression into an AST. Precedence, lowest first: AND/OR/XOR (one level,
 * left to right), comparisons, `+ -`, `* / %`, LIKE and IN, unary NOT and `-`, then function
 * calls, EXISTS, literals, attributes and parentheses (spec section 3.6).
 * Keywords, function names and attribute names are case-insensitive.
 * @throws CesqlParseError
 */
export function parseCesql(source: string): Expression {
  if (source.length > MAX_SOURCE_LENGTH) {
    throw new CesqlParseError(`an expression may be at most ${MAX_SOURCE_LENGTH} characters long`, 0);
  }
  const parser = new Parser(tokenize(source));
  const expression = parser.expression();
  parser.expectEnd();
  return expression;
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  expression(): Expression {
    return this.nested(() => this.logic());
  }

  /** Runs a rule that nests (parentheses, arguments, NOT and minus): at most MAX_NESTING deep. */
  private nested<T>(rule: () => T): T {
    if (++this.depth > MAX_NESTING) {
      throw this.error(`the expression nests deeper than ${MAX_NESTING} levels`, this.peek());
    }
    try {
      return rule();
    } finally {
      this.depth--;
    }
  }

  private logic(): Expression {
    let left = this.comparison();
    for (let op = this.keyword(); op && LOGIC.has(op); op = this.keyword()) {
      this.index++;
      left = { type: 'binary', operator: op as BinaryOperator, left, right: this.comparison() };
    }
    return left;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw this.error(`unexpected '${token.text}'`, token);
  }

  private comparison(): Expression {
    let left = this.additive();
    while (this.peek().kind === 'operator' && COMPARISON.has(this.peek().text)) {
      const operator = this.next().text as BinaryOperator;
      left = { type: 'binary', operator, left, right: this.additive() };
    }
    return left;
  }

  private additive(): Expression {
    let left = this.multiplicative();
    while (this.isOperator('+') || this.isOperator('-')) {
      const operator = this.next().text as BinaryOperator;
      left = { type: 'binary', operator, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Expression {
    let left = this.postfix();
    while (this.isOperator('*') || this.isOperator('/') || this.isOperator('%')) {
      const operator = this.next().text as BinaryOperator;
      left = { type: 'binary', operator, left, right: this.postfix() };
    }
    return left;
  }

  private postfix(): Expression {
    let operand = this.unary();
    for (;;) {
      const negated = this.keyword() === 'NOT' && ['LIKE', 'IN'].includes(this.keyword(1) ?? '');
      const op = this.keyword(negated ? 1 : 0);
      if (op !== 'LIKE' && op !== 'IN') return operand;
      this.index += negated ? 2 : 1;
      if (op === 'LIKE') {
        const pattern = this.next();
        if (pattern.kind !== 'string') throw this.error('LIKE needs a string literal pattern', pattern);
        operand = { type: 'like', negated, operand, pattern: pattern.text };
      } else {
        operand = { type: 'in', negated, operand, set: this.set() };
      }
    }
  }

  private set(): Expression[] {
    this.expect('lparen', "IN needs a parenthesized list, e.g. IN ('a', 'b')");
    const items = [this.expression()];
    while (this.peek().kind === 'comma') {
      this.index++;
      items.push(this.expression());
    }
    this.expect('rparen', "missing ')' after the IN list");
    return items;
  }

  private unary(): Expression {
    return this.nested(() => this.signed());
  }

  private signed(): Expression {
    if (this.keyword() === 'NOT') {
      this.index++;
      return { type: 'not', operand: this.unary() };
    }
    if (this.isOperator('-') || this.isOperator('+')) {
      const sign = this.next().text;
      if (this.peek().kind === 'integer')
        return { type: 'literal', value: this.integer(this.next(), sign === '-') };
      if (sign === '+') throw this.error("'+' may only prefix an integer literal", this.peek());
      return { type: 'negate', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): Expression {
    const token = this.next();
    switch (token.kind) {
      case 'integer':
        return { type: 'literal', value: this.integer(token, false) };
      case 'string':
        return { type: 'literal', value: token.text };
      case 'lparen': {
        const inner = this.expression();
        this.expect('rparen', "missing ')'");
        return inner;
      }
      case 'word':
        return this.word(token);
      default:
        throw this.error(
          token.kind === 'end' ? 'unexpected end of expression' : `unexpected '${token.text}'`,
          token,
        );
    }
  }

  private word(token: Token): Expression {
    const upper = token.text.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { type: 'literal', value: upper === 'TRUE' };
    if (upper === 'EXISTS') return { type: 'exists', name: this.identifier(this.next()) };
    if (this.peek().kind === 'lparen') {
      if (!FUNCTION_NAME.test(token.text)) throw this.error(`'${token.text}' is not a function name`, token);
      this.index++;
      const args: Expression[] = [];
      if (this.peek().kind !== 'rparen') {
        args.push(this.expression());
        while (this.peek().kind === 'comma') {
          this.index++;
          args.push(this.expression());
        }
      }
      this.expect('rparen', `missing ')' after the arguments of ${upper}`);
      return { type: 'call', name: upper, args };
    }
    if (KEYWORDS.has(upper)) throw this.error(`unexpected keyword ${upper}`, token);
    return { type: 'attribute', name: this.identifier(token) };
  }

  private identifier(token: Token): string {
    const name = token.text.toLowerCase();
    if (token.kind !== 'word' || !IDENTIFIER.test(name) || KEYWORDS.has(token.text.toUpperCase())) {
      throw this.error(`'${token.text}' is not an attribute name (a-z, 0-9)`, token);
    }
    return name;
  }

  private integer(token: Token, negative: boolean): number {
    const value = Number(token.text) * (negative ? -1 : 1);
    if (value > INT32_MAX || value < -INT32_MAX - 1)
      throw this.error(`${token.text} is not a 32-bit integer`, token);
    return value;
  }

  private keyword(ahead = 0): string | undefined {
    const token = this.tokens[this.index + ahead];
    return token?.kind === 'word' ? token.text.toUpperCase() : undefined;
  }

  private isOperator(text: string): boolean {
    const token = this.peek();
    return token.kind === 'operator' && token.text === text;
  }

  private expect(kind: Token['kind'], message: string): void {
    const token = this.next();
    if (token.kind !== kind) throw this.error(message, token);
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const token = this.tokens[this.index]!;
    if (token.kind !== 'end') this.index++;
    return token;
  }

  private error(message: string, token: Token): CesqlParseError {
    return new CesqlParseError(message, token.position);
  }
}
