/** Unit specs live beside the code, e2e suites in test/. */
const fs = require('node:fs');
const swc = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // ignoreDynamic keeps `await import()` native, so ESM-only packages (fhir-kit-client) load through Jest's ESM support.
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, module: { ...swc.module, ignoreDynamic: true }, swcrc: false }] },
  moduleNameMapper: { '^@ehr-gateway/([a-z-]+)$': '<rootDir>/libs/$1/src' },
  testTimeout: 20000,
  // One suite at a time (--maxWorkers=1), in a worker that is replaced once it holds this much after a suite:
  // run in band, the modules every e2e suite loads accumulate past Node's heap limit over the whole suite.
  workerIdleMemoryLimit: '1GB',
  // Probes NATS and Redis once: suites that need a missing one are skipped (a failure under CI=true).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
};
