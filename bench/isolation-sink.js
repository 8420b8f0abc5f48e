// The isolation bench's subscriber endpoints, in a process of their own: `/fast` answers 204 at
// once, `/slow` after 2 s, `/failing` answers 500 to the first two attempts of each delivery
// (by webhook-id) and 204 to the third. Loopback only.
const { createServer } = require('node:http');

const counts = { fast: 0, slow: 0, failing: 0 };
const attemptsById = new Map();

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    const deliveredFailing = [...attemptsById.values()].filter((n) => n >= 3).length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...counts, deliveredFailing }));
    return;
  }
  req.resume();
  req.on('end', () => {
    const route = req.url.slice(1);
    if (!(route in counts)) return res.writeHead(404).end();
    counts[route]++;
    if (route === 'slow') return setTimeout(() => res.writeHead(204).end(), 2_000);
    if (route === 'failing') {
      const id = String(req.headers['webhook-id']);
      const n = (attemptsById.get(id) ?? 0) + 1;
      attemptsById.set(id, n);
      return res.writeHead(n <= 2 ? 500 : 204).end();
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
