import { CesqlParseError } from './errors';

export type TokenKind = 'integer' | 'string' | 'word' | 'operator' | 'lparen' | 'rparen' | 'comma' | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** Source text for words and operators; the decoded value for strings; digits for integers. */
  readonly text: string;
  readonly position: number;
}

const OPERATORS = ['!=', '<>', '>=', '<=', '=', '<', '>', '+', '-', '*', '/', '%'];
const WORD = /[A-Za-z0-9_]/;

/**
 * Splits a CESQL expression into tokens. Words (identifiers, keywords, function names) are
 * returned as written; the parser decides what they are. String literals are delimited by `'`
 * or `"`, where only the delimiter can be escaped with a backslash (spec section 2.2).
 */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    const start = i;
    if (char === "'" || char === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new CesqlParseError('unterminated string literal', start);
        const c = source[i]!;
        if (c === '\\' && source[i + 1] === char) {
          value += char;
          i += 2;
        } else if (c === char) {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      tokens.push({ kind: 'string', text: value, position: start });
      continue;
    }
    if (WORD.test(char)) {
      while (i < source.length && WORD.test(source[i]!)) i++;
      const text = source.slice(start, i);
      tokens.push({ kind: /^[0-9]+$/.test(text) ? 'integer' : 'word', text, position: start });
      continue;
    }
    if (char === '(' || char === ')' || char === ',') {
      tokens.push({
        kind: char === '(' ? 'lparen' : char === ')' ? 'rparen' : 'comma',
        text: char,
        position: start,
      });
      i++;
      continue;
    }
    const operator = OPERATORS.find((op) => source.startsWith(op, i));
    if (!operator) throw new CesqlParseError(`unexpected character '${char}'`, start);
    tokens.push({ kind: 'operator', text: operator, position: start });
    i += operator.length;
  }
  tokens.push({ kind: 'end', text: '', position: source.length });
  return tokens;
}
