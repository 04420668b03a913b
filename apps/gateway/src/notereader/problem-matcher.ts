import { NEGATION_CUES, NEGATION_WINDOW, PROBLEM_TERMS } from './problem-terms';

export interface MatchedProblem {
  code: string;
  display: string;
  /** The sentence it was found in. */
  evidence: string;
}

const escape = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PATTERNS = PROBLEM_TERMS.flatMap((entry) =>
  [...entry.terms]
    .sort((a, b) => b.length - a.length)
    .map((term) => ({ ...entry, pattern: new RegExp(`\\b${escape(term)}\\b`, 'g') })),
);

function negated(sentence: string, index: number): boolean {
  const before = sentence.slice(0, index).toLowerCase().split(/\s+/).filter(Boolean).slice(-NEGATION_WINDOW).join(' ');
  return NEGATION_CUES.some((cue) => new RegExp(`(^|\\s)${escape(cue)}(\\s|$)`).test(before));
}

/**
 * Finds the problems a text asserts: every value-set term, whole words only,
 * skipping those a negation cue precedes within a few words in the same
 * sentence ("denies chest pain"). Deterministic; each code once.
 */
export function matchProblems(text: string): MatchedProblem[] {
  const found = new Map<string, MatchedProblem>();
  for (const sentence of text.split(/(?<=[.!?;])\s+|\n+/)) {
    const lower = sentence.toLowerCase();
    for (const { code, display, pattern } of PATTERNS) {
      if (found.has(code)) continue;
      for (const match of lower.matchAll(pattern)) {
        if (negated(lower, match.index)) continue;
        found.set(code, { code, display, evidence: sentence.trim() });
        break;
      }
    }
  }
  return [...found.values()];
}
