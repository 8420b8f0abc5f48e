import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { AppError } from '../errors';

/** The metrics text of this process, in the Prometheus exposition format. */
export interface MetricsSource {
  readonly contentType: string;
  render(): Promise<string>;
}

/**
 * `GET /metrics`. With a token, only a scraper that sends `Authorization: Bearer <token>` gets
 * them (metric labels name tenants' subscriptions).
 */
export function createMetricsRouter(metrics: MetricsSource, token?: string): Router {
  const router = Router();
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = token === undefined ? undefined : digest(`Bearer ${token}`);
  router.get('/metrics', async (req, res) => {
    if (expected && !timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
      throw new AppError('unauthorized', 'GET /metrics needs METRICS_TOKEN as a bearer token.', {
        status: 401,
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
    }
    res.type(metrics.contentType).send(await metrics.render());
  });
  return router;
}
