/** CESQL values: the three primitive types (spec section 3.1). */
export type CesqlValue = string | number | boolean;

export type BinaryOperator =
  '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%' | 'AND' | 'OR' | 'XOR';

export type Expression =
  | { readonly type: 'literal'; readonly value: CesqlValue }
  | { readonly type: 'attribute'; readonly name: string }
  | { readonly type: 'exists'; readonly name: string }
  | { readonly type: 'not'; readonly operand: Expression }
  | { readonly type: 'negate'; readonly operand: Expression }
  | {
      readonly type: 'binary';
      readonly operator: BinaryOperator;
      readonly left: Expression;
      readonly right: Expression;
    }
  | {
      readonly type: 'like';
      readonly negated: boolean;
      readonly operand: Expression;
      readonly pattern: string;
    }
  | {
      readonly type: 'in';
      readonly negated: boolean;
      readonly operand: Expression;
      readonly set: readonly Expression[];
    }
  | { readonly type: 'call'; readonly name: string; readonly args: readonly Expression[] };
