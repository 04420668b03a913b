export { findDecoratedMethods, type DecoratedMethod } from './decorated-methods';
