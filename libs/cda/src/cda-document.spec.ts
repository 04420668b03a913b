import type { AllergyIntolerance, Condition, MedicationStatement, Patient } from '@medplum/fhirtypes';
import { isDeepStrictEqual } from 'node:util';
import { CdaDocument, CdaParseError } from './cda-document';
import { createCdaDocument } from './cda-builder';

const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const patient: Patient = {
  resourceType: 'Patient',
  identifier: [{ value: 'MRN-7' }],
  name: [{ given: ['Ada'], family: 'Okafor' }],
  gender: 'female',
  birthDate: '1961-04-12',
};
const hypertension: Condition = {
  resourceType: 'Condition',
  clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
  code: { coding: [{ system: SNOMED, code: '38341003', display: 'Hypertensive disorder' }] },
  subject: { reference: 'Patient/p' },
  onsetDateTime: '2019-03-01',
};
const lisinopril: MedicationStatement = {
  resourceType: 'MedicationStatement',
  status: 'active',
  medicationCodeableConcept: { coding: [{ system: RXNORM, code: '314076', display: 'lisinopril 10 MG Oral Tablet' }] },
  subject: { reference: 'Patient/p' },
  effectivePeriod: { start: '2019-03-02' },
  dosage: [{ doseAndRate: [{ doseQuantity: { value: 1, unit: '{tbl}' } }] }],
};
const penicillin: AllergyIntolerance = {
  resourceType: 'AllergyIntolerance',
  category: ['medication'],
  code: { coding: [{ system: RXNORM, code: '7980', display: 'penicillin G' }] },
  patient: { reference: 'Patient/p' },
  reaction: [
    {
      manifestation: [{ coding: [{ system: SNOMED, code: '271807003', display: 'Eruption of skin' }] }],
      severity: 'moderate',
    },
  ],
};

function roundTrips(document: CdaDocument): boolean {
  const xml = document.serialize();
  return isDeepStrictEqual(CdaDocument.parse(xml).serialize(), xml);
}

describe('CdaDocument', () => {
  const note = createCdaDocument({
    patient,
    effectiveTime: '2026-11-26T08:00:00Z',
    notes: [
      {
        loinc: '51847-2',
        title: 'Assessment and plan',
        text: 'Blood pressure controlled.\nContinue lisinopril & recheck in 3 months.',
      },
    ],
    entries: [hypertension, lisinopril, penicillin],
  });

  it('maps the header, every coded entry and the note sections to FHIR', () => {
    const view = CdaDocument.parse(note.serialize()).toFhir();
    expect(view.patient).toMatchObject({
      name: [{ given: ['Ada'], family: 'Okafor' }],
      gender: 'female',
      birthDate: '1961-04-12',
    });
    expect(view.conditions).toEqual([
      expect.objectContaining({
        code: {
          coding: [{ system: SNOMED, code: '38341003', display: 'Hypertensive disorder' }],
          text: 'Hypertensive disorder',
        },
        clinicalStatus: { coding: [expect.objectContaining({ code: 'active' })] },
        onsetDateTime: '2019-03-01',
      }),
    ]);
    expect(view.medications).toEqual([
      expect.objectContaining({
        status: 'active',
        medicationCodeableConcept: expect.objectContaining({
          coding: [{ system: RXNORM, code: '314076', display: 'lisinopril 10 MG Oral Tablet' }],
        }),
        effectivePeriod: { start: '2019-03-02' },
        dosage: [{ doseAndRate: [{ doseQuantity: { value: 1, unit: '{tbl}' } }] }],
      }),
    ]);
    expect(view.allergies).toEqual([
      expect.objectContaining({
        category: ['medication'],
        code: expect.objectContaining({ coding: [{ system: RXNORM, code: '7980', display: 'penicillin G' }] }),
        reaction: [
          {
            manifestation: [expect.objectContaining({ coding: [expect.objectContaining({ code: '271807003' })] })],
            severity: 'moderate',
          },
        ],
      }),
    ]);
    expect(view.notes).toHaveLength(1);
    expect(Buffer.from(view.notes[0].content[0].attachment.data!, 'base64').toString()).toBe(
      'Blood pressure controlled.Continue lisinopril & recheck in 3 months.',
    );
  });

  it('creates missing sections with a narrative line the entry references', () => {
    const sections = note.sections();
    expect(sections.map((s) => [s.type?.kind, s.code, s.templateIds[0]])).toEqual([
      ['note', '51847-2', undefined],
      ['problems', '11450-4', '2.16.840.1.113883.10.20.22.2.5.1'],
      ['medications', '10160-0', '2.16.840.1.113883.10.20.22.2.1.1'],
      ['allergies', '48765-2', '2.16.840.1.113883.10.20.22.2.6.1'],
    ]);
    expect(note.section('problems')!.text).toBe('Hypertensive disorder');
    expect(note.serialize()).toContain('<paragraph ID="ehr-gateway-problems-1">Hypertensive disorder</paragraph>');
    expect(note.serialize()).toContain('<reference value="#ehr-gateway-problems-1"></reference>');
  });

  it('keeps narrative references unique when a note enriched before is enriched again', () => {
    const again = CdaDocument.parse(note.serialize());
    again.addResources([hypertension, lisinopril]);
    const ids = [...again.serialize().matchAll(/ ID="([^"]+)"/g)].map((match) => match[1]);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    const references = [...again.serialize().matchAll(/<reference value="#([^"]+)">/g)].map((match) => match[1]);
    expect(references.every((reference) => ids.includes(reference))).toBe(true);
  });

  it('finds sections by LOINC code when templateIds are missing', () => {
    const withoutTemplates = note
      .serialize()
      .replace(
        /<templateId root="2\.16\.840\.1\.113883\.10\.20\.22\.2\.[^"]*" extension="2015-08-01"><\/templateId>/g,
        '',
      );
    const document = CdaDocument.parse(withoutTemplates);
    expect(document.sections().every((section) => section.templateIds.length === 0)).toBe(true);
    expect(document.toFhir().conditions).toHaveLength(1);
    expect(document.sectionByCode('48765-2')?.type?.kind).toBe('allergies');
  });

  it('round-trips losslessly, before and after insertion', () => {
    expect(roundTrips(note)).toBe(true);
    const again = CdaDocument.parse(note.serialize());
    again.addResources([
      {
        ...hypertension,
        code: { coding: [{ system: SNOMED, code: '44054006', display: 'Diabetes mellitus type 2' }] },
      },
    ]);
    expect(roundTrips(again)).toBe(true);
    expect(
      CdaDocument.parse(again.serialize())
        .toFhir()
        .conditions.map((c) => c.code?.coding?.[0].code),
    ).toEqual(['38341003', '44054006']);
  });

  it('refuses DTDs, external entities, oversized input, other XML and malformed XML', () => {
    const billionLaughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><ClinicalDocument xmlns="urn:hl7-org:v3">&lol2;</ClinicalDocument>';
    expect(() => CdaDocument.parse(billionLaughs)).toThrow(/DTD .* is not accepted/);
    const xxe =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ClinicalDocument xmlns="urn:hl7-org:v3">&xxe;</ClinicalDocument>';
    expect(() => CdaDocument.parse(xxe)).toThrow(CdaParseError);
    expect(() => CdaDocument.parse(note.serialize(), { maxBytes: 1000 })).toThrow(
      /exceeds the size limit of 1000 bytes/,
    );
    expect(() => CdaDocument.parse('<Patient xmlns="http://hl7.org/fhir"/>')).toThrow(
      'Not a CDA document: the root element is not <ClinicalDocument>',
    );
    expect(() => CdaDocument.parse('<ClinicalDocument/>')).toThrow(/not in the urn:hl7-org:v3 namespace/);
    expect(() => CdaDocument.parse('<ClinicalDocument xmlns="urn:hl7-org:v3"><title>')).toThrow(
      /Not a well-formed CDA document/,
    );
  });

  describe('from a summary (a document parsed in a worker thread)', () => {
    const xml = note.serialize();
    const diabetes: Condition = {
      ...hypertension,
      code: { coding: [{ system: SNOMED, code: '44054006', display: 'Diabetes mellitus type 2' }] },
    };
    const detached = () => CdaDocument.fromSummary(structuredClone(CdaDocument.summarize(xml)));
    /** The serialization, without the random ids inserted entries get. */
    const serialized = (document: CdaDocument) => document.serialize().replace(/<id root="[0-9a-f-]{36}">/g, '<id>');

    it('answers id, title, sections and the FHIR view as the parsed document does, without a tree', () => {
      const parsed = CdaDocument.parse(xml);
      const document = detached();
      expect([document.id, document.typeCode, document.title]).toEqual([parsed.id, '11506-3', 'Progress note']);
      const describe = (d: CdaDocument) =>
        d.sections().map(({ type, templateIds, code, title, text }) => ({ type, templateIds, code, title, text }));
      expect(describe(document)).toEqual(describe(parsed));
      expect(document.section('allergies')?.text).toBe('penicillin G');
      expect(document.toFhir()).toEqual(parsed.toFhir());
      expect(document.unparsed()).toEqual({ xml, insertions: [] });
    });

    it('keeps insertions for whoever serializes it, with the same answer as insertion into the tree', () => {
      const document = detached();
      expect(document.addResources([diabetes])).toEqual({ Condition: 1 });
      const { xml: source, insertions } = document.unparsed()!;
      const elsewhere = CdaDocument.parse(source);
      elsewhere.addResources(insertions);
      const here = CdaDocument.parse(xml);
      here.addResources([diabetes]);
      expect(serialized(elsewhere)).toBe(serialized(here));
      // The view after an insertion needs the tree: it is parsed here, with the insertion applied.
      expect(document.toFhir().conditions.map((c) => c.code?.coding?.[0].code)).toEqual(['38341003', '44054006']);
      expect(document.unparsed()).toBeUndefined();
      expect(serialized(document)).toBe(serialized(here));
    });

    it("parses its tree here when a section's node is asked for", () => {
      const document = detached();
      const problems = document.section('problems')!;
      expect(document.unparsed()).toBeDefined();
      expect(problems.node).toBe(CdaDocument.prototype.sections.call(document)[1].node);
      expect(document.unparsed()).toBeUndefined();
      expect(document.serialize()).toBe(xml);
    });
  });
});
