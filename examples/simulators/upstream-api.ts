import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SimulatedAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

/**
 * A simulated upstream API (AO or intent) on 127.0.0.1, for the demo and the tests: an OAuth2 token endpoint (`POST /oauth/token`) and JSON
 * resources registered by path. Counts every request; `script` can override answers per path.
 */
export class UpstreamApiSimulator {
  readonly resources = new Map<string, unknown>();
  readonly requests: { path: string; at: number; authorization?: string }[] = [];
  tokenRequests = 0;
  validTokens = new Set<string>();
  tokenLifetimeSeconds = 300;
  requireToken = true;
  /** Answers to use, in order, for a path before its normal answer. */
  readonly script = new Map<string, SimulatedAnswer[]>();
  private readonly server: Server;

  private constructor() {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!;
      const send = (answer: SimulatedAnswer) => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
      };
      req.resume();
      req.on('end', () => {
        if (req.method === 'POST' && path === '/oauth/token') {
          this.tokenRequests++;
          const token = `token-${this.tokenRequests}`;
          this.validTokens.add(token);
          send({
            status: 200,
            body: { access_token: token, token_type: 'Bearer', expires_in: this.tokenLifetimeSeconds },
          });
          return;
        }
        this.requests.push({ path, at: Date.now(), authorization: req.headers.authorization });
        const scripted = this.script.get(path)?.shift();
        if (scripted) return send(scripted);
        const token = req.headers.authorization?.replace(/^Bearer /, '');
        if (this.requireToken && (!token || !this.validTokens.has(token)))
          return send({ status: 401, body: { error: 'invalid_token' } });
        const resource = this.resources.get(path);
        send(
          resource === undefined
            ? { status: 404, body: { error: 'not found' } }
            : { status: 200, body: resource },
        );
      });
    });
  }

  /** Listens on a free port of `host`, a loopback address. */
  static async start(host = '127.0.0.1'): Promise<UpstreamApiSimulator> {
    const simulator = new UpstreamApiSimulator();
    await new Promise<void>((resolve) => simulator.server.listen(0, host, resolve));
    return simulator;
  }

  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address}:${port}`;
  }

  /**
   * An upstream entry of a relay config (`RELAY_CONFIG`) for this simulator as AO: events whose
   * type starts with `ao.`, OAuth2 client credentials against its token endpoint.
   */
  aoUpstream(overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      name: 'ao',
      match: { type: 'ao.' },
      baseUrl: this.url,
      auth: {
        kind: 'oauth2-client-credentials',
        tokenUrl: `${this.url}/oauth/token`,
        clientId: 'relay',
        clientSecret: 's3cret',
      },
      ...overrides,
    };
  }

  requestsTo(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
