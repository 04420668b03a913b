import { Injectable, Module } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import { EventDispatcher } from '@ehr-gateway/events';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import request from 'supertest';
import { EventLog, EventLogModule, payloadOf } from './support/event-log';
import { createTestGateway } from './support/gateway-app';

/** An audit sink that is down for Patient reads. */
@Injectable()
class FailingAudit {
  @OnEvent('fhir.patient.read') audit() {
    throw new Error('audit store unavailable');
  }
}

@Module({ providers: [FailingAudit] })
class FailingAuditModule {}

async function firstPatient(app: INestApplication): Promise<Patient> {
  const response = await request(app.getHttpServer()).get('/fhir/local/Patient?_count=1').expect(200);
  return (response.body as Bundle<Patient>).entry![0].resource!;
}

describe('FHIR event options (e2e)', () => {
  let app: INestApplication | undefined;
  afterEach(async () => app?.close());

  it('keeps resources out of events by default and puts them in when configured', async () => {
    app = await createTestGateway({}, [EventLogModule]);
    const patient = await firstPatient(app);
    await request(app.getHttpServer()).get(`/fhir/local/Patient/${patient.id}`).expect(200);
    await app.get(EventDispatcher).idle();
    expect(app.get(EventLog).events.map((e) => payloadOf(e).resource)).toEqual([undefined, undefined]);
    await app.close();

    app = await createTestGateway({ FHIR_EVENTS_INCLUDE_RESOURCE: 'true' }, [EventLogModule]);
    const again = await firstPatient(app);
    await request(app.getHttpServer()).get(`/fhir/local/Patient/${again.id}`).expect(200);
    await app.get(EventDispatcher).idle();
    const [, read] = app.get(EventLog).events;
    expect(payloadOf(read).resource).toMatchObject({ resourceType: 'Patient', id: again.id });
  });

  it('in strict mode answers 500 with an OperationOutcome and no data when the audit listener fails', async () => {
    app = await createTestGateway({ EVENTS_DELIVERY: 'strict' }, [FailingAuditModule]);
    const patient = await firstPatient(app);
    const response = await request(app.getHttpServer()).get(`/fhir/local/Patient/${patient.id}`).expect(500);
    expect(response.body.resourceType).toBe('OperationOutcome');
    expect(response.body.issue[0].diagnostics).toMatch(/FailingAudit\.audit.*the response was withheld/);
    expect(JSON.stringify(response.body)).not.toContain(patient.name![0].family);
  });
});
