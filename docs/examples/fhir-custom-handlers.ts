import { Injectable } from '@nestjs/common';
import { FhirAggregate, FhirGateway, FhirTransform } from '@ehr-gateway/fhir';
import type { Observation, Patient } from '@medplum/fhirtypes';

@Injectable()
export class ClinicalHandlers {
  constructor(private readonly fhir: FhirGateway) {}

  @FhirTransform('Patient') // GET /fhir/transform/Patient/{id}?source=
  async summarise(id: string, source: string): Promise<Patient> {
    const patient = await this.fhir.read<Patient>('Patient', id, { source });
    return { ...patient, meta: { ...patient.meta, tag: [{ code: 'summarised' }] } };
  }

  @FhirAggregate('Observation') // GET /fhir/aggregate/Observation?id=&sources=a&sources=b
  async vitals(id: string, sources: string[]): Promise<Observation[]> {
    const pages = await Promise.all(
      sources.map((source) => this.fhir.search<Observation>('Observation', { patient: id }, { source })),
    );
    return pages.flatMap((bundle) => bundle.entry?.map((entry) => entry.resource!) ?? []);
  }
}
