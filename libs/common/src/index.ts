export { findDecoratedMethods, type DecoratedMethod } from './decorated-methods';
export { BootstrapQuietLogger } from './bootstrap-quiet-logger';
export { problemOf, stackFramesOf } from './failure-problem';
export { PUBLIC_URL_SETTING, publicBaseUrl } from './public-url';
export { inSpan, tracer, tracingEnabled } from './tracing';
export { withoutCredentials } from './without-credentials';
