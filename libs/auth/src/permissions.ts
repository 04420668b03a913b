import type { FhirOperation } from '@ehr-gateway/fhir';
import type { Permission } from './scopes';

/**
 * The SMART v2 permission an interaction needs: `r` for read, vread and the
 * history of one resource; `s` for search and type history; `c`, `u` (update,
 * patch), `d`. `undefined` for interactions that carry no resource access
 * (capabilities) or are checked entry by entry (transaction, batch).
 */
export function permissionOf(operation: FhirOperation): Permission | undefined {
  switch (operation.interaction) {
    case 'read':
    case 'vread':
      return 'r';
    case 'history':
      return operation.id === undefined ? 's' : 'r';
    case 'search':
      return 's';
    case 'create':
      return 'c';
    case 'update':
    case 'patch':
      return 'u';
    case 'delete':
      return 'd';
    default:
      return undefined;
  }
}
