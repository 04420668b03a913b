import { randomUUID } from 'node:crypto';
import type { AllergyIntolerance, CodeableConcept, Condition, MedicationStatement } from '@medplum/fhirtypes';
import { systemOid } from '../code-systems';
import { XmlNode, element } from '@ehr-gateway/xml';
import { toHl7Timestamp } from './cda-values';

const SNOMED = '2.16.840.1.113883.6.96';
const LOINC = '2.16.840.1.113883.6.1';
const VERSION = '2015-08-01';

const template = (root: string) => element('templateId', { root, extension: VERSION });
const id = () => element('id', { root: randomUUID() });

/** A CD element from a CodeableConcept (first coding; the rest as translations). */
function cd(name: string, concept: CodeableConcept | undefined, extra: Record<string, string> = {}): XmlNode {
  const [first, ...rest] = concept?.coding ?? [];
  if (!first?.code)
    return element(
      name,
      { ...extra, nullFlavor: 'OTH' },
      concept?.text ? [element('originalText', {}, [{ '#text': concept.text }])] : [],
    );
  return element(
    name,
    { ...extra, code: first.code, codeSystem: systemOid(first.system), displayName: first.display ?? concept?.text },
    rest
      .filter((c) => c.code)
      .map((c) => element('translation', { code: c.code, codeSystem: systemOid(c.system), displayName: c.display })),
  );
}

const effectiveTime = (low?: string, high?: string) =>
  element('effectiveTime', {}, [
    low ? element('low', { value: toHl7Timestamp(low) }) : element('low', { nullFlavor: 'UNK' }),
    ...(high ? [element('high', { value: toHl7Timestamp(high) })] : []),
  ]);

/** The display text of a concept, for the section narrative. */
export const displayOf = (concept: CodeableConcept | undefined) =>
  concept?.text ?? concept?.coding?.[0]?.display ?? concept?.coding?.[0]?.code ?? 'unnamed';

const textReference = (reference: string) => element('text', {}, [element('reference', { value: `#${reference}` })]);

/** A Problem Concern Act wrapping a Problem Observation (C-CDA R2.1). */
export function conditionEntry(condition: Condition, reference: string): XmlNode {
  const status = condition.clinicalStatus?.coding?.[0]?.code ?? 'active';
  const concernStatus = status === 'active' || status === 'recurrence' || status === 'relapse' ? 'active' : 'completed';
  const observation = element('observation', { classCode: 'OBS', moodCode: 'EVN' }, [
    template('2.16.840.1.113883.10.20.22.4.4'),
    id(),
    element('code', { code: '55607006', codeSystem: SNOMED, displayName: 'Problem' }),
    textReference(reference),
    element('statusCode', { code: 'completed' }),
    effectiveTime(condition.onsetDateTime, condition.abatementDateTime),
    cd('value', condition.code, { 'xsi:type': 'CD' }),
  ]);
  return element('entry', { typeCode: 'DRIV' }, [
    element('act', { classCode: 'ACT', moodCode: 'EVN' }, [
      template('2.16.840.1.113883.10.20.22.4.3'),
      id(),
      element('code', { code: 'CONC', codeSystem: '2.16.840.1.113883.5.6', displayName: 'Concern' }),
      element('statusCode', { code: concernStatus }),
      effectiveTime(condition.onsetDateTime),
      element('entryRelationship', { typeCode: 'SUBJ' }, [observation]),
    ]),
  ]);
}

/** A Medication Activity (C-CDA R2.1). */
export function medicationEntry(statement: MedicationStatement, reference: string): XmlNode {
  const dose = statement.dosage?.[0]?.doseAndRate?.[0]?.doseQuantity;
  return element('entry', { typeCode: 'DRIV' }, [
    element('substanceAdministration', { classCode: 'SBADM', moodCode: 'EVN' }, [
      template('2.16.840.1.113883.10.20.22.4.16'),
      id(),
      textReference(reference),
      element('statusCode', {
        code: statement.status === 'completed' || statement.status === 'stopped' ? 'completed' : 'active',
      }),
      element('effectiveTime', { 'xsi:type': 'IVL_TS' }, [
        statement.effectivePeriod?.start
          ? element('low', { value: toHl7Timestamp(statement.effectivePeriod.start) })
          : element('low', { nullFlavor: 'UNK' }),
        ...(statement.effectivePeriod?.end
          ? [element('high', { value: toHl7Timestamp(statement.effectivePeriod.end) })]
          : []),
      ]),
      ...(dose?.value !== undefined ? [element('doseQuantity', { value: String(dose.value), unit: dose.unit })] : []),
      element('consumable', {}, [
        element('manufacturedProduct', { classCode: 'MANU' }, [
          template('2.16.840.1.113883.10.20.22.4.23'),
          element('manufacturedMaterial', {}, [cd('code', statement.medicationCodeableConcept)]),
        ]),
      ]),
    ]),
  ]);
}

const SEVERITY_CODES: Record<string, [string, string]> = {
  mild: ['255604002', 'Mild'],
  moderate: ['6736007', 'Moderate'],
  severe: ['24484000', 'Severe'],
};
const CATEGORY_CODES: Record<string, [string, string]> = {
  medication: ['419511003', 'Propensity to adverse reactions to drug'],
  food: ['414285001', 'Allergy to food'],
  environment: ['426232007', 'Environmental allergy'],
  biologic: ['419199007', 'Allergy to substance'],
};

/** An Allergy Concern Act wrapping an Allergy - Intolerance Observation, with reactions and severity (C-CDA R2.1). */
export function allergyEntry(allergy: AllergyIntolerance, reference: string): XmlNode {
  const [typeCode, typeDisplay] = CATEGORY_CODES[allergy.category?.[0] ?? 'biologic'];
  const reactions = (allergy.reaction ?? []).map((reaction) => {
    const severity = reaction.severity ? SEVERITY_CODES[reaction.severity] : undefined;
    return element('entryRelationship', { typeCode: 'MFST', inversionInd: 'true' }, [
      element('observation', { classCode: 'OBS', moodCode: 'EVN' }, [
        template('2.16.840.1.113883.10.20.22.4.9'),
        id(),
        element('code', { code: 'ASSERTION', codeSystem: '2.16.840.1.113883.5.4' }),
        element('statusCode', { code: 'completed' }),
        cd('value', reaction.manifestation?.[0], { 'xsi:type': 'CD' }),
        ...(severity
          ? [
              element('entryRelationship', { typeCode: 'SUBJ', inversionInd: 'true' }, [
                element('observation', { classCode: 'OBS', moodCode: 'EVN' }, [
                  template('2.16.840.1.113883.10.20.22.4.8'),
                  element('code', { code: 'SEV', codeSystem: '2.16.840.1.113883.5.4' }),
                  element('statusCode', { code: 'completed' }),
                  element('value', {
                    'xsi:type': 'CD',
                    code: severity[0],
                    codeSystem: SNOMED,
                    displayName: severity[1],
                  }),
                ]),
              ]),
            ]
          : []),
      ]),
    ]);
  });
  const observation = element('observation', { classCode: 'OBS', moodCode: 'EVN' }, [
    template('2.16.840.1.113883.10.20.22.4.7'),
    id(),
    element('code', { code: 'ASSERTION', codeSystem: '2.16.840.1.113883.5.4' }),
    textReference(reference),
    element('statusCode', { code: 'completed' }),
    effectiveTime(allergy.onsetDateTime),
    element('value', { 'xsi:type': 'CD', code: typeCode, codeSystem: SNOMED, displayName: typeDisplay }),
    element('participant', { typeCode: 'CSM' }, [
      element('participantRole', { classCode: 'MANU' }, [
        element('playingEntity', { classCode: 'MMAT' }, [cd('code', allergy.code)]),
      ]),
    ]),
    ...reactions,
  ]);
  return element('entry', { typeCode: 'DRIV' }, [
    element('act', { classCode: 'ACT', moodCode: 'EVN' }, [
      template('2.16.840.1.113883.10.20.22.4.30'),
      id(),
      element('code', { code: 'CONC', codeSystem: '2.16.840.1.113883.5.6' }),
      element('statusCode', { code: 'active' }),
      effectiveTime(allergy.onsetDateTime),
      element('entryRelationship', { typeCode: 'SUBJ' }, [observation]),
    ]),
  ]);
}

export { LOINC as LOINC_OID };
