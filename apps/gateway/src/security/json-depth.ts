import type { IncomingMessage } from 'node:http';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x7b, 0x5b]); // { [
const CLOSERS = new Set([0x7d, 0x5d]); // } ]

/**
 * Whether a JSON text nests objects and arrays deeper than `maxDepth`, found by
 * one pass over its bytes before it is parsed: every later recursive walk of a
 * body (validation, reference rewriting, cloning) then has a bounded stack.
 */
export function exceedsJsonDepth(json: Uint8Array, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (OPENERS.has(byte)) {
      if (++depth > maxDepth) return true;
    } else if (CLOSERS.has(byte)) depth--;
  }
  return false;
}

/**
 * A body-parser `verify` hook run on the raw body before it is decoded and
 * parsed. Only UTF-8 is accepted (FHIR requires it, RFC 8259 too): body-parser
 * itself decodes any `utf-*` charset, whose bytes the depth scan would misread
 * (in UTF-16LE, U+0122 is the bytes of a quote). Another charset is refused with
 * 415 as body-parser refuses the rest (`charset.unsupported`); a body nested
 * deeper than `maxDepth` with 400.
 */
export const checkJsonBody =
  (maxDepth: number) =>
  (_request: IncomingMessage, _response: unknown, body: Buffer, encoding: string): void => {
    if (!UTF_8.has(encoding.toLowerCase())) {
      throw Object.assign(new Error('Only UTF-8 JSON bodies are accepted'), {
        status: 415,
        type: 'charset.unsupported',
      });
    }
    if (exceedsJsonDepth(body, maxDepth)) {
      throw Object.assign(new Error(`The JSON body nests deeper than ${maxDepth} levels`), {
        status: 400,
        type: 'entity.too.deep',
      });
    }
  };

const UTF_8 = new Set(['utf-8', 'utf8']);
