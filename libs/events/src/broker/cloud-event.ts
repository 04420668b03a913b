import type { EHREvent } from '../ehr-event';

/** An EHR event in a CloudEvents 1.0 envelope (JSON format). */
export interface EhrCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  data: EHREvent;
}

/** The event as it may leave the process: references and outcome, without the resource body (PHI). */
export function withoutResource(event: EHREvent): EHREvent {
  if (!('resource' in event.payload) || event.payload.resource === undefined) return event;
  const { resource: _resource, ...payload } = event.payload;
  return { ...event, payload } as EHREvent;
}

/**
 * Wraps an event for the broker. Resource bodies stay in the process unless
 * `includeResource` says otherwise: what leaves carries references, not PHI.
 */
export function toCloudEvent(event: EHREvent, source: string, includeResource: boolean): EhrCloudEvent {
  const data = includeResource ? event : withoutResource(event);
  return {
    specversion: '1.0',
    id: event.id,
    source,
    type: event.eventType,
    time: event.timestamp,
    datacontenttype: 'application/json',
    data,
  };
}
