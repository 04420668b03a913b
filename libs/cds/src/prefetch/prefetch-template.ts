import type { CdsRequest } from '../interfaces/cds.interfaces';

const TOKEN = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;
const USER_TOKENS: Record<string, string> = {
  userPractitionerId: 'Practitioner',
  userPractitionerRoleId: 'PractitionerRole',
  userPatientId: 'Patient',
  userRelatedPersonId: 'RelatedPerson',
};

function tokenValue(token: string, context: CdsRequest['context']): string | undefined {
  if (token.startsWith('context.')) {
    const value = (context as Record<string, unknown>)[token.slice('context.'.length)];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : undefined;
  }
  const type = USER_TOKENS[token];
  const [userType, userId] = (context.userId ?? '').split('/');
  return type && userType === type ? userId : undefined;
}

/**
 * Substitutes a prefetch template's tokens (`{{context.*}}` for root-level
 * primitive context fields, `{{userPractitionerId}}` and its siblings from
 * `context.userId`). `undefined` when a token has no value in this request.
 */
export function renderPrefetchTemplate(template: string, context: CdsRequest['context']): string | undefined {
  let missing = false;
  const rendered = template.replace(TOKEN, (_, token: string) => {
    const value = tokenValue(token, context);
    if (value === undefined) missing = true;
    return encodeURIComponent(value ?? '');
  });
  return missing ? undefined : rendered;
}
