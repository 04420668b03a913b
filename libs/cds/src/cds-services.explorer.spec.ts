import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DiscoveryModule } from '@nestjs/core';
import { CdsServicesExplorer } from './cds-services.explorer';
import { CdsService } from './decorators/cds-service.decorator';
import type { CdsResponse } from './dto/cds-response.dto';
import type { CdsServiceHandler } from './interfaces/cds.interfaces';

@CdsService({ id: 'same-id', hook: 'patient-view', description: 'first' })
class FirstService implements CdsServiceHandler {
  handle(): CdsResponse {
    return { cards: [] };
  }
}

@CdsService({ id: 'same-id', hook: 'order-sign', description: 'second' })
class SecondService implements CdsServiceHandler {
  handle(): CdsResponse {
    return { cards: [] };
  }
}

@CdsService({ id: 'other', hook: 'patient-view', description: 'shares the hook' })
class OtherService implements CdsServiceHandler {
  handle(): CdsResponse {
    return { cards: [] };
  }
}

async function boot(providers: Array<new () => CdsServiceHandler>) {
  @Module({ imports: [DiscoveryModule], providers: [CdsServicesExplorer, ...providers] })
  class FixtureModule {}
  const moduleRef = await Test.createTestingModule({ imports: [FixtureModule] }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('CdsServicesExplorer', () => {
  it('routes by id, several services sharing a hook', async () => {
    const moduleRef = await boot([FirstService, OtherService]);
    const explorer = moduleRef.get(CdsServicesExplorer);
    expect(explorer.all().map((s) => s.definition.id)).toEqual(['same-id', 'other']);
    expect(explorer.get('other')?.handler).toBeInstanceOf(OtherService);
    await moduleRef.close();
  });

  it('stops the boot on a duplicate id, naming both classes', async () => {
    await expect(boot([FirstService, SecondService])).rejects.toThrow(
      "@CdsService id 'same-id' is declared twice (FirstService and SecondService); service ids must be unique",
    );
  });
});
