import { Injectable } from '@nestjs/common';
import { FhirGateway } from '@ehr-gateway/fhir';
import type { Observation, Patient } from '@medplum/fhirtypes';

@Injectable()
export class RiskService {
  constructor(private readonly fhir: FhirGateway) {}

  async vitals(patientId: string) {
    const patient = await this.fhir.read<Patient>('Patient', patientId); // default source
    const bundle = await this.fhir.search<Observation>(
      'Observation',
      { patient: `Patient/${patientId}`, category: 'vital-signs' },
      { source: 'epic', followNext: true, maxPages: 5 }, // follow `next` links
    );
    let conditions = 0;
    for await (const page of this.fhir.searchPages('Condition', { patient: patientId })) {
      conditions += page.entry?.length ?? 0; // one page at a time
    }
    return { patient, conditions, observations: bundle.entry?.map((e) => e.resource) };
  }
}
