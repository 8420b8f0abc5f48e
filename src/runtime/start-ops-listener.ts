import type { Server } from 'node:http';
import type { Config } from '../config';
import { createOpsApp, type MetricsSource, type ReadinessCheck } from '../http';
import type { Logger } from '../logging';

export interface OpsListener {
  readonly port: number;
  close(): Promise<void>;
}

/** A worker-only process's listener on HOST:METRICS_PORT, for scrapers and health checks. */
export async function startOpsListener(deps: {
  readonly config: Config;
  readonly logger: Logger;
  readonly readiness: ReadinessCheck;
  readonly metrics: MetricsSource;
}): Promise<OpsListener> {
  const { config, logger } = deps;
  const app = createOpsApp({
    logger,
    readiness: deps.readiness,
    metrics: deps.metrics,
    metricsToken: config.METRICS_TOKEN,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(config.METRICS_PORT, config.HOST, (error?: Error) =>
      error ? reject(error) : resolve(listening),
    );
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.METRICS_PORT;
  logger.info({ port }, `metrics and health checks on ${config.HOST}:${port}`);
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
