import { ClientProxyFactory, Transport } from '@nestjs/microservices';
import type { Patient } from '@medplum/fhirtypes';
import { firstValueFrom } from 'rxjs';

export async function readPatient(): Promise<Patient> {
  const client = ClientProxyFactory.create({
    transport: Transport.NATS,
    options: { servers: ['nats://127.0.0.1:4222'] },
  });
  const patient = await firstValueFrom(
    client.send<Patient>('fhir.read', { resourceType: 'Patient', id: '123', caller: 'billing' }),
  );
  return patient;
}
