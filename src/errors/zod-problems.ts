import type { z } from 'zod';
import { AppError, type Problem } from './app-error';

/**
 * Turns zod issues into problems that name the field (`filters.0.sql`, `delivery.timeoutMs`).
 * Unknown keys become one problem each, named after the key; a record key that fails its own
 * schema says why rather than "Invalid key in record".
 */
export function problemsFromZod(issues: readonly z.core.$ZodIssue[], prefix = ''): Problem[] {
  const join = (...parts: string[]) =>
    [prefix, ...parts].filter((part) => part.length > 0).join('.') || '(body)';
  return issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ attribute: join(...path, key), detail: 'is not a known field' }));
    }
    const detail =
      issue.code === 'invalid_key' ? issue.issues.map((inner) => inner.message).join('; ') : issue.message;
    return [{ attribute: join(...path), detail }];
  });
}

/** A 400 for a request body that failed its schema: every problem listed, and summed up in the message. */
export function invalidInput(code: string, what: string, issues: readonly z.core.$ZodIssue[]): AppError {
  const problems = problemsFromZod(issues);
  const summary = problems.map((p) => `${p.attribute}: ${p.detail}`).join('; ');
  return new AppError(code, `Invalid ${what}: ${summary}`, { status: 400, problems });
}
