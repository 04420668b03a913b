import { trace } from '@opentelemetry/api';
import { REQUEST_ID_HEADER } from '@ehr-gateway/events';
import type { NextFunction, Request, Response } from 'express';
import type { GatewayMetrics } from './gateway-metrics';

/** Labels requests no route matched with one value, so that probing URLs cannot grow the label set. */
const UNMATCHED = 'unmatched';
/**
 * The path Nest mounts app-wide middleware on (`forRoutes('*')`, per method): it is the last
 * `request.route` of a request that no handler took.
 */
const MIDDLEWARE_CATCH_ALL = '{/*splat}';

/**
 * Times every inbound request into `http_request_duration_seconds` under its
 * route template (`/fhir/:source/:type/:id`), never its concrete path, and
 * names the request's trace span after that template, with the request id.
 */
export function httpMetricsMiddleware(metrics: GatewayMetrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const span = trace.getActiveSpan();
    const stop = metrics.httpDuration.startTimer();
    response.once('finish', () => {
      const path = (request.route as { path?: unknown } | undefined)?.path;
      const route = typeof path === 'string' && path !== MIDDLEWARE_CATCH_ALL ? path : UNMATCHED;
      stop({ method: request.method, route, status: String(response.statusCode) });
      if (!span) return;
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
      const requestId = response.getHeader(REQUEST_ID_HEADER);
      if (typeof requestId === 'string') span.setAttribute('ehr.request_id', requestId);
    });
    next();
  };
}
