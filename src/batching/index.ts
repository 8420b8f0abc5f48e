export { createMicroBatcher } from './micro-batcher';
export { createBatchedScript, type BatchedScriptOptions, type ScriptItem } from './batched-script';
