import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = Symbol('ehr-gateway:public');

/** Exempts a route (or a controller) from the API-key guard. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
