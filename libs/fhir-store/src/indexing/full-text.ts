import { XMLParser } from 'fast-xml-parser';
import type { Resource } from '@medplum/fhirtypes';

/** Characters of text indexed per resource and kind at most; the rest is not searchable by `_text`/`_content`. */
export const MAX_FULL_TEXT = 65_536;
/** A narrative larger than this is not parsed (nor searchable by `_text`). */
const MAX_NARRATIVE = 1_048_576;

/** What `_text` (the narrative's text) and `_content` (every string of the resource) search, per resource. */
export interface FullText {
  narrative: string;
  content: string;
}

// preserveOrder keeps mixed content in document order (`John <b>Paul</b> Smith`).
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  htmlEntities: true,
  parseTagValue: false,
  trimValues: true,
});

/** The strings inside a parsed value, depth first, up to `MAX_FULL_TEXT` characters, joined by spaces. */
function stringsIn(root: unknown, skip: (key: string) => boolean): string {
  const parts: string[] = [];
  let length = 0;
  const pending: unknown[] = [root];
  while (pending.length > 0 && length < MAX_FULL_TEXT) {
    const value = pending.pop();
    if (typeof value === 'string') {
      parts.push(value);
      length += value.length + 1;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push(value[i]);
    } else if (value && typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>).filter(([key]) => !skip(key));
      for (let i = entries.length - 1; i >= 0; i--) pending.push(entries[i][1]);
    }
  }
  return parts.join(' ').slice(0, MAX_FULL_TEXT);
}

/** The text of an XHTML narrative, read with fast-xml-parser (markup and attributes left out); empty if it does not parse. */
export function narrativeText(div: string | undefined): string {
  if (!div || div.length > MAX_NARRATIVE) return '';
  try {
    return stringsIn(parser.parse(div), () => false);
  } catch {
    return '';
  }
}

/**
 * The full text of a resource: its narrative's text (`_text`), and its whole
 * content (`_content`): the narrative's text and every other string value.
 */
export function fullTextOf(resource: Resource): FullText {
  const narrative = narrativeText((resource as { text?: { div?: string } }).text?.div);
  const strings = stringsIn(resource, (key) => key === 'div');
  return { narrative, content: `${narrative} ${strings}`.slice(0, MAX_FULL_TEXT) };
}
