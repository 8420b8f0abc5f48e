// A TCP echo server for the benchmarks, in a process of its own: sends back every byte it gets.
// Loopback only; tells its parent when it listens.
const { createServer } = require('node:net');

const server = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
  socket.on('error', () => socket.destroy());
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
