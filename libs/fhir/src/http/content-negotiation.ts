import type { Request } from 'express';
import { FhirError } from '../errors/fhir-error';

const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);
const JSON_BODY_TYPES = new Set(['application/fhir+json', 'application/json', 'application/json-patch+json']);

/** 406 unless the client accepts FHIR JSON (through `_format` or `Accept`). */
export function assertAcceptsJson(request: Request): void {
  const format = request.query._format;
  if (typeof format === 'string') {
    if (!JSON_FORMATS.has(format.split(';')[0].trim().toLowerCase())) {
      throw new FhirError(406, `_format '${format}' is not supported; this gateway speaks application/fhir+json`);
    }
    return;
  }
  const accept = request.headers.accept;
  if (!accept) return;
  const acceptable = accept
    .split(',')
    .map((part) => part.split(';')[0].trim().toLowerCase())
    .some((type) => type === '*/*' || type === 'application/*' || JSON_FORMATS.has(type));
  if (!acceptable)
    throw new FhirError(406, `Accept '${accept}' is not supported; this gateway speaks application/fhir+json`);
}

/** 415 unless a request with a body sends JSON (or a form, for `_search`). */
export function assertJsonBody(request: Request, allowForm: boolean): void {
  const type = request.headers['content-type']?.split(';')[0].trim().toLowerCase();
  if (type === undefined) {
    if (
      request.body === undefined ||
      (typeof request.body === 'object' && Object.keys(request.body as object).length === 0)
    )
      return;
    throw new FhirError(415, 'A request body needs a Content-Type of application/fhir+json');
  }
  if (JSON_BODY_TYPES.has(type) || (allowForm && type === 'application/x-www-form-urlencoded')) return;
  throw new FhirError(415, `Content-Type '${type}' is not supported; send application/fhir+json`);
}
