import type { CdsAction, CdsCard } from '../interfaces/cds.interfaces';

const INDICATORS = new Set(['info', 'warning', 'critical']);
const LINK_TYPES = new Set(['absolute', 'smart']);
const ACTION_TYPES = new Set(['create', 'update', 'delete']);
const SELECTION_BEHAVIORS = new Set(['at-most-one', 'any']);
const MAX_SUMMARY = 140;

function actionProblems(action: CdsAction, path: string): string[] {
  const problems: string[] = [];
  if (!ACTION_TYPES.has(action?.type)) problems.push(`${path}.type must be create, update or delete`);
  if (typeof action?.description !== 'string' || action.description === '')
    problems.push(`${path}.description is required`);
  if ((action?.type === 'create' || action?.type === 'update') && !action.resource) {
    problems.push(`${path}.resource is required for ${action.type}`);
  }
  if (action?.type === 'delete' && (!Array.isArray(action.resourceId) || action.resourceId.length === 0)) {
    problems.push(`${path}.resourceId (Type/id references) is required for delete`);
  }
  return problems;
}

function cardProblems(card: CdsCard, path: string): string[] {
  const problems: string[] = [];
  if (typeof card?.summary !== 'string' || card.summary === '') problems.push(`${path}.summary is required`);
  else if (card.summary.length >= MAX_SUMMARY) problems.push(`${path}.summary must be under ${MAX_SUMMARY} characters`);
  if (!INDICATORS.has(card?.indicator)) problems.push(`${path}.indicator must be info, warning or critical`);
  if (typeof card?.source?.label !== 'string' || card.source.label === '')
    problems.push(`${path}.source.label is required`);
  if (card?.suggestions !== undefined) {
    if (!Array.isArray(card.suggestions)) problems.push(`${path}.suggestions must be an array`);
    else {
      if (card.suggestions.length > 0 && !SELECTION_BEHAVIORS.has(card.selectionBehavior ?? '')) {
        problems.push(`${path}.selectionBehavior (at-most-one or any) is required with suggestions`);
      }
      card.suggestions.forEach((suggestion, i) => {
        const at = `${path}.suggestions[${i}]`;
        if (typeof suggestion?.label !== 'string' || suggestion.label === '') problems.push(`${at}.label is required`);
        (suggestion?.actions ?? []).forEach((action, j) =>
          problems.push(...actionProblems(action, `${at}.actions[${j}]`)),
        );
      });
    }
  }
  (card?.links ?? []).forEach((link, i) => {
    const at = `${path}.links[${i}]`;
    if (typeof link?.label !== 'string' || link.label === '') problems.push(`${at}.label is required`);
    if (typeof link?.url !== 'string' || link.url === '') problems.push(`${at}.url is required`);
    if (!LINK_TYPES.has(link?.type)) problems.push(`${at}.type must be absolute or smart`);
  });
  (card?.overrideReasons ?? []).forEach((reason, i) => {
    if (typeof reason?.display !== 'string' || reason.display === '')
      problems.push(`${path}.overrideReasons[${i}].display is required`);
  });
  return problems;
}

/** Checks a handler's answer against the CDS Hooks 2.0 response rules; returns every problem found. */
export function responseProblems(response: unknown): string[] {
  const value = response as { cards?: unknown; systemActions?: unknown } | null;
  if (!value || typeof value !== 'object' || !Array.isArray(value.cards))
    return ['the response must have a cards array'];
  const problems = (value.cards as CdsCard[]).flatMap((card, i) => cardProblems(card, `cards[${i}]`));
  if (value.systemActions !== undefined) {
    if (!Array.isArray(value.systemActions)) problems.push('systemActions must be an array');
    else
      (value.systemActions as CdsAction[]).forEach((action, i) =>
        problems.push(...actionProblems(action, `systemActions[${i}]`)),
      );
  }
  return problems;
}
