import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The body decoded as UTF-8 (lossy for other bytes: see `raw`). */
  readonly body: string;
  /** The body's exact bytes. */
  readonly raw: Buffer;
  readonly at: number;
}

export interface SinkAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

/**
 * A subscriber endpoint on 127.0.0.1 (port 0) that records every request and answers as
 * `respond` says (204 by default).
 */
export class LocalSink {
  readonly received: ReceivedRequest[] = [];
  respond: (request: ReceivedRequest, index: number) => SinkAnswer = () => ({ status: 204 });
  /** Answers sent so far. */
  answered = 0;
  private held: Promise<void> | undefined;
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const request = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: raw.toString('utf8'),
          raw,
          at: Date.now(),
        };
        const index = this.received.push(request) - 1;
        const answer = this.respond(request, index);
        const send = () =>
          setTimeout(() => {
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body ?? '');
            this.answered++;
          }, answer.delayMs ?? 0);
        if (this.held) void this.held.then(send);
        else send();
      });
    });
  }

  /** Holds every answer (those in progress and to come) until the function returned is called. */
  hold(): () => void {
    let release: () => void = () => undefined;
    this.held = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.held = undefined;
      release();
    };
  }

  static async start(): Promise<LocalSink> {
    const sink = new LocalSink();
    await new Promise<void>((resolve) => sink.server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** POSTs received, i.e. deliveries (the handshake uses OPTIONS). */
  get deliveries(): ReceivedRequest[] {
    return this.received.filter((r) => r.method !== 'OPTIONS');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Starts sinks on demand for one test file, and closes them all after its tests. */
export function sinksForFile(): () => Promise<LocalSink> {
  const sinks: LocalSink[] = [];
  afterAll(async () => {
    await Promise.all(sinks.map((sink) => sink.close()));
  });
  return async () => {
    const sink = await LocalSink.start();
    sinks.push(sink);
    return sink;
  };
}
