export { ConfigValidationError, EXIT_CONFIG, configOrExit } from './config-validation.error';
export { CONFIG_FILE_KEY, type ConfigSource, readConfigSource } from './config-source';
export {
  type ConfigNamespace,
  type ConfigNamespaceDefinition,
  type ConfigNamespaceInfo,
  defineConfigNamespace,
} from './config-namespace';
export { type ConfigOf, configKeys, loadConfig } from './load-config';
export { configReference } from './config-reference';
export {
  envBoolean,
  envInteger,
  envJsonObject,
  envList,
  envRoutePath,
  isHttpsOrLoopbackHttp,
  isSecureUrl,
} from './env-values';
export { validatedConfigModule } from './validated-config.module';
export { StartupFailure } from './startup-failure';
export { LOGGING_KEYS, LOG_LEVELS, type LogLevel, logLevelOf } from './logging-keys';
