/** HL7 OIDs of the code systems clinical documents use, and their FHIR URIs. */
export const CODE_SYSTEMS: ReadonlyArray<{ oid: string; uri: string; name: string }> = [
  { oid: '2.16.840.1.113883.6.96', uri: 'http://snomed.info/sct', name: 'SNOMED CT' },
  { oid: '2.16.840.1.113883.6.1', uri: 'http://loinc.org', name: 'LOINC' },
  { oid: '2.16.840.1.113883.6.88', uri: 'http://www.nlm.nih.gov/research/umls/rxnorm', name: 'RxNorm' },
  { oid: '2.16.840.1.113883.6.90', uri: 'http://hl7.org/fhir/sid/icd-10-cm', name: 'ICD-10-CM' },
  { oid: '2.16.840.1.113883.6.3', uri: 'http://hl7.org/fhir/sid/icd-10', name: 'ICD-10' },
  { oid: '2.16.840.1.113883.6.103', uri: 'http://hl7.org/fhir/sid/icd-9-cm', name: 'ICD-9-CM' },
  { oid: '2.16.840.1.113883.6.69', uri: 'http://hl7.org/fhir/sid/ndc', name: 'NDC' },
  { oid: '2.16.840.1.113883.6.12', uri: 'http://www.ama-assn.org/go/cpt', name: 'CPT' },
  { oid: '2.16.840.1.113883.12.292', uri: 'http://hl7.org/fhir/sid/cvx', name: 'CVX' },
  { oid: '2.16.840.1.113883.4.9', uri: 'http://fdasis.nlm.nih.gov', name: 'UNII' },
  { oid: '2.16.840.1.113883.3.26.1.1', uri: 'http://ncimeta.nci.nih.gov', name: 'NCI Thesaurus' },
  { oid: '2.16.840.1.113883.5.4', uri: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', name: 'ActCode' },
  {
    oid: '2.16.840.1.113883.5.1',
    uri: 'http://terminology.hl7.org/CodeSystem/v3-AdministrativeGender',
    name: 'AdministrativeGender',
  },
];

const BY_OID = new Map(CODE_SYSTEMS.map((system) => [system.oid, system]));
const BY_URI = new Map(CODE_SYSTEMS.map((system) => [system.uri, system]));

/** The FHIR system URI of an OID (`urn:oid:<oid>` when unknown). */
export const systemUri = (oid: string | undefined) => (oid ? (BY_OID.get(oid)?.uri ?? `urn:oid:${oid}`) : undefined);

/** The OID of a FHIR system URI (the OID inside a `urn:oid:` URI). */
export function systemOid(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  if (uri.startsWith('urn:oid:')) return uri.slice('urn:oid:'.length);
  return BY_URI.get(uri)?.oid;
}
