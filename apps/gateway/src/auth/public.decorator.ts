import { Reflector } from '@nestjs/core';

/** Exempts a route (or a controller) from the inbound guard's credential check. */
export const Public = Reflector.createDecorator<true>({ transform: () => true });
