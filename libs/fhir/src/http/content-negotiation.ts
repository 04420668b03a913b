import type { Request } from 'express';
import { FhirError } from '../errors/fhir-error';

/**
 * The JSON format names R4 lists for `_format` and `Accept` (http.html#mime-type), with the
 * DSTU2 type `application/json+fhir` that R4 asks servers to keep accepting and that older
 * clients (the CDS Hooks sandbox among them) still send.
 */
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);
const JSON_BODY_TYPES = new Set([
  'application/fhir+json',
  'application/json+fhir',
  'application/json',
  'application/json-patch+json',
]);

/** A media type as compared: no parameters, lower case, and an unencoded `+` in a query (read as a space) restored. */
const mediaType = (value: string) => value.split(';')[0].trim().toLowerCase().replace(/ /g, '+');

/** 406 unless the client accepts FHIR JSON (through `_format` or `Accept`). */
export function assertAcceptsJson(request: Request): void {
  const format = request.query._format;
  if (typeof format === 'string') {
    if (!JSON_FORMATS.has(mediaType(format))) {
      throw new FhirError(406, `_format '${format}' is not supported; this gateway speaks application/fhir+json`);
    }
    return;
  }
  const accept = request.headers.accept;
  if (!accept) return;
  const acceptable = accept
    .split(',')
    .map(mediaType)
    .some((type) => type === '*/*' || type === 'application/*' || JSON_FORMATS.has(type));
  if (!acceptable)
    throw new FhirError(406, `Accept '${accept}' is not supported; this gateway speaks application/fhir+json`);
}

/** 415 unless a request with a body sends JSON (or a form, for `_search`). */
export function assertJsonBody(request: Request, allowForm: boolean): void {
  const contentType = request.headers['content-type'];
  const type = contentType === undefined ? undefined : mediaType(contentType);
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
