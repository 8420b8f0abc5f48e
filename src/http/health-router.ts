import { Router } from 'express';

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, boolean>>;
}

export type ReadinessCheck = () => Promise<ReadinessReport>;

/** `GET /healthz`: the process answers. `GET /readyz`: its dependencies work (503 otherwise). */
export function createHealthRouter(readiness: ReadinessCheck): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await readiness();
    res
      .status(report.ready ? 200 : 503)
      .json({ status: report.ready ? 'ready' : 'not_ready', checks: report.checks });
  });
  return router;
}
