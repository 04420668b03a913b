import type { ExecutionContext } from '@nestjs/common';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import type { GatewayConfig } from '../config/gateway-config';

/**
 * What a route or message pattern asks of its caller: nothing beyond its protocol's own check (`own`: FHIR
 * interactions under SMART, checked per operation by the FhirAuthorizer; CDS Hooks with CDS JWTs; NoteReader with its
 * credentials), a clinician's credential (`console`) or an operator's (`operator`).
 */
export type InboundRule = 'own' | 'console' | 'operator';

/** Whether `template` is `prefix` or under it (`/fhir`, `/fhir/:source`). */
const under = (template: string, prefix: string) => template === prefix || template.startsWith(`${prefix}/`);

/**
 * The rule of the route that matched, decided on the route's template as registered (Express's `request.route.path`:
 * `/fhir/status`, `/fhir/:source/*path`), never on the path as the client spelled it (`/FHIR/STATUS/`,
 * `//fhir/status`, `%2Ffhir` all match the same template or none); for a message, on its handler's pattern.
 */
export function inboundRules(config: GatewayConfig): (context: ExecutionContext) => InboundRule {
  const smart = config.gateway.auth.includes('smart');
  const fhir = `/${config.fhir.basePath}`;
  const cds = `/${config.cds.basePath}`;
  const notereader = `/${config.notereader.path}`;
  const ofRoute = (template: string): InboundRule => {
    if (template === `${fhir}/status` || under(template, '/events') || under(template, '/console')) return 'console';
    if (smart && under(template, fhir)) return 'own';
    if (config.cds.jwt.enabled && under(template, cds)) return 'own';
    // Epic's outgoing SOAP call carries its own credential (HTTP Basic or WS-Security), not an API key.
    if (config.notereader.credentials && under(template, notereader)) return 'own';
    return 'operator';
  };
  // Messages carry no CDS JWT: `cds.*` patterns take the deployment's credential.
  const ofPattern = (pattern: unknown): InboundRule =>
    smart && typeof pattern === 'string' && pattern.startsWith('fhir.') ? 'own' : 'operator';
  return (context) => {
    if (context.getType() === 'rpc') {
      const patterns = (Reflect.getMetadata(PATTERN_METADATA, context.getHandler()) as unknown[] | undefined) ?? [];
      return patterns.length > 0 && patterns.every((pattern) => ofPattern(pattern) === 'own') ? 'own' : 'operator';
    }
    const { route } = context.switchToHttp().getRequest<{ route?: { path?: unknown } }>();
    const template = route?.path;
    // A handler always has a route; without one nothing is exempt.
    return typeof template === 'string' ? ofRoute(template) : 'operator';
  };
}
