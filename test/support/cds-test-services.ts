import { Module } from '@nestjs/common';
import { CdsRequest, CdsResponse, CdsService, CdsServiceHandler } from '@ehr-gateway/cds';
import type { Patient } from '@medplum/fhirtypes';

const source = { label: 'test services' };

/** The specification's example service: greets the prefetched patient. */
@CdsService({
  id: 'static-patient-greeter',
  hook: 'patient-view',
  title: 'Static CDS Service Example',
  description: 'An example of a CDS Service that returns a static set of cards',
  prefetch: { patientToGreet: 'Patient/{{context.patientId}}' },
})
export class PatientGreeter implements CdsServiceHandler {
  handle(request: CdsRequest): CdsResponse {
    const patient = request.prefetch.patientToGreet as Patient | null;
    const name = patient?.name?.[0]?.family ?? patient?.id ?? 'nobody';
    return { cards: [{ summary: `Hello ${name}`, indicator: 'info', source }] };
  }
}

/** Reports which prefetch keys arrived and which were null. */
@CdsService({
  id: 'prefetch-echo',
  hook: 'patient-view',
  description: 'Echoes its prefetch',
  prefetch: { patient: 'Patient/{{context.patientId}}', practitioner: 'Practitioner/{{userPractitionerId}}' },
})
export class PrefetchEcho implements CdsServiceHandler {
  handle(request: CdsRequest): CdsResponse {
    const summary = Object.entries(request.prefetch)
      .map(
        ([key, value]) =>
          `${key}=${value === null ? 'null' : `${value.resourceType}/${(value as Patient).name?.[0]?.family ?? value.id}`}`,
      )
      .join(' ');
    return { cards: [{ summary, indicator: 'info', source }] };
  }
}

@CdsService({ id: 'broken', hook: 'patient-view', description: 'Always throws' })
export class BrokenService implements CdsServiceHandler {
  handle(): CdsResponse {
    throw new Error('model server unavailable');
  }
}

@CdsService({ id: 'invalid-cards', hook: 'patient-view', description: 'Returns cards that break the specification' })
export class InvalidCardsService implements CdsServiceHandler {
  handle(): CdsResponse {
    return {
      cards: [
        {
          summary: 'x'.repeat(150),
          indicator: 'urgent' as never,
          source: { label: '' },
          suggestions: [{ label: 'Do it', actions: [{ type: 'delete', description: 'remove' }] }],
          links: [{ label: 'More', url: 'https://example.org', type: 'web' as never }],
        },
      ],
    };
  }
}

@CdsService({
  id: 'failing-prefetch',
  hook: 'patient-view',
  description: 'Declares a prefetch query the source refuses',
  prefetch: { observations: 'Observation?patient={{context.patientId}}&not-a-parameter=1' },
})
export class FailingPrefetchService implements CdsServiceHandler {
  handle(): CdsResponse {
    return { cards: [] };
  }
}

@CdsService({
  id: 'refill-reminder',
  hook: 'medication-refill',
  description: 'A hook the gateway has no context DTO for',
})
export class RefillReminderService implements CdsServiceHandler {
  handle(): CdsResponse {
    return { cards: [] };
  }
}

@Module({
  providers: [
    PatientGreeter,
    PrefetchEcho,
    BrokenService,
    InvalidCardsService,
    FailingPrefetchService,
    RefillReminderService,
  ],
})
export class CdsTestServicesModule {}
