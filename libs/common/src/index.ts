export { findDecoratedMethods, type DecoratedMethod } from './decorated-methods';
export { BootstrapQuietLogger } from './bootstrap-quiet-logger';
