export { createLogger, type Logger } from './create-logger';
export { throttledWarn } from './throttled-warn';
