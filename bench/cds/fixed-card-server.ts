/**
 * The server side of bench:cds, in its own process: the gateway with one extra
 * CDS service that returns a fixed card, and a plain Nest route returning the
 * same JSON, so that both are measured against the same process.
 */
import { Body, Controller, HttpCode, Module, Post } from '@nestjs/common';
import { CdsResponse, CdsService, CdsServiceHandler } from '@ehr-gateway/cds';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { createGatewayApp } from '../../apps/gateway/src/create-gateway-app';
import { answerCpuUsage } from '../support/server-cpu';

const FIXED: CdsResponse = { cards: [{ summary: 'Fixed advice', indicator: 'info', source: { label: 'bench' } }] };

@CdsService({ id: 'fixed-card', hook: 'patient-view', description: 'Returns one fixed card' })
class FixedCardService implements CdsServiceHandler {
  handle(): CdsResponse {
    return FIXED;
  }
}

@Controller('plain')
class PlainController {
  @Post('fixed-card')
  @HttpCode(200)
  fixed(@Body() _body: unknown): CdsResponse {
    return FIXED;
  }
}

@Module({ controllers: [PlainController], providers: [FixedCardService] })
class BenchCdsModule {}

void (async () => {
  const app = await createGatewayApp(loadGatewayConfig(), [BenchCdsModule]);
  await app.listen(0, '127.0.0.1');
  answerCpuUsage();
  process.send!(await app.getUrl());
})();
