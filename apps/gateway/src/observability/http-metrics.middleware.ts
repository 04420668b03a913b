import { context, trace } from '@opentelemetry/api';
import { requestIdOf } from '@ehr-gateway/events';
import type { NextFunction, Request, Response } from 'express';
import type { GatewayMetrics } from './gateway-metrics';
import { REQUEST_ID_ATTRIBUTE, REQUEST_ID_CONTEXT } from './request-id-span';

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
 * names the request's trace span after that template. The request id goes on
 * that span and, through the OpenTelemetry context, on every span the request
 * sets off (`RequestIdSpanProcessor`).
 */
export function httpMetricsMiddleware(metrics: GatewayMetrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const requestId = requestIdOf(request);
    const span = trace.getActiveSpan();
    span?.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
    const stop = metrics.httpDuration.startTimer();
    response.once('finish', () => {
      const path = (request.route as { path?: unknown } | undefined)?.path;
      const route = typeof path === 'string' && path !== MIDDLEWARE_CATCH_ALL ? path : UNMATCHED;
      stop({ method: request.method, route, status: String(response.statusCode) });
      span?.updateName(`${request.method} ${route}`);
      span?.setAttribute('http.route', route);
    });
    context.with(context.active().setValue(REQUEST_ID_CONTEXT, requestId), next);
  };
}
