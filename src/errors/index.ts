export * from './app-error';
export { problemsFromZod } from './zod-problems';
