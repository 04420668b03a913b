/**
 * The sections the CDA engine understands, as data: the templateIds of both
 * template families (C-CDA R2.1 `2.16.840.1.113883.10.20.22.*`; CCD 1.0/HITSP
 * `2.16.840.1.113883.10.20.1.*` and IHE `1.3.6.1.4.1.19376.*`), the LOINC
 * section code for documents without templateIds, and what each maps to.
 * To support a new section, add a row here (and, for coded entries, a mapper
 * in `entry-mappers.ts`).
 */
export type SectionKind = 'problems' | 'medications' | 'allergies' | 'note';

export interface SectionType {
  kind: SectionKind;
  name: string;
  loinc: string;
  templateIds: string[];
  /** The templateId written when the engine creates this section. */
  createTemplateId?: string;
}

export const SECTION_TYPES: readonly SectionType[] = [
  {
    kind: 'problems',
    name: 'Problems',
    loinc: '11450-4',
    templateIds: [
      '2.16.840.1.113883.10.20.22.2.5.1',
      '2.16.840.1.113883.10.20.22.2.5',
      '2.16.840.1.113883.10.20.1.11',
      '1.3.6.1.4.1.19376.1.5.3.1.3.6',
      '2.16.840.1.113883.3.88.11.83.103',
    ],
    createTemplateId: '2.16.840.1.113883.10.20.22.2.5.1',
  },
  {
    kind: 'medications',
    name: 'Medications',
    loinc: '10160-0',
    templateIds: [
      '2.16.840.1.113883.10.20.22.2.1.1',
      '2.16.840.1.113883.10.20.22.2.1',
      '2.16.840.1.113883.10.20.1.8',
      '1.3.6.1.4.1.19376.1.5.3.1.3.19',
      '2.16.840.1.113883.3.88.11.83.112',
    ],
    createTemplateId: '2.16.840.1.113883.10.20.22.2.1.1',
  },
  {
    kind: 'allergies',
    name: 'Allergies',
    loinc: '48765-2',
    templateIds: [
      '2.16.840.1.113883.10.20.22.2.6.1',
      '2.16.840.1.113883.10.20.22.2.6',
      '2.16.840.1.113883.10.20.1.2',
      '1.3.6.1.4.1.19376.1.5.3.1.3.13',
      '2.16.840.1.113883.3.88.11.83.102',
    ],
    createTemplateId: '2.16.840.1.113883.10.20.22.2.6.1',
  },
  {
    kind: 'note',
    name: 'Assessment and plan',
    loinc: '51847-2',
    templateIds: ['2.16.840.1.113883.10.20.22.2.9', '1.3.6.1.4.1.19376.1.5.3.1.1.13.2.5'],
  },
  { kind: 'note', name: 'Assessment', loinc: '51848-0', templateIds: ['2.16.840.1.113883.10.20.22.2.8'] },
  {
    kind: 'note',
    name: 'Plan of treatment',
    loinc: '18776-5',
    templateIds: ['2.16.840.1.113883.10.20.22.2.10', '2.16.840.1.113883.10.20.1.10'],
  },
  {
    kind: 'note',
    name: 'History of present illness',
    loinc: '10164-2',
    templateIds: ['1.3.6.1.4.1.19376.1.5.3.1.3.4'],
  },
  { kind: 'note', name: 'Chief complaint', loinc: '10154-3', templateIds: ['1.3.6.1.4.1.19376.1.5.3.1.1.13.2.1'] },
  {
    kind: 'note',
    name: 'Chief complaint and reason for visit',
    loinc: '46239-0',
    templateIds: ['2.16.840.1.113883.10.20.22.2.13'],
  },
  { kind: 'note', name: 'Reason for visit', loinc: '29299-5', templateIds: ['2.16.840.1.113883.10.20.22.2.12'] },
  { kind: 'note', name: 'Review of systems', loinc: '10187-3', templateIds: ['1.3.6.1.4.1.19376.1.5.3.1.3.18'] },
  { kind: 'note', name: 'Physical exam', loinc: '29545-1', templateIds: ['2.16.840.1.113883.10.20.2.10'] },
  { kind: 'note', name: 'Hospital course', loinc: '8648-8', templateIds: ['1.3.6.1.4.1.19376.1.5.3.1.3.5'] },
  { kind: 'note', name: 'Progress note', loinc: '11506-3', templateIds: [] },
  { kind: 'note', name: 'Consultation note', loinc: '11488-4', templateIds: [] },
];

const BY_TEMPLATE = new Map(SECTION_TYPES.flatMap((type) => type.templateIds.map((id) => [id, type] as const)));
const BY_LOINC = new Map(SECTION_TYPES.map((type) => [type.loinc, type] as const));

/** The section type of a section: by templateId first, else by its LOINC code. */
export function sectionTypeOf(templateIds: string[], loinc: string | undefined): SectionType | undefined {
  for (const id of templateIds) {
    const type = BY_TEMPLATE.get(id);
    if (type) return type;
  }
  return loinc ? BY_LOINC.get(loinc) : undefined;
}

export const sectionTypeOfKind = (kind: Exclude<SectionKind, 'note'>) =>
  SECTION_TYPES.find((type) => type.kind === kind)!;
