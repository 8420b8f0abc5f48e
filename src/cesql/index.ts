export type { CesqlValue, Expression } from './ast';
export { CesqlParseError, type CesqlError, type CesqlErrorKind } from './errors';
export { parseCesql } from './parser';
export { compileCesql, type CompiledCesql, type CesqlEvent, type CesqlResult } from './compile';
