import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, MemoryHealthIndicator } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/public.decorator';
import { Readiness } from '../observability/readiness';

const RSS_LIMIT_BYTES = 1.5 * 1024 ** 3;

@ApiTags('Health')
@SkipThrottle()
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly memory: MemoryHealthIndicator,
    private readonly readiness: Readiness,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process answers and its memory is below the limit' })
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness: the process answers (memory only, no I/O)' })
  check() {
    return this.health.check([() => this.memory.checkRSS('memory_rss', RSS_LIMIT_BYTES)]);
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the store, the broker, each upstream source and Redis when configured' })
  ready() {
    return this.health.check(this.readiness.checks());
  }
}
