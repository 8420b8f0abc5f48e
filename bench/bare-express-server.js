// Baseline for the ingest benchmark: a bare Express 5 app that parses the same JSON body and
// answers 202 without validating or queuing anything.
const express = require('express');

const app = express();
app.post('/events', express.json({ type: () => true, limit: '1mb' }), (req, res) => {
  res.status(202).json({ accepted: Array.isArray(req.body) ? req.body.length : 1 });
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
