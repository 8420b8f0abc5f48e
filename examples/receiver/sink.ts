import { createServer } from 'node:http';
import { verifyWebhook } from './verify-webhook';

// A subscriber endpoint for trying ce-relay: prints each request it receives and, when SECRET is
// set (the subscription's whsec_ secret), whether its signature verifies. Answers 204, or the
// status in STATUS (e.g. STATUS=500 to watch retries).
//   npx tsx examples/receiver/sink.ts            (PORT=9000 by default)

const port = Number(process.env.PORT ?? 9000);
const status = Number(process.env.STATUS ?? 204);
const secret = process.env.SECRET;

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const shown = Object.entries(req.headers).filter(([name]) => /^(ce-|webhook-|content-type)/.test(name));
    const text = body.toString('utf8');
    const printable = Buffer.from(text, 'utf8').equals(body)
      ? text
      : `(bytes, base64) ${body.toString('base64')}`;
    const verdict =
      secret === undefined
        ? ''
        : verifyWebhook(body, req.headers, secret)
          ? ' signature ok'
          : ' SIGNATURE BAD';
    console.log(`${req.method} ${req.url}${verdict}`);
    for (const [name, value] of shown) console.log(`  ${name}: ${String(value)}`);
    console.log(`  ${printable}\n`);
    res.writeHead(status).end();
  });
}).listen(port, '127.0.0.1', () => console.log(`sink listening on http://127.0.0.1:${port}/hook`));
