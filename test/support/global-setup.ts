import { probeTestServices } from './services';

/** Jest `globalSetup`: decides once, for every suite, which services are there. */
export default async function globalSetup(): Promise<void> {
  await probeTestServices();
}
