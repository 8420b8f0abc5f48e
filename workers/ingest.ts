/** Entry point of a worker-only process (`ROLE=worker`: the ingest and deliver workers): `node dist/workers/ingest.js`. */
import { processEnvironment } from '../src/config';
import { main } from '../src/main';

void main(processEnvironment(), { ROLE: 'worker' });
