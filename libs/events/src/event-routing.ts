import { EHR_EVENT_TYPES, EHREvent } from './ehr-event';

/** Namespaces the gateway emits in; listener patterns there are checked at bootstrap. */
export const EVENT_NAMESPACES = ['ehr', 'fhir', 'cds', 'notereader'] as const;

/**
 * Routes (event type and resource type) whose listeners a lookup keeps: every
 * event type and resource type the gateway serves fit, and a failed
 * operation's resource type, which is whatever the client sent, cannot grow it.
 */
export const MAX_CACHED_ROUTES = 1024;

/** A segment that stands for "any FHIR resource type" in the resource-scoped names. */
const RESOURCE_SEGMENT = /^[a-z][a-z0-9]*$/;

/**
 * The names an event is emitted under: its type, and for FHIR events with a
 * resource type also `fhir.<type, lower case>.<operation>`.
 */
export function eventNames(event: EHREvent): string[] {
  const resourceType = (event.payload as { resourceType?: unknown }).resourceType;
  if (!event.eventType.startsWith('fhir.') || typeof resourceType !== 'string' || resourceType === '') {
    return [event.eventType];
  }
  const operation = event.eventType.slice('fhir.'.length);
  return [event.eventType, `fhir.${resourceType.toLowerCase()}.${operation}`];
}

/** Name shapes, with `null` for the resource-type slot. */
const NAME_SHAPES: ReadonlyArray<ReadonlyArray<string | null>> = [
  ...EHR_EVENT_TYPES.map((type) => type.split('.')),
  ...EHR_EVENT_TYPES.filter((type) => type.startsWith('fhir.')).map((type) => ['fhir', null, type.split('.')[1]]),
];

function matchesShape(pattern: string[], shape: ReadonlyArray<string | null>): boolean {
  const [head, ...rest] = pattern;
  if (head === undefined) return shape.length === 0;
  if (head === '**') {
    for (let i = 0; i <= shape.length; i++) if (matchesShape(rest, shape.slice(i))) return true;
    return false;
  }
  if (shape.length === 0) return false;
  const segment = shape[0];
  const segmentMatches = head === '*' || (segment === null ? RESOURCE_SEGMENT.test(head) : head === segment);
  return segmentMatches && matchesShape(rest, shape.slice(1));
}

/** Whether an EventEmitter2 pattern (`.` delimiter, `*` and `**`) can match any event the gateway emits. */
export function patternCanMatch(pattern: string): boolean {
  const segments = pattern.split('.');
  return NAME_SHAPES.some((shape) => matchesShape(segments, shape));
}

/** Whether a pattern is in one of the gateway's namespaces (and so worth checking). */
export function isGatewayPattern(pattern: string): boolean {
  const head = pattern.split('.')[0];
  return (EVENT_NAMESPACES as readonly string[]).includes(head);
}

/** For a pattern that can match nothing, the closest pattern that does, if any. */
export function suggestPattern(pattern: string): string | undefined {
  const segments = pattern.split('.');
  const candidates = [
    ...segments.map((segment, i) =>
      segment === '*' ? [...segments.slice(0, i), '**', ...segments.slice(i + 1)].join('.') : undefined,
    ),
    `${pattern}.*`,
    `${pattern}.**`,
    ...segments.map((_, i) => [...segments.slice(0, i), '*'].join('.')).reverse(),
    ...segments.map((_, i) => [...segments.slice(0, i), '**'].join('.')),
  ];
  return candidates.find(
    (candidate): candidate is string => !!candidate && candidate !== '**' && patternCanMatch(candidate),
  );
}
