import { CdaDocument } from '@ehr-gateway/cda';
import type { Condition } from '@medplum/fhirtypes';
import { sharedFixtures } from './support/fixtures';

/** Resources each shared document yields: conditions, medications, allergies, note sections. */
const EXPECTED: Record<string, [number, number, number, number]> = {
  'ccd-problems-meds-allergies.xml': [1, 1, 1, 1],
  'ccd-without-template-ids.xml': [1, 1, 1, 1],
  'epic-style-note.xml': [1, 1, 1, 1],
  'hl7-ccda-r21-ccd.xml': [0, 0, 1, 0],
  'hl7-ccda-r21-consultation-note.xml': [4, 2, 3, 4],
  'hl7-ccda-r21-history-and-physical.xml': [2, 1, 3, 6],
};

const added: Condition = {
  resourceType: 'Condition',
  code: { coding: [{ system: 'http://snomed.info/sct', code: '29857009', display: 'Chest pain' }] },
  subject: { reference: 'Patient/patient' },
};

const documents = sharedFixtures('cda', '.xml');
(documents ? describe : describe.skip)('the shared CDA documents', () => {
  it.each(documents ?? [])('$name parses, maps, round-trips losslessly and takes new entries', ({ name, text }) => {
    const document = CdaDocument.parse(text);
    const view = document.toFhir();
    expect([view.conditions.length, view.medications.length, view.allergies.length, view.notes.length]).toEqual(
      EXPECTED[name],
    );

    const serialized = document.serialize();
    expect(CdaDocument.parse(serialized).serialize()).toBe(serialized);
    expect(CdaDocument.parse(serialized).toFhir()).toEqual(view);

    const before = view.conditions.length;
    document.addResources([added]);
    const reread = CdaDocument.parse(document.serialize()).toFhir();
    expect(reread.conditions).toHaveLength(before + 1);
    expect(reread.conditions.at(-1)!.code?.coding?.[0]).toEqual({
      system: 'http://snomed.info/sct',
      code: '29857009',
      display: 'Chest pain',
    });
  });

  it('maps the Epic-style note the way Epic meant it', () => {
    const epic = CdaDocument.parse(documents!.find((d) => d.name === 'epic-style-note.xml')!.text).toFhir();
    expect(epic.patient?.name).toEqual([{ family: 'Smith', given: ['John'] }]);
    expect(epic.conditions[0].code?.text).toBe('CHF'); // uncoded, by reference into the narrative
    expect(epic.medications[0].medicationCodeableConcept?.coding?.[0]).toMatchObject({
      system: 'http://www.nlm.nih.gov/research/umls/rxnorm',
      code: '209387',
    });
    expect(epic.notes[0].type?.coding?.[0].code).toBe('51847-2');
  });

  it('keeps severity from CCD 1.0 (H/M/L) and C-CDA (SNOMED CT) reactions alike', () => {
    const ccd = CdaDocument.parse(documents!.find((d) => d.name === 'ccd-problems-meds-allergies.xml')!.text).toFhir();
    expect(ccd.allergies[0].reaction?.[0].severity).toBe('severe');
    const consult = CdaDocument.parse(
      documents!.find((d) => d.name === 'hl7-ccda-r21-consultation-note.xml')!.text,
    ).toFhir();
    expect(consult.allergies.flatMap((a) => a.reaction?.map((r) => r.severity) ?? [])).toEqual(['mild', 'moderate']);
  });
});
