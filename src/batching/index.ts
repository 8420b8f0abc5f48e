export { createMicroBatcher } from './micro-batcher';
export { createBatchedScript, type ScriptItem } from './batched-script';
