export { createIngestProcessor, type IngestProcessorDeps, type IngestWork } from './ingest-processor';
