import type { Logger } from '../logging';

/** Flushes and stops the tracing SDK; nothing to do when none was started. */
export type StopTracing = () => Promise<void>;

/**
 * True when the standard `OTEL_*` variables ask for traces: an OTLP endpoint, or
 * `OTEL_TRACES_EXPORTER=otlp`; never with `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`.
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return false;
  const exporter = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporter === 'none') return false;
  return exporter === 'otlp' || !!env.OTEL_EXPORTER_OTLP_ENDPOINT || !!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
}

/**
 * Starts the OpenTelemetry SDK with an OTLP/HTTP exporter when the environment asks for it (the
 * exporter and the batch processor read their own `OTEL_*` settings). Without it nothing is
 * loaded: spans stay no-ops and cost next to nothing.
 */
export async function startTracing(
  env: NodeJS.ProcessEnv,
  logger: Logger,
  version: string,
): Promise<StopTracing> {
  if (!tracingRequested(env)) return () => Promise.resolve();
  const exporterName = env.OTEL_TRACES_EXPORTER?.trim().toLowerCase();
  if (exporterName && exporterName !== 'otlp') {
    logger.warn(
      { OTEL_TRACES_EXPORTER: exporterName },
      'only the otlp trace exporter is supported: using it',
    );
  }
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, resources] =
    await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/resources'),
    ]);
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'ce-relay', 'service.version': version }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  logger.info('tracing: spans are exported over OTLP (OTEL_* settings)');
  return () => provider.shutdown();
}
