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

/** A body-parser `verify` hook: a body nested deeper than `maxDepth` is refused with 400 before parsing. */
export const limitJsonDepth =
  (maxDepth: number) =>
  (_request: IncomingMessage, _response: unknown, body: Buffer): void => {
    if (exceedsJsonDepth(body, maxDepth)) {
      throw Object.assign(new Error(`The JSON body nests deeper than ${maxDepth} levels`), {
        status: 400,
        type: 'entity.too.deep',
      });
    }
  };
