import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { SoapFault } from '../soap/soap-fault';
import { usernameTokenIn } from '../soap/username-token';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** `user:password` of an HTTP Basic `Authorization` header. */
function basicCredentials(request: Request): { username: string; password: string } | undefined {
  const encoded = request.headers.authorization?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i)?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Checks the credential of a NoteReader call, HTTP Basic or a WS-Security
 * `UsernameToken`, against the configured one. Compared as SHA-256 digests in
 * constant time, both parts always, so timing tells nothing about either.
 * Failure is a `soap:Client` fault (Epic does not retry it) that names no value.
 * Runs before the message is read: a `UsernameToken` is looked for in the
 * message's first characters only (`usernameTokenIn`).
 */
export function checkNoteReaderCredentials(expected: { username: string; password: string }, request: Request): void {
  const presented = basicCredentials(request) ?? usernameTokenIn(request.body);
  if (!presented) throw new SoapFault('Client', 'Authentication required: HTTP Basic or a WS-Security UsernameToken');
  const username = timingSafeEqual(digest(presented.username), digest(expected.username));
  const password = timingSafeEqual(digest(presented.password), digest(expected.password));
  if (!(username && password)) throw new SoapFault('Client', 'Authentication failed');
}
