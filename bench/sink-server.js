// A subscriber endpoint for the benchmarks, in a process of its own: answers 204 at once, counts
// deliveries, and measures each one's latency from `data.sentAt` (ms since the epoch, set by the
// bench just before it posted the event) to its arrival here. Loopback only.
const { createServer } = require('node:http');

let count = 0;
let lastAt = 0;
let recording = false;
let latencies = [];

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ count, lastAt, latencies: recording ? latencies : [] }));
    return;
  }
  if (req.method === 'POST' && req.url === '/reset') {
    count = 0;
    lastAt = 0;
    latencies = [];
    recording = req.headers['x-record-latency'] === 'true';
    res.writeHead(204).end();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const now = Date.now();
    count++;
    lastAt = now;
    if (recording) {
      const sentAt = JSON.parse(Buffer.concat(chunks).toString('utf8')).data?.sentAt;
      if (typeof sentAt === 'number') latencies.push(now - sentAt);
    }
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('listening'));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
