import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { HEALTH_TAG } from '../api-docs';
import { GatewayMetrics } from './gateway-metrics';

@ApiTags(HEALTH_TAG)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format), behind the API guard' })
  @ApiProduces('text/plain')
  async scrape(@Res() response: Response): Promise<void> {
    const body = await this.metrics.registry.metrics();
    response.status(200).type(this.metrics.registry.contentType).send(body);
  }
}
