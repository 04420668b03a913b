import { Module } from '@nestjs/common';
import { GatewayMetrics } from './gateway-metrics';

/** The gateway's metrics, one instance shared by the gateway and by `FhirModule` (its upstream observer). */
@Module({ providers: [GatewayMetrics], exports: [GatewayMetrics] })
export class ObservabilityModule {}
