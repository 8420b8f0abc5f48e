import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedDelivery {
  readonly webhookId: string;
  readonly type: string;
  readonly subject?: string;
  readonly signatureValid: boolean;
  readonly enriched: boolean;
}

/**
 * A subscriber endpoint that prints each delivery it receives and checks its Standard Webhooks
 * signature. `failing` makes it answer 500 (to show dead letters and replay).
 */
export class DemoSubscriber {
  readonly received: ReceivedDelivery[] = [];
  secret = '';
  failing = false;
  private readonly server: Server;

  private constructor(
    readonly name: string,
    private readonly print: (line: string) => void,
  ) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (this.failing) {
          this.print(`  ${this.name.padEnd(18)} <- answers 500 (down)`);
          res.writeHead(500).end();
          return;
        }
        let signatureValid = true;
        try {
          new Webhook(this.secret).verify(body, req.headers as Record<string, string>);
        } catch {
          signatureValid = false;
        }
        const event = JSON.parse(body) as {
          type: string;
          subject?: string;
          data?: { resources?: object };
          enrichment?: string;
        };
        const enriched = Object.keys(event.data?.resources ?? {}).length > 0;
        const delivery = {
          webhookId: String(req.headers['webhook-id']),
          type: event.type,
          subject: event.subject,
          signatureValid,
          enriched,
        };
        this.received.push(delivery);
        this.print(
          `  ${this.name.padEnd(18)} <- ${event.type} ${event.subject ?? ''} signature ${signatureValid ? 'valid' : 'INVALID'}` +
            `${enriched ? `, ${Object.keys(event.data!.resources!).length} resource(s) attached` : ''}${event.enrichment ? ` (enrichment ${event.enrichment})` : ''}`,
        );
        res.writeHead(204).end();
      });
    });
  }

  static async start(name: string, print: (line: string) => void): Promise<DemoSubscriber> {
    const subscriber = new DemoSubscriber(name, print);
    await new Promise<void>((resolve) => subscriber.server.listen(0, '127.0.0.1', resolve));
    return subscriber;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
