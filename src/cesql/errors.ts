/** CESQL error kinds (spec section 3.3), named as in the official TCK. */
export type CesqlErrorKind =
  'parse' | 'math' | 'cast' | 'missingFunction' | 'functionEvaluation' | 'missingAttribute' | 'generic';

/** An error found while evaluating an expression; evaluation still yields a value. */
export interface CesqlError {
  readonly kind: CesqlErrorKind;
  readonly message: string;
}

/** Thrown by the parser: the expression is not valid CESQL. */
export class CesqlParseError extends Error {
  readonly kind = 'parse' as const;
  /** Zero-based character offset where the problem was found. */
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} (at character ${position + 1})`);
    this.name = 'CesqlParseError';
    this.position = position;
  }
}
