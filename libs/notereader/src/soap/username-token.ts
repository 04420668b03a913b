import { parseXmlStart, textOf } from '@ehr-gateway/xml';
import { SOAP11_NAMESPACE } from '../constants';
import {
  SOAP_ENVELOPE_LIMITS,
  type ScopedElement,
  elementsOf,
  envelopeFault,
  envelopeOf,
  isElement,
} from './soap-envelope';

const WSSE_NAMESPACE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';

/**
 * How much of a message is read for its WS-Security header: the header comes
 * first (SOAP 1.1 section 4.2) and a `UsernameToken` header is well under 1 KB.
 */
export const SECURITY_HEADER_SCAN_CHARS = 32 * 1024;

const child = (parent: ScopedElement | undefined, namespace: string, name: string) =>
  parent && elementsOf(parent).find((element) => isElement(element, namespace, name));

/**
 * The `wsse:Security/wsse:UsernameToken` (PasswordText) of a SOAP message,
 * found in its first `SECURITY_HEADER_SCAN_CHARS` characters only, so that an
 * anonymous message costs a bounded parse before its credential is checked.
 */
export function usernameTokenIn(message: unknown): { username: string; password: string } | undefined {
  if (typeof message !== 'string') return undefined;
  let nodes;
  try {
    nodes = parseXmlStart(message, SECURITY_HEADER_SCAN_CHARS, SOAP_ENVELOPE_LIMITS);
  } catch (error) {
    throw envelopeFault(error);
  }
  const header = nodes && child(envelopeOf(nodes), SOAP11_NAMESPACE, 'Header');
  const token = child(child(header, WSSE_NAMESPACE, 'Security'), WSSE_NAMESPACE, 'UsernameToken');
  const username = child(token, WSSE_NAMESPACE, 'Username');
  const password = child(token, WSSE_NAMESPACE, 'Password');
  if (!username || !password) return undefined;
  return { username: textOf(username.node).trim(), password: textOf(password.node) };
}
