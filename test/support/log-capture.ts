import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/logging';

/** A stream that keeps each line written to it. */
export function captureStream(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

export type LogLine = Record<string, unknown> & { readonly msg: string; readonly level: number };

/** ce-relay's JSON logger at `level`, and the lines it wrote, parsed. */
export function captureLogs(level = 'info'): {
  logger: Logger;
  readonly lines: LogLine[];
  readonly text: string;
} {
  const { lines, stream } = captureStream();
  return {
    logger: createLogger(level, 'json', stream),
    get lines() {
      return lines.map((line) => JSON.parse(line) as LogLine);
    },
    get text() {
      return lines.join('\n');
    },
  };
}
