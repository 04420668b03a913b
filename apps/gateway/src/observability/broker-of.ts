import type { ModuleRef } from '@nestjs/core';
import { EventBrokerPublisher } from '@ehr-gateway/events';

/** The broker publisher when the gateway has one (`EventBrokerModule` is imported only then). */
export function brokerOf(moduleRef: ModuleRef): EventBrokerPublisher | undefined {
  try {
    return moduleRef.get(EventBrokerPublisher, { strict: false });
  } catch {
    return undefined;
  }
}
