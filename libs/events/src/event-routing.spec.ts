import { EHREventType, EHREvent, newEventId } from './ehr-event';
import { eventNames, patternCanMatch, suggestPattern } from './event-routing';

function event(eventType: EHREventType, details: { resourceType?: string } = {}): EHREvent {
  return {
    id: newEventId(),
    eventType,
    sourceSystem: 'test',
    timestamp: new Date().toISOString(),
    payload: { operation: 'x', source: 'test', outcome: 'success', status: 200, ...details },
    metadata: {},
  } as EHREvent;
}

describe('eventNames', () => {
  it('adds the resource-scoped name to FHIR events', () => {
    expect(eventNames(event(EHREventType.FHIR_READ, { resourceType: 'MedicationRequest' }))).toEqual([
      'fhir.read',
      'fhir.medicationrequest.read',
    ]);
  });

  it('keeps other events under their type only', () => {
    expect(eventNames(event(EHREventType.CDS_ORDER_SIGN, { resourceType: 'Patient' }))).toEqual(['cds.order.sign']);
    expect(eventNames(event(EHREventType.FHIR_SEARCH))).toEqual(['fhir.search']);
  });
});

describe('patternCanMatch', () => {
  it.each([
    'fhir.read',
    'fhir.*',
    'fhir.patient.*',
    'fhir.*.read',
    'fhir.**',
    '**',
    'cds.**',
    'cds.*.view',
    'notereader.*.note',
    'ehr.generic',
    'ehr.*',
  ])('accepts %s', (pattern) => expect(patternCanMatch(pattern)).toBe(true));

  it.each(['cds.*', 'notereader.*', 'fhir.patient', 'fhir.patient.created', 'fhir.Patient.read', 'cds.patient.view.x'])(
    'rejects %s',
    (pattern) => expect(patternCanMatch(pattern)).toBe(false),
  );
});

describe('suggestPattern', () => {
  it('proposes the closest pattern that matches', () => {
    expect(suggestPattern('cds.*')).toBe('cds.**');
    expect(suggestPattern('notereader.*')).toBe('notereader.**');
    expect(suggestPattern('fhir.patient')).toBe('fhir.patient.*');
    expect(suggestPattern('fhir.patient.created')).toBe('fhir.patient.*');
  });
});
