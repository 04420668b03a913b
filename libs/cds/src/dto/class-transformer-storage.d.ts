/** class-transformer ships the typings of its CommonJS `storage` module under `types/`. */
declare module 'class-transformer/cjs/storage' {
  export { defaultMetadataStorage } from 'class-transformer/types/storage';
}
