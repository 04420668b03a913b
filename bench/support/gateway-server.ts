/** The gateway as a child process of a benchmark: listens on a free port and reports its URL. */
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway-config';
import { createGatewayApp } from '../../apps/gateway/src/create-gateway-app';
import { answerCpuUsage } from './server-cpu';

void (async () => {
  const app = await createGatewayApp(loadGatewayConfig());
  await app.listen(0, '127.0.0.1');
  answerCpuUsage();
  process.send!(await app.getUrl());
})();
