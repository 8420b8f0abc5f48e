export * from './app-error';
export { invalidInput, problemsFromZod } from './zod-problems';
