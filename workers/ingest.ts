/** Entry point of a worker-only process (`ROLE=worker`): `node dist/workers/ingest.js`. */
import { main } from '../src/main';

void main(process.env, { ROLE: 'worker' });
