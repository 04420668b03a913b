import type { CodeableConcept, Coding, Identifier } from '@medplum/fhirtypes';
import { systemUri } from '../code-systems';
import { XmlNode, attr, child, childNodes, children, textOf } from '@ehr-gateway/xml';

/** Resolves a narrative reference (`#problem3name`) to its text in the section narrative. */
export type NarrativeResolver = (id: string) => string | undefined;

/** The narrative resolver of a section: every element with an `ID` in its `text`. */
export function narrativeResolver(section: XmlNode): NarrativeResolver {
  let index: Map<string, string> | undefined;
  return (id) => {
    if (!index) {
      index = new Map();
      const visit = (node: XmlNode) => {
        const nodeId = attr(node, 'ID');
        if (nodeId) index!.set(nodeId, textOf(node).replace(/\s+/g, ' ').trim());
        childNodes(node).forEach(visit);
      };
      const narrative = child(section, 'text');
      if (narrative) visit(narrative);
    }
    return index.get(id.replace(/^#/, ''));
  };
}

/**
 * A CD/CE element (`code`, `value`, ...) as a CodeableConcept, translations
 * included; `originalText` by reference into the narrative where it points
 * there (Epic sends uncoded problems that way). Undefined when it says nothing.
 */
export function toCodeableConcept(node: XmlNode | undefined, resolve?: NarrativeResolver): CodeableConcept | undefined {
  if (!node) return undefined;
  const codings: Coding[] = [node, ...children(node, 'translation')]
    .filter((n) => attr(n, 'code'))
    .map((n) => ({ system: systemUri(attr(n, 'codeSystem')), code: attr(n, 'code'), display: attr(n, 'displayName') }));
  const originalText = child(node, 'originalText');
  const reference = attr(originalText && child(originalText, 'reference'), 'value');
  const original = (reference && resolve ? resolve(reference) : undefined) ?? textOf(originalText).trim();
  if (codings.length === 0 && !original) return undefined;
  return {
    ...(codings.length > 0 ? { coding: codings } : {}),
    ...(original ? { text: original } : { text: codings[0]?.display }),
  };
}

/** HL7 TS (`20140916152158-0500`) as a FHIR date or dateTime. */
export function toFhirDateTime(value: string | undefined): string | undefined {
  const match = value?.match(/^(\d{4})(\d{2})?(\d{2})?(?:(\d{2})(\d{2})(\d{2})?(?:\.\d+)?)?([+-]\d{4}|Z)?$/);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, zone] = match;
  if (!month) return year;
  if (!day) return `${year}-${month}`;
  if (!hour) return `${year}-${month}-${day}`;
  const offset = !zone || zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${year}-${month}-${day}T${hour}:${minute}:${second ?? '00'}${offset}`;
}

/** A FHIR date or dateTime as an HL7 TS. */
export function toHl7Timestamp(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const date = value.slice(0, 10).replaceAll('-', '');
  if (value.length <= 10) return date;
  const time = value.slice(11, 19).replaceAll(':', '');
  return `${date}${time}`;
}

export function toIdentifier(node: XmlNode): Identifier | undefined {
  const root = attr(node, 'root');
  if (!root) return undefined;
  const extension = attr(node, 'extension');
  return extension
    ? { system: `urn:oid:${root}`, value: extension }
    : { system: 'urn:ietf:rfc:3986', value: `urn:oid:${root}` };
}

export const identifiersOf = (node: XmlNode) =>
  children(node, 'id')
    .map(toIdentifier)
    .filter((id): id is Identifier => !!id);

/** `effectiveTime` as [low, high] FHIR dates (a bare `value` counts as low). */
export function effectiveRange(node: XmlNode | undefined): [string | undefined, string | undefined] {
  const time = node && child(node, 'effectiveTime');
  if (!time) return [undefined, undefined];
  return [
    toFhirDateTime(attr(child(time, 'low'), 'value') ?? attr(time, 'value')),
    toFhirDateTime(attr(child(time, 'high'), 'value')),
  ];
}

export const templateIdsOf = (node: XmlNode) =>
  children(node, 'templateId')
    .map((n) => attr(n, 'root'))
    .filter((id): id is string => !!id);
