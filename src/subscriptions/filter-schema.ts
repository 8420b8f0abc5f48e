import { z } from 'zod';
import { CesqlParseError, compileCesql } from '../cesql';

/** A Subscriptions API filter expression: one dialect name to its dialect-specific value. */
export type Filter =
  | { readonly exact: Readonly<Record<string, string>> }
  | { readonly prefix: Readonly<Record<string, string>> }
  | { readonly suffix: Readonly<Record<string, string>> }
  | { readonly all: readonly Filter[] }
  | { readonly any: readonly Filter[] }
  | { readonly not: Filter }
  | { readonly sql: string };

export const DIALECTS = ['exact', 'prefix', 'suffix', 'all', 'any', 'not', 'sql'] as const;

const attributeMap = z
  .record(
    z
      .string()
      .regex(/^[a-z0-9]+$/, 'attribute names are lowercase a-z and 0-9')
      .or(z.literal('data_base64')),
    z.string({ error: 'must be a string' }).min(1, 'must not be empty'),
  )
  .refine((map) => Object.keys(map).length > 0, 'needs at least one attribute');

const sqlExpression = z.string({ error: 'must be a CESQL expression string' }).superRefine((source, ctx) => {
  try {
    const compiled = compileCesql(source);
    if (compiled.missingFunctions.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown function(s): ${compiled.missingFunctions.join(', ')}`,
      });
    }
  } catch (error) {
    if (!(error instanceof CesqlParseError)) throw error;
    ctx.addIssue({ code: 'custom', message: `invalid CESQL: ${error.message}` });
  }
});

/**
 * Validates a filter expression (Subscriptions API section 3.2.4): exactly one supported dialect
 * per object; `sql` expressions must compile.
 */
export const filterSchema: z.ZodType<Filter> = z.lazy(
  () =>
    z
      .record(z.string(), z.unknown(), {
        error: 'a filter must be an object such as {"exact": {"type": "..."}}',
      })
      .superRefine((filter, ctx) => {
        const keys = Object.keys(filter);
        if (keys.length !== 1) {
          ctx.addIssue({ code: 'custom', message: `a filter has exactly one dialect, found ${keys.length}` });
          return;
        }
        const dialect = keys[0]!;
        const schema = dialectSchemas[dialect as (typeof DIALECTS)[number]];
        if (!schema) {
          ctx.addIssue({
            code: 'custom',
            path: [dialect],
            message: `unsupported filter dialect '${dialect}' (supported: ${DIALECTS.join(', ')})`,
          });
          return;
        }
        const result = schema.safeParse(filter[dialect]);
        if (!result.success) {
          for (const issue of result.error.issues) ctx.addIssue({ ...issue, path: [dialect, ...issue.path] });
        }
      }) as unknown as z.ZodType<Filter>,
);

const filterList = z.array(filterSchema).min(1, 'needs at least one filter expression');

const dialectSchemas: Record<(typeof DIALECTS)[number], z.ZodType> = {
  exact: attributeMap,
  prefix: attributeMap,
  suffix: attributeMap,
  all: filterList,
  any: filterList,
  not: filterSchema,
  sql: sqlExpression,
};
